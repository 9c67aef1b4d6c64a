// Repeated wrong passwords lock sign-in for a while (Circular 50 Art. 8: limit failed logins).
export const signInPolicy = {
  maxWrongPasswords: 5,
  lockoutSeconds: 15 * 60,
} as const;

/** The same, as the attempt guard takes it: at most 5 passwords checked, then 15 minutes. */
export const passwordPolicy = { maxTries: signInPolicy.maxWrongPasswords, lockSeconds: signInPolicy.lockoutSeconds };

/**
 * RULES.md §4: a session idle longer than the limit ends. Tokens are refreshed before the access
 * token runs out (5 minutes): a refresh later than `idleSeconds` after the last one is refused.
 */
export const sessionIdle = (lastIssuedAt: string, now: Date, idleSeconds: number): boolean =>
  now.getTime() - Date.parse(lastIssuedAt) > idleSeconds * 1000;

export function isLockedOut(lockedUntil: Date | undefined, now: Date): boolean {
  return lockedUntil !== undefined && lockedUntil.getTime() > now.getTime();
}

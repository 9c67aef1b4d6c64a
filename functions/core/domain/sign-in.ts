// Repeated wrong passwords lock sign-in for a while (Circular 50 Art. 8: limit failed logins).
export const signInPolicy = {
  maxWrongPasswords: 5,
  lockoutSeconds: 15 * 60,
} as const;

export function isLockedOut(lockedUntil: Date | undefined, now: Date): boolean {
  return lockedUntil !== undefined && lockedUntil.getTime() > now.getTime();
}

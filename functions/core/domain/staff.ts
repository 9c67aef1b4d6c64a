// Staff of the provider (operators and compliance officers) sign in to the operations console
// through the wallet, like customers: admin-initiated auth, the same lock-out, and an audit
// record of every try (RULES.md §4, §9). They are Cognito users of the same pool, in a group.

export const staffGroups = ['operators', 'compliance'] as const;
export type StaffGroup = (typeof staffGroups)[number];

/** The session registry's device of a staff session: the console keeps no device identity. */
export const staffConsoleDevice = 'staff-console';

/** What the audit trail files every staff sign-in under (one stream), besides the staff member. */
export const staffSignInSubject = 'staff-sign-in';
export const staffSubject = (sub: string): string => `staff:${sub}`;

/**
 * The claims of a token the identity provider has just issued to the wallet itself (over TLS,
 * from AdminInitiateAuth): read, not verified, since nobody else handled it. undefined when it is
 * not a JWT.
 */
export function tokenClaims(jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The staff groups a token's `cognito:groups` names, in the order of `staffGroups`. */
export function staffGroupsOf(claims: Record<string, unknown> | undefined): StaffGroup[] {
  const groups = claims?.['cognito:groups'];
  const named = Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [];
  return staffGroups.filter((g) => named.includes(g));
}

/** A phone number as the audit trail shows a failed try: enough to recognise it, not to dial it. */
export const maskedPhone = (phone: string): string =>
  phone.length <= 7 ? '***' : `${phone.slice(0, 5)}${'*'.repeat(phone.length - 8)}${phone.slice(-3)}`;

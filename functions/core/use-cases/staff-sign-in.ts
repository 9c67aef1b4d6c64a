import type { AuditAction } from '../domain/audit.ts';
import type { PhoneNumber } from '../domain/phone.ts';
import { Refusal } from '../domain/refusals.ts';
import { passwordPolicy, sessionIdle } from '../domain/sign-in.ts';
import {
  maskedPhone,
  type StaffGroup,
  staffConsoleDevice,
  staffGroupsOf,
  staffSignInSubject,
  staffSubject,
  tokenClaims,
} from '../domain/staff.ts';
import type { Services } from '../ports/services.ts';
import { audited } from './audit.ts';

// One answer for a wrong password, an unknown number and a user who is not staff: the door does
// not tell who exists or who is staff.
const wrongCredentials = () => new Refusal('unauthenticated', 'The phone number or password is wrong.');
const expired = () => new Refusal('session-expired', 'The session was idle for too long or has ended: sign in again.');

const anonymous = { subject: 'anonymous', groups: [] };

/**
 * POST /v1/staff/sessions: a staff member (Cognito groups `operators`, `compliance`) signs in to
 * the operations console. As for customers (sign-in.ts): admin-initiated auth only, a try taken
 * by the same atomic guard of the phone number before the password is checked (5 wrong, then 15
 * minutes, across this door and the customers' one), and one answer for every failure. Every try
 * is audited: a success under the staff member and `staff-sign-in`, a refusal under
 * `staff-sign-in` with the number masked.
 */
export async function staffSignIn(
  services: Services,
  input: { phoneNumber: PhoneNumber; password: string },
  route: string,
): Promise<{
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
  staffId: string;
  groups: StaffGroup[];
}> {
  const { guards, identity, sessions, clock } = services;
  const now = clock.now();
  const guard = { factor: 'password', phoneNumber: input.phoneNumber } as const;
  const refused = async (reason: string, action: AuditAction = 'STAFF_SIGN_IN_REFUSED') =>
    audited(services, anonymous, action, staffSignInSubject, {
      route,
      reason,
      reference: maskedPhone(input.phoneNumber),
    });

  const attempt = await guards.take(guard, passwordPolicy, now);
  if (!attempt.ok) {
    await refused('locked');
    throw new Refusal('too-many-attempts', 'Sign-in is locked after repeated wrong passwords.', {
      retryAfter: Math.max(1, Math.ceil((attempt.lockedUntil.getTime() - now.getTime()) / 1000)),
    });
  }
  const tokens = await identity.signIn(input.phoneNumber, input.password);
  const claims = tokens ? tokenClaims(tokens.accessToken) : undefined;
  const groups = staffGroupsOf(claims);
  const sub = typeof claims?.sub === 'string' ? claims.sub : undefined;
  if (!tokens || !sub || groups.length === 0) {
    // A customer's right password at this door counts as a wrong one: the try stays counted.
    await refused(tokens ? 'not-staff' : 'wrong-credentials');
    throw wrongCredentials();
  }
  await guards.judged(guard, attempt.tryId, true, passwordPolicy, now);
  await sessions.open(tokens.refreshToken, {
    customerId: sub,
    phoneNumber: input.phoneNumber,
    deviceId: staffConsoleDevice,
    issuedAt: now.toISOString(),
    lastIssuedAt: now.toISOString(),
  });
  await audited(services, { subject: sub, groups }, 'STAFF_SIGN_IN', [staffSubject(sub), staffSignInSubject], {
    route,
  });
  return { ...tokens, staffId: sub, groups };
}

/**
 * POST /v1/staff/sessions/refresh: new tokens for a staff session still alive. The console asks
 * only when it is used (before a call, once the access token is about to run out): a console left
 * idle longer than the stage's limit (RULES.md §4) must sign in again.
 */
export async function refreshStaffSession(services: Services, refreshToken: string) {
  const { sessions, identity, clock, sessionIdleSeconds } = services;
  const now = clock.now();
  const found = await sessions.find(refreshToken);
  // A customer's refresh token is no staff session.
  if (!found || found.session.deviceId !== staffConsoleDevice) throw expired();
  const { session, revokedBefore } = found;
  const revoked = revokedBefore !== undefined && revokedBefore >= session.issuedAt;
  if (revoked || sessionIdle(session.lastIssuedAt, now, sessionIdleSeconds)) {
    await sessions.end(refreshToken);
    throw expired();
  }
  const tokens = await identity.refresh(refreshToken);
  if (!tokens || !(await sessions.refreshed(refreshToken, session.lastIssuedAt, now))) throw expired();
  return { ...tokens, refreshToken };
}

/** DELETE /v1/staff/sessions: the console signs out; the refresh token is no longer honoured here. */
export async function endStaffSession(services: Services, refreshToken: string): Promise<void> {
  const found = await services.sessions.find(refreshToken);
  if (found?.session.deviceId === staffConsoleDevice) await services.sessions.end(refreshToken);
}

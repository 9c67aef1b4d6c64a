import { type DeviceProof, isTrustedDevice } from '../domain/device.ts';
import type { PhoneNumber } from '../domain/phone.ts';
import { Refusal } from '../domain/refusals.ts';
import { passwordPolicy, sessionIdle } from '../domain/sign-in.ts';
import type { Services } from '../ports/services.ts';

const wrongCredentials = () => new Refusal('unauthenticated', 'The phone number or password is wrong.');
const expired = () => new Refusal('session-expired', 'The session was idle for too long or has ended: sign in again.');

const lockedOut = (lockedUntil: Date, now: Date) =>
  new Refusal('too-many-attempts', 'Sign-in is locked after repeated wrong passwords.', {
    retryAfter: Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000)),
  });

/**
 * POST /v1/sessions: signs in through the identity provider (admin-initiated: only the wallet can).
 * A try of the password is taken before it is checked, by one atomic update that also decides:
 * however many sign-ins arrive at once, at most 5 wrong passwords are checked before the 15-minute
 * lock-out. The device is trusted only as it proves itself (a bound key needs a DPoP proof); a
 * sign-in from an untrusted device is allowed but reported by SMS (RULES.md §4).
 */
export async function signIn(
  services: Services,
  input: { phoneNumber: PhoneNumber; password: string; deviceId: string; appVersion?: string },
  proof?: DeviceProof,
) {
  const { store, identity, clock, sms, guards, sessions, devicePolicy } = services;
  const now = clock.now();
  const guard = { factor: 'password', phoneNumber: input.phoneNumber } as const;
  const [attempt, customerId] = await Promise.all([
    guards.take(guard, passwordPolicy, now),
    store.customerIdByPhone(input.phoneNumber),
  ]);
  if (!attempt.ok) throw lockedOut(attempt.lockedUntil, now);
  // The identity provider's user is named by its subject: the number is whatever the wallet's
  // phone guard says now (a number changed away, or erased, names no one here).
  const tokens = customerId ? await identity.signIn(customerId, input.password) : undefined;
  if (!customerId || !tokens) throw wrongCredentials(); // the try stays counted
  const [device] = await Promise.all([
    store.touchDevice(customerId, input.deviceId, now),
    guards.judged(guard, attempt.tryId, true, passwordPolicy, now),
  ]);
  const trusted = isTrustedDevice(device, proof, devicePolicy);
  await Promise.all([
    sessions.open(tokens.refreshToken, {
      customerId,
      phoneNumber: input.phoneNumber,
      deviceId: input.deviceId,
      ...(trusted && device.keyThumbprint ? { keyThumbprint: device.keyThumbprint } : {}),
      issuedAt: now.toISOString(),
      lastIssuedAt: now.toISOString(),
    }),
    store.recordAuthEvent(
      customerId,
      {
        kind: 'SIGN_IN',
        deviceId: input.deviceId,
        trusted,
        ...(input.appVersion ? { appVersion: input.appVersion } : {}),
      },
      now,
    ),
    trusted
      ? undefined
      : sms.send({
          phoneNumber: input.phoneNumber,
          text: 'Vi dien tu cua ban vua dang nhap tren mot thiet bi moi. Neu khong phai ban, hay khoa vi ngay.',
        }),
  ]);
  return { ...tokens, deviceTrusted: trusted };
}

/**
 * POST /v1/sessions/refresh: new tokens for a session that is still alive. A session ends when
 * it was idle longer than the stage's limit (RULES.md §4: 5 minutes by default), when its
 * customer's sessions were revoked (self-lock, freeze, phone change, erasure), or when the
 * refresh comes from another device (a bound device must prove its key again).
 */
export async function refreshSession(
  services: Services,
  input: { refreshToken: string; deviceId: string },
  proof?: DeviceProof,
) {
  const { sessions, identity, clock, sessionIdleSeconds } = services;
  const now = clock.now();
  const found = await sessions.find(input.refreshToken);
  if (!found) throw expired();
  const { session, revokedBefore } = found;
  if (session.deviceId !== input.deviceId)
    throw new Refusal('unauthenticated', 'This session belongs to another device.');
  if (session.keyThumbprint && proof?.thumbprint !== session.keyThumbprint) {
    throw new Refusal('device-not-trusted', 'This device must prove its key (DPoP) to refresh its session.');
  }
  const revoked = revokedBefore !== undefined && revokedBefore >= session.issuedAt;
  if (revoked || sessionIdle(session.lastIssuedAt, now, sessionIdleSeconds)) {
    await sessions.end(input.refreshToken);
    throw expired();
  }
  const tokens = await identity.refresh(input.refreshToken);
  if (!tokens || !(await sessions.refreshed(input.refreshToken, session.lastIssuedAt, now))) throw expired();
  return { ...tokens, refreshToken: input.refreshToken };
}

/** Ends every session of a customer, here and at the identity provider (self-lock, freeze, phone change, erasure). */
export async function revokeSessions(services: Services, customerId: string): Promise<void> {
  const now = services.clock.now();
  await services.sessions.revokeAll(customerId, now);
  await services.identity.signOutEverywhere(customerId);
}

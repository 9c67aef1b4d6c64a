import { ulid } from 'ulid';
import { otpMessageLimit } from '../domain/abuse-limits.ts';
import { generateOtp, otpFactorPolicy, otpMacInput, otpPolicy, sameHash } from '../domain/otp.ts';
import {
  type PhoneChange,
  phoneChangedNotice,
  phoneChangeOtpText,
  phoneChangeSeconds,
  phoneChangeState,
  phoneChangeTarget,
} from '../domain/phone-change.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import { auditRecord } from './audit.ts';
import { phoneTaken } from './register-phone.ts';
import { revokeSessions } from './sign-in.ts';
import { verifyBiometric } from './submit-kyc.ts';

// Changing the phone number (RULES.md §5; Circular 77/2025 amending Circular 50, in force
// 2026-03-01; API.md v1.1 "Changing the phone number"): an SMS OTP to the NEW number and a
// biometric match whose nonce is the challenge, then the number moves in one conditional
// transaction (two customers moving to one number at once: one wins, the other is 409), the
// identity provider's user follows, every session ends, the old number is told by SMS.

const noSuchChange = () => new Refusal('request-not-found', 'No such phone change.');
const expired = () => new Refusal('challenge-expired', 'This phone change has expired; start a new one.');

const otpLocked = (until: Date, now: Date) =>
  new Refusal('too-many-attempts', 'Too many wrong SMS codes: this factor is locked for a while.', {
    retryAfter: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
  });

const rateLimited = (retryAfter: number) =>
  new Refusal(
    'rate-limited',
    `Too many codes were sent to this number: at most ${otpMessageLimit.maxMessages} in ${otpMessageLimit.windowSeconds / 60} minutes.`,
    { retryAfter },
  );

/** The customer, verified: the biometric match compares against the identity of the first KYC. */
async function verifiedCustomer(services: Services, customerId: string) {
  const customer = await services.store.getCustomer(customerId, { consistent: true });
  if (!customer || customer.status === 'CLOSED')
    throw new Refusal('customer-not-found', 'No customer for this identity.');
  if (!customer.identity) throw refusals.kycRequired();
  return { customer, identity: customer.identity };
}

/**
 * POST /v1/me/phone-changes: the challenge. The OTP goes to the new number (at most 3 messages per
 * number in 15 minutes, as at registration); a number another customer holds is 409 at once (and
 * again at the commit, which alone decides).
 */
export async function startPhoneChange(services: Services, customerId: string, newPhoneNumber: string) {
  const { clock, keyRing, sms, otpMessages, profile, store } = services;
  const { customer } = await verifiedCustomer(services, customerId);
  const target = phoneChangeTarget(customer.phoneNumber, newPhoneNumber);
  if (target instanceof Refusal) throw target;
  if (await store.customerIdByPhone(target)) throw phoneTaken();
  const now = clock.now();
  const allowance = await otpMessages.take(target, otpMessageLimit, now);
  if (!allowance.ok) throw rateLimited(allowance.retryAfterSeconds);
  const otp = generateOtp();
  const challengeId = ulid(now.getTime());
  const change: PhoneChange = {
    changeId: ulid(now.getTime()),
    customerId,
    oldPhone: customer.phoneNumber as PhoneChange['oldPhone'],
    newPhone: target,
    challengeId,
    otpHash: await (await keyRing()).mac('otp', otpMacInput(challengeId, otp)),
    expiresAt: new Date(now.getTime() + Math.min(phoneChangeSeconds, otpPolicy.validForSeconds) * 1000).toISOString(),
    attempts: 0,
    status: 'PENDING',
    createdAt: now.toISOString(),
  };
  await profile.createPhoneChange(change);
  await sms.send({ phoneNumber: target, text: phoneChangeOtpText(otp), otp, reference: challengeId });
  return {
    changeId: change.changeId,
    authentication: {
      methods: ['OTP', 'BIOMETRIC'] as ('OTP' | 'BIOMETRIC')[],
      challengeId,
      expiresAt: change.expiresAt,
    },
  };
}

/** The SMS OTP of the change: one try of the customer's OTP factor (across all challenges) taken before it is compared. */
async function checkOtp(services: Services, change: PhoneChange, otp: string, now: Date) {
  const factor = { factor: 'otp', customerId: change.customerId } as const;
  const factorTry = await services.guards.take(factor, otpFactorPolicy, now);
  if (!factorTry.ok) throw otpLocked(factorTry.lockedUntil, now);
  const hash = await (await services.keyRing()).mac('otp', otpMacInput(change.challengeId, otp));
  const right = sameHash(hash, change.otpHash);
  const left = await services.guards.judged(factor, factorTry.tryId, right, otpFactorPolicy, now);
  if (!right) {
    throw new Refusal('otp-invalid', `The SMS code is wrong; ${left} attempt(s) left before the SMS code locks.`, {
      attemptsLeft: left,
    });
  }
}

/** What follows a committed change (again, safely, when an authorize is repeated after it). */
async function followChange(services: Services, change: PhoneChange, deviceId: string, appVersion?: string) {
  const now = services.clock.now();
  // The identity provider's user follows (its phone attribute; in AWS the sign-in alias).
  await services.identity.changePhone(change.customerId, change.newPhone);
  await revokeSessions(services, change.customerId);
  await services.store.recordAuthEvent(
    change.customerId,
    { kind: 'PHONE_CHANGED', deviceId, trusted: true, ...(appVersion ? { appVersion } : {}) },
    now,
  );
}

/**
 * POST /v1/me/phone-changes/{changeId}/authorize: both factors, then the move. A refused try
 * leaves the challenge usable until it expires (API.md v1.1: no tries per challenge; wrong OTPs
 * count toward the factor's lock-out across all challenges). Repeated after success it answers
 * the new number again.
 */
export async function authorizePhoneChange(
  services: Services,
  caller: Caller,
  input: { changeId: string; otp: string; biometricAssertion: string; deviceId: string; appVersion?: string },
  route: string,
) {
  const { profile, clock, keyRing } = services;
  const customerId = caller.subject;
  const found = await profile.getPhoneChange(customerId, input.changeId);
  if (!found) throw noSuchChange();
  const now = clock.now();
  const state = phoneChangeState(found, now);
  if (state === 'done') {
    await followChange(services, found, input.deviceId, input.appVersion);
    return { phoneNumber: found.newPhone };
  }
  if (state === 'expired') throw expired();
  const { customer, identity } = await verifiedCustomer(services, customerId);
  const attempt = await profile.usePhoneChangeAttempt(customerId, input.changeId, now);
  if (!attempt.ok) throw expired();
  const change = attempt.change;
  const ring = await keyRing();
  await verifyBiometric(
    services,
    input.biometricAssertion,
    {
      fullName: identity.fullName,
      dateOfBirth: await ring.decrypt(identity.dateOfBirthEnc),
      idNumber: await ring.decrypt(identity.idNumberEnc),
    },
    change.challengeId,
  );
  await checkOtp(services, change, input.otp, now);
  if (customer.phoneNumber !== change.oldPhone) throw expired(); // the number moved by another change meanwhile
  const audit = auditRecord(services, caller, 'PHONE_CHANGE', customerId, {
    route,
    reason: 'phone number changed by its owner (biometric match and OTP to the new number)',
    reference: change.changeId,
  });
  const outcome = await profile.commitPhoneChange(change, audit, now.toISOString());
  if (outcome === 'phone-taken') throw phoneTaken();
  if (outcome === 'stale') {
    const again = await profile.getPhoneChange(customerId, input.changeId);
    if (again?.status !== 'DONE') throw expired();
  }
  await followChange(services, change, input.deviceId, input.appVersion);
  // RULES.md §4 spirit: the customer hears of it on the number that was theirs until now.
  await services.sms.send({ phoneNumber: change.oldPhone, text: phoneChangedNotice(change.newPhone) });
  return { phoneNumber: change.newPhone };
}

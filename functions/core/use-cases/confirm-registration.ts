import { isExpired, otpMacInput, otpPolicy, sameHash } from '../domain/otp.ts';
import { type ConsentPurpose, consentsAtRegistration, currentNoticeVersion } from '../domain/personal-data.ts';
import { Refusal } from '../domain/refusals.ts';
import type { Services } from '../ports/services.ts';
import { phoneTaken } from './register-phone.ts';

/** A confirmation that crashed halfway may be taken over after this long. */
const CLAIM_STALE_AFTER_MS = 60_000;

export interface Confirmation {
  registrationId: string;
  otp: string;
  password: string;
  deviceId: string;
  /** RULES.md §9: the purposes chosen at registration (SERVICE given by registering), and the notice shown. */
  consents?: { purpose: ConsentPurpose; granted: boolean }[];
  noticeVersion?: string;
  /** The client's X-App-Version, kept with the authentication event. */
  appVersion?: string;
}

/**
 * POST /v1/registrations/{id}/confirm: checks the OTP (one attempt used per try, RULES.md §3),
 * then creates the sign-in identity and the customer. Safe to retry after a crash at any step.
 */
export async function confirmRegistration(services: Services, input: Confirmation): Promise<{ customerId: string }> {
  const { store, clock, keyRing, identity } = services;
  const now = clock.now();
  // Law 91/2025: consent per purpose, never assumed; an account without SERVICE is not opened.
  const consents = consentsAtRegistration(
    input.consents,
    input.noticeVersion ?? currentNoticeVersion,
    now.toISOString(),
  );
  if (consents instanceof Refusal) throw consents;
  const registration = await store.getRegistration(input.registrationId);
  if (!registration) throw new Refusal('registration-not-found', 'No such registration.');
  if (registration.status !== 'PENDING') throw phoneTaken();
  if (isExpired(registration.expiresAt, now)) {
    throw new Refusal('otp-expired', 'The code has expired; register again for a new one.');
  }
  const attempt = await store.useRegistrationAttempt(input.registrationId, otpPolicy.maxAttempts);
  if (!attempt) {
    throw new Refusal('too-many-attempts', 'Too many wrong codes; register again for a new one.');
  }
  const hash = await (await keyRing()).mac('otp', otpMacInput(input.registrationId, input.otp));
  if (!sameHash(hash, registration.otpHash)) {
    const left = otpPolicy.maxAttempts - attempt.attempts;
    throw new Refusal('otp-invalid', `The code is wrong; ${left} attempt(s) left.`, { attemptsLeft: left });
  }
  if (await store.customerIdByPhone(registration.phoneNumber)) throw phoneTaken();
  const staleBefore = new Date(now.getTime() - CLAIM_STALE_AFTER_MS);
  if (!(await store.claimRegistration(input.registrationId, now, staleBefore))) {
    throw new Refusal('request-in-progress', 'This registration is being confirmed.');
  }
  const { subject } = await identity.createUser(registration.phoneNumber, input.password);
  const outcome = await store.createCustomer(
    {
      customerId: subject,
      phoneNumber: registration.phoneNumber,
      status: 'REGISTERED',
      kind: 'INDIVIDUAL',
      createdAt: now.toISOString(),
    },
    input.registrationId,
    consents,
  );
  if (outcome === 'phone-taken') throw phoneTaken();
  await store.touchDevice(subject, input.deviceId, now);
  await store.recordAuthEvent(
    subject,
    {
      kind: 'REGISTERED',
      deviceId: input.deviceId,
      trusted: false,
      ...(input.appVersion ? { appVersion: input.appVersion } : {}),
    },
    now,
  );
  return { customerId: subject };
}

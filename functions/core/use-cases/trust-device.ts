import { type DeviceProof, isTrustedDevice } from '../domain/device.ts';
import { needsOtpToTrust } from '../domain/kyc.ts';
import { otpFactorPolicy, otpMacInput, otpPolicy, sameHash } from '../domain/otp.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import { newSoftOtpSecret, softOtpSuite } from '../domain/soft-otp.ts';
import type { DevicePublicKey, DeviceTrust } from '../ports/onboarding-store.ts';
import type { Services } from '../ports/services.ts';
import { deviceBinding, deviceBoundToAnotherKey, verifyBiometric } from './submit-kyc.ts';

/** Kept for the transfer use cases, which import it from here. */
export const kycRequired = refusals.kycRequired;

const otpLocked = (until: Date, now: Date) =>
  new Refusal('too-many-attempts', 'Too many wrong SMS codes: this factor is locked for a while.', {
    retryAfter: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
  });

/**
 * The SMS OTP of a trust challenge (RULES.md §3, §4): one try of the challenge and one of the
 * customer's OTP factor (counted across all challenges) are taken before the code is compared.
 */
async function checkChallengeOtp(
  services: Services,
  customerId: string,
  deviceId: string,
  challengeId: string,
  otp: string,
  now: Date,
) {
  const attempt = await services.store.useTrustChallengeAttempt(
    challengeId,
    customerId,
    deviceId,
    now,
    otpPolicy.maxAttempts,
  );
  if (!attempt.ok) {
    if (attempt.why === 'exhausted') {
      throw new Refusal('too-many-attempts', 'Too many wrong codes for this challenge; ask for a new one.');
    }
    throw new Refusal('challenge-expired', 'This challenge is unknown, used or expired; ask for a new one.');
  }
  const factor = { factor: 'otp', customerId } as const;
  const factorTry = await services.guards.take(factor, otpFactorPolicy, now);
  if (!factorTry.ok) throw otpLocked(factorTry.lockedUntil, now);
  const hash = await (await services.keyRing()).mac('otp', otpMacInput(challengeId, otp));
  const right = !!attempt.challenge.otpHash && sameHash(hash, attempt.challenge.otpHash);
  await services.guards.judged(factor, factorTry.tryId, right, otpFactorPolicy, now);
  if (!right) {
    const left = Math.max(0, otpPolicy.maxAttempts - (attempt.challenge.attempts ?? otpPolicy.maxAttempts));
    throw new Refusal('otp-invalid', `The SMS code is wrong; ${left} attempt(s) left.`, { attemptsLeft: left });
  }
}

/**
 * POST /v1/devices/{deviceId}/trust (RULES.md §4): a biometric match bound to a fresh challenge
 * trusts the device and issues its own soft-OTP secret, returned once. A match against the
 * provider's own database (`source: PROVIDER_DB`) counts only with the SMS OTP sent for the
 * challenge. With `devicePublicKey` (and a DPoP proof signed by it) the device is bound to that key.
 */
export async function trustDevice(
  services: Services,
  customerId: string,
  deviceId: string,
  input: { challengeId: string; biometricAssertion: string; otp?: string; devicePublicKey?: DevicePublicKey },
  /** The request's DPoP proof (RFC 9449), as the HTTP layer verified it. */
  proof?: DeviceProof,
  /** The client's X-App-Version, kept with the authentication event (Circular 77/2025). */
  appVersion?: string,
) {
  const { store, clock, keyRing } = services;
  const customer = await store.getCustomer(customerId);
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  if (!customer.identity) throw refusals.kycRequired();
  const binding = await deviceBinding(input.devicePublicKey, proof);
  const ring = await keyRing();
  // The stored identity is compared through the verdict: same ID hash, same name, same birth date.
  const verdictIdentity = {
    fullName: customer.identity.fullName,
    dateOfBirth: await ring.decrypt(customer.identity.dateOfBirthEnc),
    idNumber: await ring.decrypt(customer.identity.idNumberEnc),
  };
  const verdict = await verifyBiometric(services, input.biometricAssertion, verdictIdentity, input.challengeId);
  const now = clock.now();
  if (needsOtpToTrust(verdict.source) && !input.otp) {
    throw new Refusal(
      'authentication-required',
      "A face matched against the provider's own database trusts a device only with the SMS code sent for this challenge (otp).",
      { authentication: { methods: ['BIOMETRIC', 'OTP'], challengeId: input.challengeId } },
    );
  }
  // A bound device is not quietly re-trusted without its key (checked again by the write).
  const device = await store.getDevice(customerId, deviceId);
  if (device?.keyThumbprint && !binding.key && binding.proofThumbprint !== device.keyThumbprint) {
    throw deviceBoundToAnotherKey();
  }
  if (input.otp) await checkChallengeOtp(services, customerId, deviceId, input.challengeId, input.otp, now);
  if (!(await store.consumeTrustChallenge(input.challengeId, customerId, deviceId, now))) {
    throw new Refusal('challenge-expired', 'This challenge is unknown, used or expired; ask for a new one.');
  }
  const secret = newSoftOtpSecret();
  const trust: DeviceTrust = { deviceId, softOtpSecretEnc: await ring.encrypt(secret), ...binding };
  if (!(await store.trustDevice(customerId, trust, now))) throw deviceBoundToAnotherKey();
  await store.recordAuthEvent(
    customerId,
    { kind: 'DEVICE_TRUSTED', deviceId, trusted: true, ...(appVersion ? { appVersion } : {}) },
    now,
  );
  return { deviceId, trusted: true, softOtp: { secret, suite: softOtpSuite } };
}

/** Money moves only from a trusted device (RULES.md §4). */
export async function requireTrustedDevice(
  { store, devicePolicy }: Services,
  customerId: string,
  deviceId: string,
  proof?: DeviceProof,
): Promise<void> {
  const device = await store.getDevice(customerId, deviceId);
  if (!isTrustedDevice(device, proof, devicePolicy)) throw refusals.deviceNotTrusted();
}

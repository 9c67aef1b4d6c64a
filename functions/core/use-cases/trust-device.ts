import { type DeviceProof, isTrustedDevice } from '../domain/device.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import { newSoftOtpSecret, softOtpSuite } from '../domain/soft-otp.ts';
import type { Services } from '../ports/services.ts';
import { verifyBiometric } from './submit-kyc.ts';

/** Kept for the transfer use cases, which import it from here. */
export const kycRequired = refusals.kycRequired;

/**
 * POST /v1/devices/{deviceId}/trust (RULES.md §4): a biometric match bound to a fresh challenge
 * trusts the device and issues its own soft-OTP secret, returned once.
 */
export async function trustDevice(
  services: Services,
  customerId: string,
  deviceId: string,
  input: { challengeId: string; biometricAssertion: string },
) {
  const { store, clock, keyRing } = services;
  const customer = await store.getCustomer(customerId);
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  if (!customer.identity) throw refusals.kycRequired();
  const ring = await keyRing();
  // The stored identity is compared through the verdict: same ID hash, same name, same birth date.
  const verdictIdentity = {
    fullName: customer.identity.fullName,
    dateOfBirth: await ring.decrypt(customer.identity.dateOfBirthEnc),
    idNumber: await ring.decrypt(customer.identity.idNumberEnc),
  };
  await verifyBiometric(services, input.biometricAssertion, verdictIdentity, input.challengeId);
  const now = clock.now();
  if (!(await store.consumeTrustChallenge(input.challengeId, customerId, deviceId, now))) {
    throw new Refusal('challenge-expired', 'This challenge is unknown, used or expired; ask for a new one.');
  }
  const secret = newSoftOtpSecret();
  await store.trustDevice(customerId, deviceId, await ring.encrypt(secret), now);
  await store.recordAuthEvent(customerId, { kind: 'DEVICE_TRUSTED', deviceId, trusted: true }, now);
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

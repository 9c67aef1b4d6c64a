import { ulid } from 'ulid';
import { generateOtp, otpMacInput, otpPolicy } from '../domain/otp.ts';
import { Refusal } from '../domain/refusals.ts';
import type { Services } from '../ports/services.ts';

/** A trust challenge lives 5 minutes and is used once (RULES.md §4). */
export const trustChallengeSeconds = 5 * 60;

/**
 * POST /v1/devices/{deviceId}/trust-challenges: the nonce a biometric assertion must carry, and
 * an SMS OTP bound to it (RULES.md §4: a face matched against the provider's own database trusts
 * a device only with an OTP). The OTP is kept as a keyed hash of the challenge id and the code,
 * like every OTP (functions/core/domain/otp.ts); the answer names the challenge only.
 */
export async function startDeviceTrust({ store, clock, keyRing, sms }: Services, customerId: string, deviceId: string) {
  const customer = await store.getCustomer(customerId);
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  // An erased customer's access token lives out its minutes: it trusts nothing (and has no phone).
  if (customer.status === 'CLOSED') throw new Refusal('customer-not-found', 'This account is closed.');
  const now = clock.now();
  const challengeId = ulid(now.getTime());
  const seconds = Math.min(trustChallengeSeconds, otpPolicy.validForSeconds);
  const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
  const otp = generateOtp();
  await store.createTrustChallenge({
    challengeId,
    customerId,
    deviceId,
    expiresAt,
    createdAt: now.toISOString(),
    otpHash: await (await keyRing()).mac('otp', otpMacInput(challengeId, otp)),
    attempts: 0,
  });
  // RULES.md §3: the message says what the code is for and carries no link.
  await sms.send({
    phoneNumber: customer.phoneNumber,
    text: `${otp} la ma xac thuc thiet bi moi cho vi dien tu, hieu luc 5 phut. Khong chia se ma nay voi bat ky ai.`,
    otp,
    reference: challengeId,
  });
  return { challengeId, expiresAt };
}

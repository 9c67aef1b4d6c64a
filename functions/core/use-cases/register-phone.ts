import { ulid } from 'ulid';
import { otpMessageLimit } from '../domain/abuse-limits.ts';
import { generateOtp, otpMacInput, otpPolicy } from '../domain/otp.ts';
import type { PhoneNumber } from '../domain/phone.ts';
import { Refusal } from '../domain/refusals.ts';
import type { Services } from '../ports/services.ts';

const tooManyMessages = (retryAfter: number) =>
  new Refusal(
    'rate-limited',
    `Too many codes were sent to this number: at most ${otpMessageLimit.maxMessages} in ${otpMessageLimit.windowSeconds / 60} minutes.`,
    { retryAfter },
  );

export const phoneTaken = () =>
  new Refusal('phone-already-registered', 'This phone number already belongs to a customer.');

/** POST /v1/registrations: proves the phone is the caller's by an SMS OTP (RULES.md §5). */
export async function registerPhone(
  { store, sms, clock, keyRing, otpMessages }: Services,
  phoneNumber: PhoneNumber,
): Promise<{ registrationId: string; expiresAt: string }> {
  if (await store.customerIdByPhone(phoneNumber)) throw phoneTaken();
  const now = clock.now();
  // API.md v1.1: at most 3 OTP messages per number in 15 minutes, counted before anything is written.
  const allowance = await otpMessages.take(phoneNumber, otpMessageLimit, now);
  if (!allowance.ok) throw tooManyMessages(allowance.retryAfterSeconds);
  const registrationId = ulid(now.getTime());
  const otp = generateOtp();
  const expiresAt = new Date(now.getTime() + otpPolicy.validForSeconds * 1000).toISOString();
  await store.createRegistration({
    registrationId,
    phoneNumber,
    otpHash: await (await keyRing()).mac('otp', otpMacInput(registrationId, otp)),
    expiresAt,
    attempts: 0,
    status: 'PENDING',
    createdAt: now.toISOString(),
  });
  // RULES.md §3: the message says what the code is for and carries no link.
  await sms.send({
    phoneNumber,
    text: `${otp} la ma xac thuc dang ky vi dien tu, hieu luc 5 phut. Khong chia se ma nay voi bat ky ai.`,
    otp,
    reference: registrationId,
  });
  return { registrationId, expiresAt };
}

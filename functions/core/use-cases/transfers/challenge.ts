import { ulid } from 'ulid';
import { type AuthenticationClass, requiredFactors } from '../../domain/authentication-class.ts';
import { generateOtp, otpMacInput } from '../../domain/otp.ts';
import { type Challenge, challengeSeconds, type Transfer } from '../../domain/transfer.ts';
import type { Services } from '../../ports/services.ts';

const vnd = (amount: number) => amount.toLocaleString('vi-VN');

/**
 * A challenge naming every factor the class needs (RULES.md §3). The SMS OTP says what it is for
 * and carries no link; it is bound to this challenge id, so it cannot serve another transfer.
 */
export async function newChallenge(
  services: Services,
  t: Transfer,
  cls: AuthenticationClass,
  phoneNumber: string,
): Promise<Challenge> {
  const now = services.clock.now();
  const challengeId = ulid(now.getTime());
  const methods = requiredFactors(cls, t.customerKind);
  const challenge: Challenge = {
    challengeId,
    class: cls,
    methods,
    expiresAt: new Date(now.getTime() + challengeSeconds * 1000).toISOString(),
    attempts: 0,
  };
  if (methods.includes('OTP')) {
    const otp = generateOtp();
    challenge.otpHash = await (await services.keyRing()).mac('otp', otpMacInput(challengeId, otp));
    await services.sms.send({
      phoneNumber,
      text: `${otp} la ma xac thuc giao dich ${t.type} ${vnd(t.amount)} VND, hieu luc 5 phut. Khong chia se ma nay voi bat ky ai.`,
      otp,
      reference: challengeId,
    });
  }
  return challenge;
}

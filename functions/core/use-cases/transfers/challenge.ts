import { ulid } from 'ulid';
import type { AuthenticationClass, Factor } from '../../domain/authentication-class.ts';
import { generateOtp, otpMacInput } from '../../domain/otp.ts';
import { type Challenge, challengeSeconds, type Transfer } from '../../domain/transfer.ts';
import type { Services } from '../../ports/services.ts';

const vnd = (amount: number) => amount.toLocaleString('vi-VN');

/**
 * A challenge naming every factor the class needs (RULES.md §3). The SMS OTP says what it is for
 * and carries no link; it is bound to this challenge id, so it cannot serve another transfer.
 * The message is sent by `send`, which the commit loop runs while the transfer is written.
 */
export async function issueChallenge(
  services: Services,
  t: Pick<Transfer, 'transferId' | 'type' | 'amount'>,
  cls: AuthenticationClass,
  methods: Factor[],
  phoneNumber: string,
): Promise<{ challenge: Challenge; send: () => Promise<void> }> {
  const now = services.clock.now();
  const challengeId = ulid(now.getTime());
  const challenge: Challenge = {
    challengeId,
    class: cls,
    methods,
    expiresAt: new Date(now.getTime() + challengeSeconds * 1000).toISOString(),
    attempts: 0,
  };
  if (!methods.includes('OTP')) return { challenge, send: async () => {} };
  const otp = generateOtp();
  challenge.otpHash = await (await services.keyRing()).mac('otp', otpMacInput(challengeId, otp));
  const send = () =>
    services.sms.send({
      phoneNumber,
      text: `${otp} la ma xac thuc giao dich ${t.type} ${vnd(t.amount)} VND, hieu luc 5 phut. Khong chia se ma nay voi bat ky ai.`,
      otp,
      reference: challengeId,
    });
  return { challenge, send };
}

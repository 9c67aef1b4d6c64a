import { describe, expect, it } from 'vitest';
import { SandboxSmsOutbox } from '../../functions/core/adapters/sandbox/sms-outbox.ts';
import { container, overrideServices } from '../../functions/core/container.ts';
import type { PhoneNumber } from '../../functions/core/domain/phone.ts';
import { asProblem } from '../../functions/core/http/problems.ts';
import type { Clock } from '../../functions/core/ports/clock.ts';
import { confirmRegistration } from '../../functions/core/use-cases/confirm-registration.ts';
import { registerPhone } from '../../functions/core/use-cases/register-phone.ts';
import { signIn } from '../../functions/core/use-cases/sign-in.ts';

// Time-dependent rules with an injected clock, against the real engines (DynamoDB Local,
// cognito-local): what an e2e test cannot do without waiting minutes.

const clock = {
  at: new Date('2026-11-28T03:00:00Z'),
  now() {
    return this.at;
  },
} satisfies Clock & { at: Date };
const advance = (seconds: number) => {
  clock.at = new Date(clock.at.getTime() + seconds * 1000);
};
let seq = 40_000_000 + Math.floor(Math.random() * 9_000_000);
const newPhone = () => `+8498${seq++}` as PhoneNumber;

async function otpOf(phone: string, reference: string): Promise<string> {
  const outbox = new SandboxSmsOutbox(process.env.WALLET_TABLE_NAME!, () => clock.now());
  const [message] = await outbox.list(phone, reference);
  return message!.otp!;
}

// Use cases throw domain refusals: the HTTP answer they would get is what these rules promise.
const problemOf = (promise: Promise<unknown>) => promise.then(() => undefined, asProblem);

describe('registration OTP validity (RULES.md §3: at most 5 minutes)', () => {
  overrideServices({ clock });

  it('accepts the code 4 min 59 s after sending', async () => {
    const phone = newPhone();
    const { registrationId } = await registerPhone(container(), phone);
    const otp = await otpOf(phone, registrationId);
    advance(299);
    const { customerId } = await confirmRegistration(container(), {
      registrationId,
      otp,
      password: 'Str0ng!pass',
      deviceId: 'd',
    });
    expect(customerId).toBeTruthy();
  });

  it('refuses the right code at 5 minutes with otp-expired', async () => {
    const phone = newPhone();
    const { registrationId } = await registerPhone(container(), phone);
    const otp = await otpOf(phone, registrationId);
    advance(300);
    const problem = await problemOf(
      confirmRegistration(container(), { registrationId, otp, password: 'Str0ng!pass', deviceId: 'd' }),
    );
    expect(problem).toMatchObject({ status: 400, code: 'otp-expired' });
  });
});

describe('sign-in lockout (5 wrong passwords, 15 minutes)', () => {
  overrideServices({ clock });

  it('lets the customer in again once the lockout has passed', async () => {
    const phone = newPhone();
    const { registrationId } = await registerPhone(container(), phone);
    await confirmRegistration(container(), {
      registrationId,
      otp: await otpOf(phone, registrationId),
      password: 'Str0ng!pass',
      deviceId: 'd',
    });
    for (let i = 0; i < 5; i++) {
      expect(
        await problemOf(signIn(container(), { phoneNumber: phone, password: 'Wr0ng!pass', deviceId: 'd' })),
      ).toMatchObject({
        status: 401,
      });
    }
    advance(14 * 60);
    expect(
      await problemOf(signIn(container(), { phoneNumber: phone, password: 'Str0ng!pass', deviceId: 'd' })),
    ).toMatchObject({
      status: 403,
      code: 'too-many-attempts',
    });
    advance(61);
    const session = await signIn(container(), { phoneNumber: phone, password: 'Str0ng!pass', deviceId: 'd' });
    expect(session.accessToken).toBeTruthy();
  });
});

import type { PhoneNumber } from '../domain/phone.ts';
import { Refusal } from '../domain/refusals.ts';
import { isLockedOut, signInPolicy } from '../domain/sign-in.ts';
import type { Services } from '../ports/services.ts';

const wrongCredentials = () => new Refusal('unauthenticated', 'The phone number or password is wrong.');

/**
 * POST /v1/sessions: signs in through the identity provider. Five wrong passwords lock sign-in
 * for 15 minutes; a sign-in from an untrusted device is allowed but reported by SMS (RULES.md §4).
 */
export async function signIn(
  { store, identity, clock, sms }: Services,
  input: { phoneNumber: PhoneNumber; password: string; deviceId: string },
) {
  const now = clock.now();
  const lockedUntil = await store.signInLockedUntil(input.phoneNumber);
  if (isLockedOut(lockedUntil, now)) {
    const retryAfter = Math.ceil((lockedUntil!.getTime() - now.getTime()) / 1000);
    throw new Refusal('too-many-attempts', 'Sign-in is locked after repeated wrong passwords.', { retryAfter });
  }
  const customerId = await store.customerIdByPhone(input.phoneNumber);
  const tokens = customerId ? await identity.signIn(input.phoneNumber, input.password) : undefined;
  if (!customerId || !tokens) {
    await store.recordSignInFailure(
      input.phoneNumber,
      now,
      signInPolicy.maxWrongPasswords,
      signInPolicy.lockoutSeconds,
    );
    throw wrongCredentials();
  }
  await store.clearSignInFailures(input.phoneNumber);
  const device = await store.touchDevice(customerId, input.deviceId, now);
  await store.recordAuthEvent(customerId, { kind: 'SIGN_IN', deviceId: input.deviceId, trusted: device.trusted }, now);
  if (!device.trusted) {
    await sms.send({
      phoneNumber: input.phoneNumber,
      text: 'Vi dien tu cua ban vua dang nhap tren mot thiet bi moi. Neu khong phai ban, hay khoa vi ngay.',
    });
  }
  return { ...tokens, deviceTrusted: device.trusted };
}

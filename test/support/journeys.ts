import { signSandboxAssertion } from '../../functions/core/adapters/ekyc/sandbox-ekyc-provider.ts';
import { SandboxSmsOutbox } from '../../functions/core/adapters/sandbox/sms-outbox.ts';
import { container } from '../../functions/core/container.ts';
import type { PhoneNumber } from '../../functions/core/domain/phone.ts';
import { confirmRegistration } from '../../functions/core/use-cases/confirm-registration.ts';
import { registerPhone } from '../../functions/core/use-cases/register-phone.ts';
import { submitKyc } from '../../functions/core/use-cases/submit-kyc.ts';

// Customer journeys through the use cases, for integration tests that need a customer in a
// given state without going through HTTP.

let phoneSeq = 10_000_000 + Math.floor(Math.random() * 80_000_000);
export const newPhone = () => `+8496${phoneSeq++}` as PhoneNumber;
let idSeq = 100_000_000 + Math.floor(Math.random() * 800_000_000);
export const newIdNumber = () => `001${idSeq++}`;

export async function registeredCustomer() {
  const phone = newPhone();
  const { registrationId } = await registerPhone(container(), phone);
  const outbox = new SandboxSmsOutbox(process.env.WALLET_TABLE_NAME!, () => container().clock.now());
  const [sms] = await outbox.list(phone, registrationId);
  const { customerId } = await confirmRegistration(container(), {
    registrationId,
    otp: sms!.otp!,
    password: 'Str0ng!pass',
    deviceId: 'd',
  });
  return { customerId, phone };
}

export async function kycInput(idExpiryDate = '2040-01-01', idNumber = newIdNumber()) {
  const person = { fullName: 'Lê Thị Hoa', dateOfBirth: '1985-06-01', idNumber };
  return {
    kind: 'INDIVIDUAL' as const,
    idDocumentType: 'CCCD_CHIP' as const,
    nationality: 'VN',
    idExpiryDate,
    ...person,
    ekycAssertion: await signSandboxAssertion({ ...person, faceMatch: true, liveness: true }, container().clock.now()),
  };
}

export async function verifiedCustomer() {
  const c = await registeredCustomer();
  const input = await kycInput();
  const result = await submitKyc(container(), c.customerId, 'd', input);
  return { ...c, identity: input, softOtpSecret: result.softOtp?.secret ?? '' };
}

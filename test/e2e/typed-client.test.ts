import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type App, firstPayment } from '../../clients/typescript/example.ts';
import { answer, createWalletClient, WalletProblem } from '../../clients/typescript/index.ts';
import { contract } from '../support/contract.ts';
import {
  assertion,
  balanceOf,
  bankAccount,
  baseUrl,
  identity,
  merchant,
  newPhone,
  otpFor,
  strongPassword,
} from './client.ts';

// The typed client (clients/typescript) against the running API: the README's example journey,
// every answer checked against docs/openapi.json as the suite's own client does. A change that
// breaks the generated types fails `npm run typecheck`; one that breaks the wire fails here.

/** fetch, with the contract check of every answer (test/support/contract.ts). */
async function checkedFetch(request: Request): Promise<Response> {
  const response = await fetch(request);
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  contract().check({
    method: request.method,
    path: request.url.slice(baseUrl().length),
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body,
  });
  return response;
}

describe('the typed client (clients/typescript)', () => {
  it("runs the README's journey: register, sign in, eKYC, open and link a wallet, top up, pay a merchant", async () => {
    const shop = await merchant();
    const before = await balanceOf(shop, shop.walletId);
    const phoneNumber = newPhone();
    const person = identity();
    const bank = await bankAccount({ name: person.fullName, idNumber: person.idNumber });
    const app: App = {
      otpFromSms: (registrationId) => otpFor(phoneNumber, registrationId),
      chipIdCard: async () => ({ ...person, ekycAssertion: await assertion(person) }),
      factors: async (authentication) => ({
        ...(authentication.methods.includes('OTP')
          ? { otp: await otpFor(phoneNumber, authentication.challengeId) }
          : {}),
        ...(authentication.methods.includes('BIOMETRIC')
          ? { biometricAssertion: await assertion(person, { nonce: authentication.challengeId }) }
          : {}),
      }),
    };

    const payment = await firstPayment(
      app,
      { baseUrl: baseUrl(), deviceId: randomUUID(), appVersion: 'android/4.2.0', fetch: checkedFetch },
      { phoneNumber, password: strongPassword(), bank, merchantId: shop.merchantId },
    );

    expect(payment).toMatchObject({ type: 'PAYMENT', status: 'COMPLETED', amount: 150_000 });
    expect(await balanceOf(shop, shop.walletId)).toBe(before + 150_000);
  });

  it('throws a WalletProblem with the code of the refusal, typed from the document', async () => {
    const wallet = createWalletClient({ baseUrl: baseUrl(), fetch: checkedFetch });
    const refused = await answer(
      wallet.POST('/v1/sessions', {
        body: { phoneNumber: newPhone(), password: 'Wr0ng!password', deviceId: randomUUID() },
      }),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WalletProblem);
    expect(refused).toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});

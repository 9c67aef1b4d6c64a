import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeProcess } from '../support/runtime-process.ts';
import {
  api,
  assertion,
  bankAccount,
  type CallOptions,
  expectProblem,
  identity,
  otpFor,
  startRegistration,
  strongPassword,
  useApi,
} from './client.ts';

// App versions (RULES.md §5; Circular 77/2025 amending Circular 50, in force 2026-03-01; API.md
// v1.1 "App version"): where the stage sets a minimum per platform, sign-in, device trust and
// money-moving calls from an older `X-App-Version` are 426 app-upgrade-required with
// minimumVersion; a stage that serves no unversioned clients refuses a call without the header.
// A runtime of its own with such a configuration (the default one serves 1.0.0 and unversioned).

const current = { 'x-app-version': 'android/4.0.0' };
const outdated = { 'x-app-version': 'android/3.9.9' };

const signIn = (phone: string, password: string, deviceId: string, headers: Record<string, string>) =>
  api('POST', '/v1/sessions', { body: { phoneNumber: phone, password, deviceId }, headers });

/** A customer registered and signed in by an up-to-date Android app. */
async function customer() {
  const { phone, registrationId } = await startRegistration();
  const password = strongPassword();
  const device = randomUUID();
  const confirmed = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
    body: { otp: await otpFor(phone, registrationId), password, deviceId: device },
    headers: current,
  });
  expect(confirmed.status).toBe(201);
  const session = await signIn(phone, password, device, current);
  expect(session.status, JSON.stringify(session.json)).toBe(200);
  const call = (method: string, path: string, body?: unknown, options: CallOptions = {}) =>
    api(method, path, {
      body,
      token: session.json.accessToken,
      device,
      idempotencyKey: method === 'POST' ? randomUUID() : undefined,
      headers: current,
      ...options,
    });
  return { phone, password, device, call, customerId: confirmed.json.customerId as string };
}

describe('a stage with minimum app versions (android 4.0.0, ios 4.1.0) and no unversioned clients', () => {
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const runtime = await startRuntimeProcess('e2e-runtime-app-versions', {
      MIN_APP_VERSION: 'android/4.0.0,ios/4.1.0',
      UNVERSIONED_APPS: 'deny',
    });
    stop = runtime.stop;
    useApi(runtime.url);
  }, 120_000);
  afterAll(async () => {
    useApi(undefined);
    await stop?.();
  });

  it('refuses sign-in from an outdated version with the minimum, and lets the current one in', async () => {
    const c = await customer();
    const old = await signIn(c.phone, c.password, c.device, outdated);
    expectProblem(old, 426, 'app-upgrade-required');
    expect(old.json.minimumVersion).toBe('4.0.0');
    const ios = await signIn(c.phone, c.password, c.device, { 'x-app-version': 'ios/4.0.9' });
    expectProblem(ios, 426, 'app-upgrade-required');
    expect(ios.json.minimumVersion).toBe('4.1.0');
    expect((await signIn(c.phone, c.password, c.device, { 'x-app-version': 'ios/4.1.0' })).status).toBe(200);
    expect((await signIn(c.phone, c.password, c.device, { 'x-app-version': 'android/4.10.2' })).status).toBe(200);
  });

  it('refuses a call without the header where the stage serves no unversioned clients; a malformed one is 400', async () => {
    const c = await customer();
    expectProblem(await signIn(c.phone, c.password, c.device, {}), 426, 'app-upgrade-required');
    expectProblem(await signIn(c.phone, c.password, c.device, { 'x-app-version': '4.2.0' }), 400, 'validation-failed');
    // Reading is not cut off: only sign-in, device trust and money-moving calls are.
    expect((await c.call('GET', '/v1/me', undefined, { headers: {} })).status).toBe(200);
  });

  it('refuses device trust and a money-moving call from an outdated version, and accepts them from the current one', async () => {
    const c = await customer();
    const id = identity();
    const kyc = await c.call('POST', '/v1/me/kyc', {
      kind: 'INDIVIDUAL',
      ...id,
      idDocumentType: 'CCCD_CHIP',
      ekycAssertion: await assertion(id),
    });
    expect(kyc.json.status, JSON.stringify(kyc.json)).toBe('VERIFIED');
    expectProblem(
      await c.call('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { headers: outdated }),
      426,
      'app-upgrade-required',
    );
    expect((await c.call('POST', `/v1/devices/${c.device}/trust-challenges`, {})).status).toBe(201);

    const wallet = (await c.call('POST', '/v1/wallets', {})).json.walletId as string;
    const account = await bankAccount({ name: id.fullName, idNumber: id.idNumber });
    const linked = await c.call('POST', `/v1/wallets/${wallet}/links`, {
      bankCode: account.bankCode,
      accountNumber: account.accountNumber,
    });
    expect(linked.status).toBe(201);
    const topUp = { type: 'TOPUP', walletId: wallet, linkId: linked.json.linkId, amount: 100_000 };
    const refused = await c.call('POST', '/v1/transfers', topUp, { headers: outdated });
    expectProblem(refused, 426, 'app-upgrade-required');
    expect(refused.json.minimumVersion).toBe('4.0.0');
    const accepted = await c.call('POST', '/v1/transfers', topUp);
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(201);

    // The versions are kept with the device's authentication events (the customer's own copy shows them).
    const access = await c.call('POST', '/v1/me/data-requests', { kind: 'ACCESS' });
    const exported = (await c.call('GET', `/v1/me/data-requests/${access.json.requestId}`)).json.export;
    const events = exported.authenticationEvents as { kind: string; appVersion?: string }[];
    expect(events.find((e) => e.kind === 'SIGN_IN')?.appVersion).toBe('android/4.0.0');
    expect(events.find((e) => e.kind === 'KYC_PASSED')?.appVersion).toBe('android/4.0.0');
  });
});

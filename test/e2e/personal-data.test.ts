import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ActiveCustomer,
  api,
  as,
  balanceOf,
  completed,
  expectProblem,
  fundedCustomer,
  otpFor,
  type Reply,
  staff,
  startRegistration,
  strongPassword,
  topUp,
  waitFor,
} from './client.ts';

// Personal data (RULES.md §9; Law 91/2025 on personal data protection with Decree 356/2025, in
// force 2026-01-01; API.md v1.1 "Personal data"): consent per purpose, a copy of one's data, and
// erasure, refused while money is held or in flight, otherwise closing every wallet and ending
// sign-in before the answer. Through HTTP only.

const M = 1_000_000;
const DAY = 24 * 60 * 60 * 1000;

const signIn = (phone: string, password: string, deviceId: string) =>
  api('POST', '/v1/sessions', { body: { phoneNumber: phone, password, deviceId } });

async function registerWith(extra: Record<string, unknown>): Promise<Reply> {
  const { phone, registrationId } = await startRegistration();
  return api('POST', `/v1/registrations/${registrationId}/confirm`, {
    body: { otp: await otpFor(phone, registrationId), password: strongPassword(), deviceId: randomUUID(), ...extra },
  });
}

const dataRequest = (c: ActiveCustomer, kind: 'ACCESS' | 'DELETE') => as(c)('POST', '/v1/me/data-requests', { kind });

describe('consent per purpose (Law 91/2025)', () => {
  it('records SERVICE at registration, optional purposes only when given, each with its notice version and time', async () => {
    const { phone, registrationId } = await startRegistration();
    const password = strongPassword();
    const device = randomUUID();
    const confirmed = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
      body: {
        otp: await otpFor(phone, registrationId),
        password,
        deviceId: device,
        consents: [{ purpose: 'ANALYTICS', granted: true }],
        noticeVersion: '2026-01-01',
      },
    });
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(201);
    const token = (await signIn(phone, password, device)).json.accessToken;
    const c = { phone, password, device, token, customerId: confirmed.json.customerId };

    const listed = await as(c)('GET', '/v1/me/consents');
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((i: { purpose: string; granted: boolean }) => [i.purpose, i.granted])).toEqual([
      ['SERVICE', true],
      ['MARKETING', false],
      ['ANALYTICS', true],
    ]);
    for (const i of listed.json.items) {
      expect(i.noticeVersion).toBe('2026-01-01');
      expect(Number.isNaN(Date.parse(i.at))).toBe(false);
    }

    // Optional purposes are given and withdrawn at will, under the notice of the moment.
    const given = await as(c)('POST', '/v1/me/consents', {
      purpose: 'MARKETING',
      granted: true,
      noticeVersion: '2026-03',
    });
    expect(given.status).toBe(200);
    expect(given.json).toMatchObject({ purpose: 'MARKETING', granted: true, noticeVersion: '2026-03' });
    await as(c)('POST', '/v1/me/consents', { purpose: 'ANALYTICS', granted: false, noticeVersion: '2026-03' });
    const after = await as(c)('GET', '/v1/me/consents');
    expect(after.json.items.map((i: { granted: boolean }) => i.granted)).toEqual([true, true, false]);

    // SERVICE ends only with the account.
    expectProblem(
      await as(c)('POST', '/v1/me/consents', { purpose: 'SERVICE', granted: false, noticeVersion: '2026-03' }),
      422,
      'service-consent-required',
    );
  });

  it('opens no account whose registration declines SERVICE; a v1 client that says nothing gets SERVICE only', async () => {
    expectProblem(
      await registerWith({ consents: [{ purpose: 'SERVICE', granted: false }] }),
      422,
      'service-consent-required',
    );
    const plain = await fundedCustomer();
    const listed = await as(plain)('GET', '/v1/me/consents');
    expect(listed.json.items.map((i: { granted: boolean }) => i.granted)).toEqual([true, false, false]);
  });
});

describe('a copy of one’s data (ACCESS)', () => {
  it('is answered with an export holding the profile, the consents, the wallets and every transfer', async () => {
    const [c, payee] = await Promise.all([fundedCustomer(5 * M), fundedCustomer()]);
    const sent = await completed(c, { type: 'P2P', walletId: c.walletId, toWalletId: payee.walletId, amount: 1 * M });
    const r = await dataRequest(c, 'ACCESS');
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ kind: 'ACCESS', status: 'COMPLETED' });
    // Due 72 hours after it was made (the stage's default).
    expect(Date.parse(r.json.dueAt) - Date.parse(r.json.createdAt)).toBe(3 * DAY);

    const got = await as(c)('GET', `/v1/me/data-requests/${r.json.requestId}`);
    expect(got.status).toBe(200);
    const exported = got.json.export;
    expect(exported.profile).toMatchObject({
      customerId: c.customerId,
      phoneNumber: `+84${c.phone.slice(1)}`,
      identity: { fullName: c.identity.fullName, idNumber: c.identity.idNumber, dateOfBirth: c.identity.dateOfBirth },
    });
    expect(exported.consents.map((i: { purpose: string }) => i.purpose)).toEqual(['SERVICE', 'MARKETING', 'ANALYTICS']);
    expect(exported.wallets).toEqual([expect.objectContaining({ walletId: c.walletId, balance: 4 * M })]);
    const transfers = exported.transfers.map((t: { transferId: string; type: string }) => [t.transferId, t.type]);
    expect(transfers).toContainEqual([sent.transferId, 'P2P']);
    expect(transfers.filter(([, type]: string[]) => type === 'TOPUP')).toHaveLength(1);
    expect(exported.statements[0].entries).toHaveLength(2);
    expect(exported.authenticationEvents.map((e: { kind: string }) => e.kind)).toContain('SIGN_IN');
    // Bank accounts only masked, even in the customer's own copy.
    expect(exported.bankLinks[0].maskedNumber).toMatch(/^\*+\d{4}$/);
    expect(JSON.stringify(exported)).not.toContain(c.account.accountNumber);

    // Another customer's request is not found.
    expectProblem(await as(payee)('GET', `/v1/me/data-requests/${r.json.requestId}`), 404, 'not-found');
  });
});

describe('erasure (DELETE)', () => {
  it('is refused with money in the wallet; the account keeps working and the refusal is listed with its due date', async () => {
    const c = await fundedCustomer(2 * M);
    const r = await dataRequest(c, 'DELETE');
    expectProblem(r, 409, 'account-has-balance');
    expect(r.json.walletsWithBalance).toEqual([{ walletId: c.walletId, balance: 2 * M }]);
    expect(await balanceOf(c, c.walletId)).toBe(2 * M);
    expect((await signIn(c.phone, c.password, c.device)).status).toBe(200);

    const operator = await staff(['operators']);
    let found: { customerId: string; dueAt: string } | undefined;
    let cursor: string | undefined;
    do {
      const page = await api(
        'GET',
        `/v1/ops/data-requests?status=REFUSED&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: operator.token },
      );
      expect(page.status, JSON.stringify(page.json)).toBe(200);
      found = page.json.items.find((i: { requestId: string }) => i.requestId === r.json.requestId);
      cursor = page.json.nextCursor;
    } while (!found && cursor);
    expect(found).toMatchObject({ customerId: c.customerId, kind: 'DELETE', status: 'REFUSED' });
    expect(Date.parse(found!.dueAt)).toBeGreaterThan(Date.now());
    expectProblem(await api('GET', '/v1/ops/data-requests', { token: c.token, device: c.device }), 403, 'forbidden');
  });

  it('is refused while a withdrawal is in flight, and goes ahead once it settled', async () => {
    const c = await fundedCustomer(1 * M);
    // The bank fails every call for this account: the withdrawal waits at the bank, the balance is 0.
    const fault = { mode: 'ERROR', count: 1000, accountNumber: c.account.accountNumber };
    expect((await api('POST', '/sandbox/bank/faults', { body: fault })).status).toBe(200);
    const w = await as(c)('POST', '/v1/transfers', {
      type: 'WITHDRAWAL',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 1 * M,
    });
    expect(w.status, JSON.stringify(w.json)).toBe(201);
    expect(await balanceOf(c, c.walletId)).toBe(0);
    expect((await as(c)('GET', `/v1/transfers/${w.json.transferId}`)).json.status).toBe('PROCESSING');
    const refused = await dataRequest(c, 'DELETE');
    expectProblem(refused, 409, 'account-has-balance');
    expect(refused.json.transfersInFlight).toBe(1);

    await api('POST', '/sandbox/bank/faults', { body: { mode: 'NONE', accountNumber: c.account.accountNumber } });
    await api('POST', '/sandbox/jobs/settlement-sweeper');
    expect((await waitFor(c, w.json.transferId, 60_000)).status).toBe('COMPLETED');
    const done = await dataRequest(c, 'DELETE');
    expect(done.status, JSON.stringify(done.json)).toBe(201);
  });

  it('closes every wallet and ends sign-in before it answers; compliance alone reads what AML law keeps', async () => {
    const c = await fundedCustomer();
    await topUp(c, 1 * M);
    await completed(c, { type: 'WITHDRAWAL', walletId: c.walletId, linkId: c.linkId, amount: 1 * M });
    const session = await signIn(c.phone, c.password, c.device);

    const r = await dataRequest(c, 'DELETE');
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ kind: 'DELETE', status: 'COMPLETED' });

    // Sign-in fails, and the session from before cannot be refreshed.
    expectProblem(await signIn(c.phone, c.password, c.device), 401, 'unauthenticated');
    const refreshed = await api('POST', '/v1/sessions/refresh', {
      body: { refreshToken: session.json.refreshToken },
      device: c.device,
    });
    expectProblem(refreshed, 401, 'session-expired');
    // The wallet is CLOSED (read with the access token still in hand for its last minutes).
    const wallet = await as(c)('GET', `/v1/wallets/${c.walletId}`);
    expect(wallet.json.status).toBe('CLOSED');
    const me = await as(c)('GET', '/v1/me');
    expect(me.json).toMatchObject({ status: 'CLOSED', phoneNumber: '' });
    // That token starts nothing either: no device-trust challenge (nor an SMS to a number now gone).
    expectProblem(await as(c)('POST', `/v1/devices/${randomUUID()}/trust-challenges`, {}), 404, 'not-found');
    // Nothing moves into it any more.
    const payer = await fundedCustomer(2 * M);
    const p2p = await as(payer)('POST', '/v1/transfers', {
      type: 'P2P',
      walletId: payer.walletId,
      toWalletId: c.walletId,
      amount: 100_000,
    });
    expect(p2p.status).toBeGreaterThanOrEqual(400);

    // What AML law keeps: compliance reads it decrypted, and the read is audited.
    const officer = await staff(['compliance']);
    const kept = await api('GET', `/v1/ops/customers/${c.customerId}/retained-data`, { token: officer.token });
    expect(kept.status, JSON.stringify(kept.json)).toBe(200);
    expect(kept.json).toMatchObject({
      customerId: c.customerId,
      phoneNumber: `+84${c.phone.slice(1)}`,
      identity: { fullName: c.identity.fullName, idNumber: c.identity.idNumber },
    });
    expect(kept.json.retainUntil > new Date(Date.now() + 4 * 365 * DAY).toISOString().slice(0, 10)).toBe(true);
    const operator = await staff(['operators']);
    expectProblem(
      await api('GET', `/v1/ops/customers/${c.customerId}/retained-data`, { token: operator.token }),
      403,
      'forbidden',
    );
    const trail = await api('GET', `/v1/ops/audit?subject=${c.customerId}&limit=100`, { token: officer.token });
    const actions = trail.json.items.map((e: { action: string }) => e.action);
    expect(actions).toContain('DATA_ERASURE');
    expect(actions).toContain('RETAINED_DATA_READ');

    // The number is free for someone else.
    const { registrationId } = await startRegistration(c.phone);
    expect(registrationId).toBeTruthy();
  });
});

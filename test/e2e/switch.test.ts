import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ActiveCustomer,
  api,
  as,
  balanceOf,
  expectProblem,
  fundedCustomer,
  limitsOf,
  otpFor,
  staff,
  statementOf,
  type TransferView,
  transfer,
  waitFor,
} from './client.ts';

// Transfers to any bank account and to other providers' wallets, and credits from them, over the
// sandbox switch (API.md "Interoperable transfers"; Circular 40 Art. 25 as amended, in force
// 2025-07-01; RULES.md §1, §6, §7). Every test has its own accounts at the switch, and faults are
// scoped to them, so parallel suites never share one. An expired name inquiry needs the clock:
// test/integration/switch.test.ts and test/unit/switch-transfers.test.ts.

const M = 1_000_000;
let accountSeq = randomInt(10_000_000, 89_999_999);
const newAccount = () => `55${accountSeq++}`;
let phoneSeq = randomInt(10_000_000, 89_999_999);
const newOtherWalletPhone = () => `07${phoneSeq++}`;

/** An account at another bank (or a wallet at another provider) that exists at the sandbox switch. */
async function atSwitch(institutionCode: string, accountNumber: string, holderName = 'NGO THI LAN') {
  const r = await api('POST', '/sandbox/switch/accounts', { body: { institutionCode, accountNumber, holderName } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { institutionCode: string; accountNumber: string; holderName: string };
}

async function switchAccount(institutionCode: string, accountNumber: string) {
  const r = await api('GET', `/sandbox/switch/accounts/${institutionCode}/${encodeURIComponent(accountNumber)}`);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json as { balance: number; movements: { reference: string; amount: number }[] };
}

const faults = (mode: string, count: number, institutionCode: string, accountNumber: string) =>
  api('POST', '/sandbox/switch/faults', { body: { mode, count, institutionCode, accountNumber } });

async function inquire(c: ActiveCustomer, institutionCode: string, accountNumber: string) {
  const r = await as(c)('POST', '/v1/name-inquiries', { institutionCode, accountNumber });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { nameInquiryId: string; maskedNumber: string; payeeName: string; expiresAt: string };
}

/** An EXTERNAL transfer to that account, authorised with whatever its class asks, to its end. */
async function sendExternal(c: ActiveCustomer, institutionCode: string, accountNumber: string, amount: number) {
  const q = await inquire(c, institutionCode, accountNumber);
  return transfer(c, { type: 'EXTERNAL', walletId: c.walletId, amount, nameInquiryId: q.nameInquiryId });
}

const today = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

describe('name inquiries (POST /v1/name-inquiries)', () => {
  it('names the holder of an account at another bank and masks the number', async () => {
    const c = await fundedCustomer();
    const account = newAccount();
    await atSwitch('TCB', account, 'NGO THI LAN');
    const q = await inquire(c, 'TCB', account);
    expect(q).toMatchObject({ institutionCode: 'TCB', payeeName: 'NGO THI LAN' });
    expect(q.maskedNumber).toBe(`${'*'.repeat(account.length - 4)}${account.slice(-4)}`);
    expect(Date.parse(q.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
  });

  it('answers 404 payee-not-found for an account the switch does not know, 400 for a bad institution', async () => {
    const c = await fundedCustomer();
    expectProblem(
      await as(c)('POST', '/v1/name-inquiries', { institutionCode: 'TCB', accountNumber: newAccount() }),
      404,
      'payee-not-found',
    );
    expectProblem(
      await as(c)('POST', '/v1/name-inquiries', { institutionCode: 'NOBANK', accountNumber: newAccount() }),
      400,
      'validation-failed',
    );
    expectProblem(
      await as(c)('POST', '/v1/name-inquiries', { institutionCode: 'TCB', accountNumber: '1', cardNumber: '2' }),
      400,
      'validation-failed',
    );
  });

  it("refuses another customer's inquiry as not found", async () => {
    const [a, b] = await Promise.all([fundedCustomer(2 * M), fundedCustomer(2 * M)]);
    const account = newAccount();
    await atSwitch('ACB', account);
    const q = await inquire(a, 'ACB', account);
    const r = await as(b)('POST', '/v1/transfers', {
      type: 'EXTERNAL',
      walletId: b.walletId,
      amount: 100_000,
      nameInquiryId: q.nameInquiryId,
    });
    expectProblem(r, 404, 'not-found');
    expect(await balanceOf(b, b.walletId)).toBe(2 * M);
  });
});

describe('EXTERNAL transfers', () => {
  it('sends to an account at another bank (class B: OTP), once, with the money at the switch', async () => {
    const c = await fundedCustomer(5 * M);
    const account = newAccount();
    await atSwitch('TCB', account);
    const o = await sendExternal(c, 'TCB', account, 1_500_000);
    expect(o.challenges.map((a) => a.class)).toEqual(['B']);
    expect(o.final).toMatchObject({ type: 'EXTERNAL', status: 'COMPLETED', counterparty: { institutionCode: 'TCB' } });
    expect(await balanceOf(c, c.walletId)).toBe(3_500_000);
    const there = await switchAccount('TCB', account);
    expect(there.balance).toBe(1_500_000);
    expect(there.movements).toEqual([expect.objectContaining({ reference: o.final!.transferId, amount: 1_500_000 })]);
    const [entry] = await statementOf(c, c.walletId);
    expect(entry).toMatchObject({
      type: 'EXTERNAL',
      amount: -1_500_000,
      counterparty: expect.stringMatching(/^TCB \*+\d{4}$/),
    });
    // RULES.md §6: EXTERNAL counts toward the monthly cap.
    expect((await limitsOf(c)).monthlyUsed).toBe(1_500_000);
  });

  it("sends to another provider's wallet by phone (class C above 10M: OTP and biometric)", async () => {
    const c = await fundedCustomer(15 * M);
    const phone = newOtherWalletPhone();
    await atSwitch('MOMO', phone, 'TRAN VAN BINH');
    const o = await sendExternal(c, 'MOMO', phone, 12 * M);
    expect(o.challenges.map((a) => a.class)).toEqual(['C']);
    expect(o.challenges[0]!.methods).toEqual(['OTP', 'BIOMETRIC']);
    expect(o.final?.status).toBe('COMPLETED');
    expect((await switchAccount('MOMO', phone)).balance).toBe(12 * M);
  });

  it('TIMEOUT: the switch moved the money and lost the answer; the status says so, and it is sent once', async () => {
    const c = await fundedCustomer(3 * M);
    const account = newAccount();
    await atSwitch('VPB', account);
    await faults('TIMEOUT', 1, 'VPB', account);
    const o = await sendExternal(c, 'VPB', account, 1 * M);
    expect(o.final?.status).toBe('COMPLETED');
    const there = await switchAccount('VPB', account);
    expect(there.movements).toHaveLength(1);
    expect(there.balance).toBe(1 * M);
    expect(await balanceOf(c, c.walletId)).toBe(2 * M);
  });

  it('DECLINE: FAILED, the money back in the wallet and the month room with it', async () => {
    const c = await fundedCustomer(3 * M);
    const account = newAccount();
    await atSwitch('MB', account);
    await faults('DECLINE', 1, 'MB', account);
    const o = await sendExternal(c, 'MB', account, 1 * M);
    expect(o.final).toMatchObject({ status: 'FAILED', failureCode: 'switch-declined' });
    expect(await balanceOf(c, c.walletId)).toBe(3 * M);
    expect((await switchAccount('MB', account)).balance).toBe(0);
    expect((await limitsOf(c)).monthlyUsed).toBe(0);
    const entries = await statementOf(c, c.walletId);
    expect(entries.slice(0, 2).map((e) => [e.type, e.amount])).toEqual([
      ['EXTERNAL_RETURN', 1 * M],
      ['EXTERNAL', -1 * M],
    ]);
  });

  it('ERROR: nothing moved; the worker tries again and the money moves exactly once', async () => {
    const c = await fundedCustomer(3 * M);
    const account = newAccount();
    await atSwitch('TPB', account);
    await faults('ERROR', 2, 'TPB', account);
    const o = await sendExternal(c, 'TPB', account, 1 * M);
    expect(o.final?.status).toBe('COMPLETED');
    const there = await switchAccount('TPB', account);
    expect(there.movements).toHaveLength(1);
    expect(there.balance).toBe(1 * M);
  });

  it('refuses a BLOCK-listed account with payee-flagged, and moves nothing', async () => {
    const c = await fundedCustomer(3 * M);
    const account = newAccount();
    await atSwitch('STB', account);
    const ops = await staff();
    const listed = await api('POST', '/v1/ops/watchlist', {
      token: ops.token,
      idempotencyKey: randomUUID(),
      body: {
        entries: [
          {
            kind: 'BANK_ACCOUNT',
            value: `${account.slice(0, 4)}-${account.slice(4)}`,
            severity: 'BLOCK',
            source: 'SBV_SIMO',
            reason: 'mule',
          },
        ],
      },
    });
    expect(listed.status, JSON.stringify(listed.json)).toBe(200);
    const q = await inquire(c, 'STB', account);
    const r = await as(c)('POST', '/v1/transfers', {
      type: 'EXTERNAL',
      walletId: c.walletId,
      amount: 1 * M,
      nameInquiryId: q.nameInquiryId,
    });
    expectProblem(r, 422, 'payee-flagged');
    expect(await balanceOf(c, c.walletId)).toBe(3 * M);
    expect((await switchAccount('STB', account)).movements).toEqual([]);
  });
});

describe('incoming credits (signed messages from the switch)', () => {
  const credit = (
    toPhoneNumber: string,
    amount: number,
    reference = `NP${randomUUID().replace(/-/g, '').slice(0, 20)}`,
  ) =>
    api('POST', '/sandbox/switch/credits', {
      body: {
        fromInstitutionCode: 'VCB',
        fromAccountNumber: newAccount(),
        senderName: 'LE VAN CUONG',
        toPhoneNumber,
        amount,
        reference,
      },
    });

  it('credits the wallet of the phone once per reference, as EXTERNAL_IN from the sender masked', async () => {
    const c = await fundedCustomer(1 * M);
    const reference = `NP${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const first = await credit(c.phone, 400_000, reference);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toEqual({ status: 'CREDITED' });
    expect((await credit(c.phone, 400_000, reference)).json).toEqual({ status: 'CREDITED' });
    expect(await balanceOf(c, c.walletId)).toBe(1_400_000);
    const [entry] = await statementOf(c, c.walletId);
    expect(entry).toMatchObject({
      type: 'EXTERNAL_IN',
      amount: 400_000,
      counterparty: expect.stringMatching(/^VCB \*+\d{4}$/),
    });
    // Money received does not count toward the cap (RULES.md §6).
    expect((await limitsOf(c)).monthlyUsed).toBe(0);
    const settlement = await api('GET', `/sandbox/switch/settlement?date=${today()}`);
    expect(settlement.json.items).toContainEqual({ reference, direction: 'IN', amount: 400_000 });
  });

  it('returns a credit to a frozen wallet, and one to a phone that is no customer', async () => {
    const c = await fundedCustomer(1 * M);
    const ops = await staff();
    const frozen = await api('POST', `/v1/ops/wallets/${c.walletId}/freeze`, {
      token: ops.token,
      idempotencyKey: randomUUID(),
      body: { reason: 'police request', reference: `CA-${randomUUID().slice(0, 6)}` },
    });
    expect(frozen.status, JSON.stringify(frozen.json)).toBe(200);
    expect((await credit(c.phone, 300_000)).json).toEqual({ status: 'RETURNED', reason: 'wallet-frozen' });
    expect((await credit('0399999999', 300_000)).json).toMatchObject({ status: 'RETURNED' });
    const unfrozen = await api('POST', `/v1/ops/wallets/${c.walletId}/unfreeze`, {
      token: ops.token,
      idempotencyKey: randomUUID(),
      body: { reason: 'lifted', reference: `CA-${randomUUID().slice(0, 6)}` },
    });
    expect(unfrozen.status).toBe(200);
    expect(await balanceOf(c, c.walletId)).toBe(1 * M);
  });

  it('refuses a message without a valid signature, and moves nothing', async () => {
    const c = await fundedCustomer(1 * M);
    const body = JSON.stringify({
      reference: `NP${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      fromInstitutionCode: 'VCB',
      fromAccountNumber: newAccount(),
      toPhoneNumber: c.phone,
      amount: 5 * M,
      settlementDate: today(),
    });
    const t = Math.floor(Date.now() / 1000);
    for (const signature of [undefined, `t=${t},v1=${'0'.repeat(64)}`, `t=${t - 3600},v1=${'a'.repeat(64)}`]) {
      const r = await api('POST', '/switch/v1/credits', {
        raw: body,
        headers: signature ? { 'switch-signature': signature } : {},
      });
      expectProblem(r, 401, 'unauthenticated');
    }
    expect(await balanceOf(c, c.walletId)).toBe(1 * M);
  });
});

describe('the books with the switch', () => {
  it('reconciles the day with the settlement report and finds a planted mismatch', async () => {
    const c = await fundedCustomer(3 * M);
    const account = newAccount();
    await atSwitch('HDB', account);
    const o = await sendExternal(c, 'HDB', account, 700_000);
    expect(o.final?.status).toBe('COMPLETED');
    const planted = `PLANT${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const p = await api('POST', '/sandbox/switch/settlement/lines', {
      body: { date: today(), reference: planted, direction: 'OUT', amount: 123_000 },
    });
    expect(p.status, JSON.stringify(p.json)).toBe(201);
    const ops = await staff();
    const r = await api('GET', `/v1/ops/reconciliation/switch?date=${today()}`, { token: ops.token });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.date).toBe(today());
    expect(r.json.matched).toBeGreaterThanOrEqual(1);
    expect(r.json.mismatches).toContainEqual({
      reference: planted,
      kind: 'MISSING_HERE',
      theirs: { direction: 'OUT', amount: 123_000 },
    });
    expect(r.json.mismatches.map((m: { reference: string }) => m.reference)).not.toContain(o.final!.transferId);
    expectProblem(await as(c)('GET', `/v1/ops/reconciliation/switch?date=${today()}`), 403, 'forbidden');
  });

  it('keeps the safeguarding difference at 0 while a switch transfer is in flight', async () => {
    const c = await fundedCustomer(3 * M);
    const account = newAccount();
    await atSwitch('SHB', account);
    // The switch fails every try for a while: the transfer waits in PROCESSING, its money reserved.
    await faults('ERROR', 1000, 'SHB', account);
    const q = await inquire(c, 'SHB', account);
    const created = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'EXTERNAL',
      walletId: c.walletId,
      amount: 1 * M,
      nameInquiryId: q.nameInquiryId,
    });
    expect(created.status).toBe(201);
    const authorized = await as(c)<TransferView>('POST', `/v1/transfers/${created.json.transferId}/authorize`, {
      otp: await otpFor(c.phone, created.json.authentication!.challengeId),
    });
    expect(authorized.json.status).toBe('PROCESSING');
    const ops = await staff();
    let last: { difference: number; inFlight: number } | undefined;
    for (let i = 0; i < 120; i++) {
      last = (await api('GET', '/v1/ops/reconciliation/safeguarding', { token: ops.token })).json;
      if (last!.difference === 0) break;
      await new Promise((done) => setTimeout(done, 250)); // other suites move money in parallel
    }
    expect(last!.difference).toBe(0);
    expect(last!.inFlight).toBeGreaterThanOrEqual(1 * M);
    // The switch recovers: the sweeper hands the transfer to the worker again, and it completes.
    await faults('NONE', 1, 'SHB', account);
    expect((await api('POST', '/sandbox/jobs/settlement-sweeper', {})).status).toBe(200);
    expect((await waitFor(c, created.json.transferId, 60_000)).status).toBe('COMPLETED');
    expect((await switchAccount('SHB', account)).balance).toBe(1 * M);
  });
});

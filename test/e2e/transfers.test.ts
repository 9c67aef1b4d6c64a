import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ActiveCustomer,
  activeCustomer,
  anotherWallet,
  as,
  assertion,
  authorize,
  balanceOf,
  bankBalance,
  completed,
  expectLedgerConsistent,
  expectProblem,
  factorsFor,
  fundedCustomer,
  limitsOf,
  merchant,
  newPhone,
  openWallet,
  otpFor,
  register,
  signInOn,
  statementOf,
  type TransferView,
  transfer,
  verifiedCustomer,
  waitFor,
} from './client.ts';

const M = 1_000_000;

const p2p = (
  from: ActiveCustomer,
  to: { walletId: string } | { phone: string },
  amount: number,
  walletId?: string,
) => ({
  type: 'P2P',
  walletId: walletId ?? from.walletId,
  amount,
  ...('walletId' in to ? { toWalletId: to.walletId } : { toPhoneNumber: to.phone }),
});

const payment = (from: ActiveCustomer, merchantId: string, amount: number, walletId = from.walletId) => ({
  type: 'PAYMENT',
  walletId,
  amount,
  merchantId,
});

/** A transfer that must ask for exactly this class, then complete once authorised. */
async function completesAsClass(c: ActiveCustomer, body: Record<string, unknown>, cls: string) {
  const o = await transfer(c, body);
  expect(o.created.status, JSON.stringify(o.created.json)).toBe(201);
  if (cls === 'A') {
    // Class A: no challenge, the money moves in the same call (P2P, PAYMENT).
    expect(o.created.json.status).toBe('COMPLETED');
    expect(o.created.json.authentication).toBeUndefined();
  } else {
    expect(o.created.json.status).toBe('REQUIRES_AUTHENTICATION');
    expect(o.challenges).toHaveLength(1);
    expect(o.challenges[0]!.class).toBe(cls);
  }
  expect(o.final?.status, JSON.stringify(o.refusal?.json ?? o.final)).toBe('COMPLETED');
  return o;
}

describe('P2P transfers (RULES.md §1–3)', () => {
  it('follows the classifier vectors 1–4b through the API: B, B, C, B, B, and the payee receives the sum', async () => {
    const [payer, payee] = await Promise.all([fundedCustomer(30 * M), activeCustomer()]);

    // 1: nothing earlier today, 5M → B (SMS OTP).
    const v1 = await completesAsClass(payer, p2p(payer, payee, 5 * M), 'B');
    expect(v1.challenges[0]!.methods).toEqual(['OTP']);
    // 2: G+Tksth = 15M → B.
    await completesAsClass(payer, p2p(payer, payee, 10 * M), 'B');

    // 3: G+Tksth = 21M > 20M → C: SMS OTP and a biometric match, both required.
    const v3 = await as(payer)<TransferView>('POST', '/v1/transfers', p2p(payer, payee, 6 * M));
    expect(v3.json.authentication).toMatchObject({ class: 'C', methods: ['OTP', 'BIOMETRIC'] });
    const { challengeId } = v3.json.authentication!;
    const otpOnly = await as(payer)('POST', `/v1/transfers/${v3.json.transferId}/authorize`, {
      otp: await otpFor(payer.phone, challengeId),
    });
    expectProblem(otpOnly, 400, 'authentication-required');
    expect(otpOnly.json.authentication).toMatchObject({ class: 'C', challengeId });
    const wrongFace = await as(payer)('POST', `/v1/transfers/${v3.json.transferId}/authorize`, {
      otp: await otpFor(payer.phone, challengeId),
      // A biometric verdict bound to another challenge does not count.
      biometricAssertion: await assertion(payer.identity, { nonce: 'another-challenge' }),
    });
    expectProblem(wrongFace, 422, 'biometric-mismatch');
    expect((await as(payer)('GET', `/v1/transfers/${v3.json.transferId}`)).json.status).toBe('REQUIRES_AUTHENTICATION');
    const done = await authorize(payer, v3.json);
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(done.json.status).toBe('COMPLETED');
    // authorize is idempotent: once done, the transfer comes back unchanged.
    const again = await authorize(payer, v3.json);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(done.json);

    // 4: the C reset Tksth, so 3M → B.
    await completesAsClass(payer, p2p(payer, payee, 3 * M), 'B');
    // 4b: G+Tksth = 8M → B (23M without the reset). By phone number: the payee's first wallet.
    await completesAsClass(payer, p2p(payer, { phone: payee.phone }, 5 * M), 'B');

    expect(await balanceOf(payee, payee.walletId)).toBe(29 * M);
    expect(await balanceOf(payer, payer.walletId)).toBe(1 * M);
    const received = await expectLedgerConsistent(payee, payee.walletId);
    expect(received.map((e) => [e.type, e.amount, e.counterparty])).toEqual(
      [5, 3, 6, 10, 5].map((m) => ['P2P', m * M, payer.walletId]),
    );
    await expectLedgerConsistent(payer, payer.walletId);
    expect((await limitsOf(payer)).monthlyUsed).toBe(29 * M);
    expect((await limitsOf(payee)).monthlyUsed).toBe(0);
  });

  it('moves money between one customer’s own wallets at once (I.1, class A), outside the monthly cap', async () => {
    const c = await fundedCustomer(5 * M);
    const second = await anotherWallet(c);
    const r = await as(c)<TransferView>('POST', '/v1/transfers', p2p(c, second, 3 * M));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ type: 'P2P', status: 'COMPLETED', amount: 3 * M, walletId: c.walletId });
    expect(r.json.authentication).toBeUndefined();
    // By the customer's own phone number: their first wallet.
    const back = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'P2P',
      walletId: second.walletId,
      amount: 1 * M,
      toPhoneNumber: c.phone,
    });
    expect(back.json.status).toBe('COMPLETED');
    expect(await balanceOf(c, c.walletId)).toBe(3 * M);
    expect(await balanceOf(c, second.walletId)).toBe(2 * M);
    expect((await limitsOf(c)).monthlyUsed).toBe(0);
    await expectLedgerConsistent(c, c.walletId);
    await expectLedgerConsistent(c, second.walletId);
  });
});

describe('payments to merchants (I.2)', () => {
  it('classes payments on G+T: 4M is class A and completes at once, then 2M (G+T = 6M) needs an OTP', async () => {
    const [payer, shop] = await Promise.all([fundedCustomer(10 * M), merchant()]);
    const first = await completesAsClass(payer, payment(payer, shop.merchantId, 4 * M), 'A');
    expect(first.created.json).toMatchObject({ type: 'PAYMENT', merchantId: shop.merchantId, amount: 4 * M });
    const second = await completesAsClass(payer, payment(payer, shop.merchantId, 2 * M), 'B');
    expect(second.challenges[0]!.methods).toEqual(['OTP']);
    expect(await balanceOf(shop, shop.walletId)).toBe(6 * M);
    expect(await balanceOf(payer, payer.walletId)).toBe(4 * M);
    expect((await limitsOf(payer)).monthlyUsed).toBe(6 * M);
    await expectLedgerConsistent(shop, shop.walletId);
    await expectLedgerConsistent(payer, payer.walletId);
  });

  it('refuses a payment to a wallet that is not a merchant’s with payee-not-found', async () => {
    const [payer, person] = await Promise.all([fundedCustomer(1 * M), activeCustomer()]);
    expectProblem(
      await as(payer)('POST', '/v1/transfers', payment(payer, person.walletId, 100_000)),
      422,
      'payee-not-found',
    );
    expect(await balanceOf(payer, payer.walletId)).toBe(1 * M);
  });
});

describe('monthly cap (RULES.md §6, Circular 40 Art. 26)', () => {
  it('stops P2P and payments at 100,000,000 VND a month; withdrawals and own-wallet moves go on', async () => {
    const [c, friend, shop] = await Promise.all([fundedCustomer(110 * M), activeCustomer(), merchant()]);
    const second = await anotherWallet(c);
    const before = await bankBalance(c.account);

    await completesAsClass(c, payment(c, shop.merchantId, 4 * M), 'A');
    await completesAsClass(c, p2p(c, friend, 50 * M), 'C'); // 10M < G ≤ 500M → C
    await completesAsClass(c, p2p(c, friend, 40 * M), 'C');
    expect((await limitsOf(c)).monthlyUsed).toBe(94 * M);

    // 94M + 7M would pass the cap: refused before any OTP is sent.
    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, friend, 7 * M)), 422, 'monthly-limit-exceeded');
    // Exactly 100M is allowed (the cap is inclusive).
    await completesAsClass(c, p2p(c, friend, 6 * M), 'B');
    const limits = await limitsOf(c);
    expect(limits).toMatchObject({ monthlyCap: 100 * M, monthlyUsed: 100 * M });
    expect(limits.month).toMatch(/^\d{4}-\d{2}$/);
    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, friend, 1)), 422, 'monthly-limit-exceeded');
    expectProblem(await as(c)('POST', '/v1/transfers', payment(c, shop.merchantId, 1)), 422, 'monthly-limit-exceeded');
    // Own-wallet moves and withdrawals to the linked bank do not count.
    await completesAsClass(c, p2p(c, second, 2 * M), 'A');
    // The customer's other personal wallet is under the same cap.
    expectProblem(
      await as(c)('POST', '/v1/transfers', p2p(c, friend, 1, second.walletId)),
      422,
      'monthly-limit-exceeded',
    );
    const withdrawal = await transfer(c, { type: 'WITHDRAWAL', walletId: c.walletId, linkId: c.linkId, amount: 5 * M });
    expect(withdrawal.created.status, JSON.stringify(withdrawal.created.json)).toBe(201);
    expect(withdrawal.final?.status).toBe('COMPLETED');
    expect(await bankBalance(c.account)).toBe(before + 5 * M);

    expect((await limitsOf(c)).monthlyUsed).toBe(100 * M);
    expect(await balanceOf(c, c.walletId)).toBe(110 * M - 100 * M - 2 * M - 5 * M);
    expect(await balanceOf(friend, friend.walletId)).toBe(96 * M);
    expect(await balanceOf(shop, shop.walletId)).toBe(4 * M);
    await expectLedgerConsistent(c, c.walletId);
    await expectLedgerConsistent(c, second.walletId);
    await expectLedgerConsistent(friend, friend.walletId);
  });
});

describe('refusals', () => {
  it('self-transfer: a wallet cannot pay itself', async () => {
    const c = await fundedCustomer(1 * M);
    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, c, 100_000)), 422, 'self-transfer');
    // By phone, the customer's first wallet is the payer itself.
    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, { phone: c.phone }, 100_000)), 422, 'self-transfer');
  });

  it('payee-not-found: an unknown wallet, an unknown phone, a customer without a wallet', async () => {
    const [c, walletless] = await Promise.all([fundedCustomer(1 * M), verifiedCustomer()]);
    const unknownWallet = `01${randomUUID().replaceAll('-', '').slice(0, 24).toUpperCase()}`;
    for (const to of [{ walletId: unknownWallet }, { phone: newPhone() }, { phone: walletless.phone }]) {
      expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, to, 100_000)), 422, 'payee-not-found');
    }
    expectProblem(await as(c)('POST', '/v1/transfers', payment(c, unknownWallet, 100_000)), 422, 'payee-not-found');
  });

  it('bank-link-required: a wallet without a bank link moves no money', async () => {
    const [c, payee] = await Promise.all([verifiedCustomer(), activeCustomer()]);
    const w = await openWallet(c);
    expectProblem(
      await as(c)('POST', '/v1/transfers', {
        type: 'P2P',
        walletId: w.walletId,
        amount: 1,
        toWalletId: payee.walletId,
      }),
      403,
      'bank-link-required',
    );
  });

  it('wallet-not-active: a payee wallet still waiting for its bank link receives nothing', async () => {
    const [c, payee] = await Promise.all([fundedCustomer(1 * M), verifiedCustomer()]);
    const pending = await openWallet(payee);
    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, pending, 100_000)), 422, 'wallet-not-active');
    // Same for the customer's own unlinked wallet.
    const ownPending = await openWallet(c);
    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, ownPending, 100_000)), 422, 'wallet-not-active');
    expect(await balanceOf(c, c.walletId)).toBe(1 * M);
  });

  it('device-not-trusted: a new device may read but not move money, nor authorise', async () => {
    const [c, payee] = await Promise.all([fundedCustomer(1 * M), activeCustomer()]);
    const pending = (await as(c)<TransferView>('POST', '/v1/transfers', p2p(c, payee, 500_000))).json;
    expect(pending.status).toBe('REQUIRES_AUTHENTICATION');
    const onNew = await signInOn(c, randomUUID());
    expect(onNew.deviceTrusted).toBe(false);
    expectProblem(await as(onNew)('POST', '/v1/transfers', p2p(c, payee, 100_000)), 403, 'device-not-trusted');
    expectProblem(
      await as(onNew)(
        'POST',
        `/v1/transfers/${pending.transferId}/authorize`,
        await factorsFor(c, pending.authentication!),
      ),
      403,
      'device-not-trusted',
    );
    expect((await as(onNew)('GET', `/v1/wallets/${c.walletId}`)).json.balance).toBe(1 * M);
    expect((await as(onNew)('GET', `/v1/transfers/${pending.transferId}`)).json.status).toBe('REQUIRES_AUTHENTICATION');
  });

  it('kyc-required: a customer who has not passed eKYC cannot send money', async () => {
    const [c, payee] = await Promise.all([register(), activeCustomer()]);
    const unknownWallet = `01${randomUUID().replaceAll('-', '').slice(0, 24).toUpperCase()}`;
    expectProblem(
      await as(c)('POST', '/v1/transfers', {
        type: 'P2P',
        walletId: unknownWallet,
        amount: 1,
        toWalletId: payee.walletId,
      }),
      403,
      'kyc-required',
    );
  });

  it('insufficient-funds: no overdraft for P2P, payments or withdrawals', async () => {
    const [c, payee, shop] = await Promise.all([fundedCustomer(1 * M), activeCustomer(), merchant()]);
    const second = await anotherWallet(c);
    for (const body of [
      p2p(c, second, 1 * M + 1),
      p2p(c, payee, 1 * M + 1),
      payment(c, shop.merchantId, 1 * M + 1),
      { type: 'WITHDRAWAL', walletId: c.walletId, linkId: c.linkId, amount: 1 * M + 1 },
    ]) {
      expectProblem(await as(c)('POST', '/v1/transfers', body), 422, 'insufficient-funds');
    }
    // The whole balance may go.
    await completed(c, p2p(c, second, 1 * M));
    expect(await balanceOf(c, c.walletId)).toBe(0);
    expect(await balanceOf(c, second.walletId)).toBe(1 * M);
  });
});

describe('ownership (API.md): nobody moves or reads another customer’s money', () => {
  it('answers 404 on every route naming another customer’s wallet or transfer', async () => {
    const [owner, intruder] = await Promise.all([fundedCustomer(5 * M), fundedCustomer(1 * M)]);
    const pending = (await as(owner)<TransferView>('POST', '/v1/transfers', p2p(owner, intruder, 1 * M))).json;
    expect(pending.status).toBe('REQUIRES_AUTHENTICATION');
    const other = as(intruder);
    const theirs = owner.walletId;

    for (const body of [
      { type: 'P2P', walletId: theirs, amount: 1 * M, toWalletId: intruder.walletId },
      { type: 'P2P', walletId: theirs, amount: 1 * M, toPhoneNumber: intruder.phone },
      { type: 'PAYMENT', walletId: theirs, amount: 1 * M, merchantId: intruder.walletId },
      { type: 'WITHDRAWAL', walletId: theirs, amount: 1 * M, linkId: owner.linkId },
      { type: 'WITHDRAWAL', walletId: theirs, amount: 1 * M, linkId: intruder.linkId },
      { type: 'TOPUP', walletId: theirs, amount: 1 * M, linkId: owner.linkId },
    ]) {
      expectProblem(await other('POST', '/v1/transfers', body), 404, 'not-found');
    }
    // Withdrawing from one's own wallet to someone else's bank link is refused too.
    const toTheirBank = await other('POST', '/v1/transfers', {
      type: 'WITHDRAWAL',
      walletId: intruder.walletId,
      amount: 100_000,
      linkId: owner.linkId,
    });
    expect([404, 422]).toContain(toTheirBank.status);

    expectProblem(await other('GET', `/v1/transfers/${pending.transferId}`), 404, 'not-found');
    // Even with the right factors (read from the owner's phone), the intruder cannot authorise it.
    const factors = await factorsFor(owner, pending.authentication!);
    expectProblem(await other('POST', `/v1/transfers/${pending.transferId}/authorize`, factors), 404, 'not-found');
    expectProblem(await other('GET', `/v1/wallets/${theirs}/statement`), 404, 'not-found');
    expectProblem(await other('GET', `/v1/wallets/${theirs}`), 404, 'not-found');

    expect(await balanceOf(owner, theirs)).toBe(5 * M);
    expect(await balanceOf(intruder, intruder.walletId)).toBe(1 * M);
    expect((await waitFor(owner, pending.transferId, 0)).status).toBe('REQUIRES_AUTHENTICATION');
    expect((await statementOf(owner, theirs)).map((e) => e.type)).toEqual(['TOPUP']);
  });
});

describe('Idempotency-Key on POST /v1/transfers', () => {
  it('creates exactly one transfer when the same request is sent 20 times at once', async () => {
    const [payer, shop] = await Promise.all([fundedCustomer(5 * M), merchant()]);
    const key = randomUUID();
    const body = payment(payer, shop.merchantId, 1 * M);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => as(payer)<TransferView>('POST', '/v1/transfers', body, { idempotencyKey: key })),
    );
    for (const r of replies) {
      if (r.status === 409) expectProblem(r, 409, 'request-in-progress');
      else expect(r.status, JSON.stringify(r.json)).toBe(201);
    }
    const created = replies.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThan(0);
    const ids = new Set(created.map((r) => r.json.transferId));
    expect(ids.size).toBe(1);
    // Once settled, a retry replays the same answer.
    const replay = await as(payer)<TransferView>('POST', '/v1/transfers', body, { idempotencyKey: key });
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(created[0]!.json);
    expect(created[0]!.json.status).toBe('COMPLETED');

    expect(await balanceOf(shop, shop.walletId)).toBe(1 * M);
    expect(await balanceOf(payer, payer.walletId)).toBe(4 * M);
    const entries = await expectLedgerConsistent(shop, shop.walletId);
    expect(entries.map((e) => e.transferId)).toEqual([...ids]);
    expect((await limitsOf(payer)).monthlyUsed).toBe(1 * M);
  });
});

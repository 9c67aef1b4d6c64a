import { describe, expect, it } from 'vitest';
import { defaultRiskConfig, isNightInHanoi } from '../../functions/core/domain/risk/index.ts';
import {
  type ActiveCustomer,
  activeCustomer,
  anotherWallet,
  as,
  authorize,
  balanceOf,
  completed,
  expectLedgerConsistent,
  expectProblem,
  factorsFor,
  fund,
  fundedCustomer,
  limitsOf,
  merchant,
  type Reply,
  type TransferView,
} from './client.ts';

// Real parallel HTTP requests against one wallet, then the invariants a customer would check:
// no overdraft, no double spend, statements that add up, limits that hold (DESIGN.md "Money
// movement": one conditional TransactWriteItems per commit).

const M = 1_000_000;
const post = (c: ActiveCustomer, body: Record<string, unknown>) => as(c)<TransferView>('POST', '/v1/transfers', body);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('concurrent transfers', () => {
  it('50 transfers of 1M from a wallet holding 20M: exactly 20 complete, the rest are insufficient-funds', async () => {
    const c = await fundedCustomer(20 * M);
    const second = await anotherWallet(c);
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        post(c, { type: 'P2P', walletId: c.walletId, amount: 1 * M, toWalletId: second.walletId }),
      ),
    );
    const done = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status !== 201);
    expect(done.map((r) => r.json.status)).toEqual(Array(20).fill('COMPLETED'));
    for (const r of refused) expectProblem(r, 422, 'insufficient-funds');
    expect(refused).toHaveLength(30);

    expect(await balanceOf(c, c.walletId)).toBe(0);
    expect(await balanceOf(c, second.walletId)).toBe(20 * M);
    const paid = await expectLedgerConsistent(c, c.walletId);
    const received = await expectLedgerConsistent(c, second.walletId);
    expect(paid.filter((e) => e.type === 'P2P')).toHaveLength(20);
    expect(received).toHaveLength(20);
    expect(new Set(received.map((e) => e.transferId))).toEqual(new Set(done.map((r) => r.json.transferId)));
  });

  it('10 OTP transfers of 3M authorised at once never pass 20M of class A/B in a day: the 7th needs a biometric match', async () => {
    const [c, payee] = await Promise.all([fundedCustomer(30 * M), activeCustomer()]);
    const created = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(c, { type: 'P2P', walletId: c.walletId, amount: 3 * M, toWalletId: payee.walletId }),
      ),
    );
    // Nothing moved yet today: each is class B (G+Tksth = 3M) when created.
    for (const r of created) {
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      expect(r.json.authentication).toMatchObject({ class: 'B', methods: ['OTP'] });
    }
    const factors = await Promise.all(created.map((r) => factorsFor(c, r.json.authentication!)));
    const first = await Promise.all(
      created.map((r, i) => as(c)<TransferView>('POST', `/v1/transfers/${r.json.transferId}/authorize`, factors[i])),
    );
    for (const r of first) expect(r.status, JSON.stringify(r.json)).toBe(200);
    const withOtpOnly = first.filter((r) => r.json.status === 'COMPLETED');
    const steppedUp = first.filter((r) => r.json.status !== 'COMPLETED');
    // 6 × 3M = 18M ≤ 20M; a 7th would make 21M > 20M (RULES.md §2, vector 3).
    expect(withOtpOnly).toHaveLength(6);
    for (const r of steppedUp) {
      expect(r.json.status).toBe('REQUIRES_AUTHENTICATION');
      expect(r.json.authentication).toMatchObject({ class: 'C', methods: ['OTP', 'BIOMETRIC'] });
      const before = created.find((x) => x.json.transferId === r.json.transferId)!;
      expect(r.json.authentication!.challengeId).not.toBe(before.json.authentication!.challengeId);
    }
    // The money of the stepped-up transfers has not moved.
    expect(await balanceOf(payee, payee.walletId)).toBe(6 * 3 * M);

    const second = await Promise.all(
      steppedUp.map(async (r) =>
        as(c)<TransferView>(
          'POST',
          `/v1/transfers/${r.json.transferId}/authorize`,
          await factorsFor(c, r.json.authentication!),
        ),
      ),
    );
    for (const r of second) expect(r.json.status, JSON.stringify(r.json)).toBe('COMPLETED');

    expect(await balanceOf(payee, payee.walletId)).toBe(30 * M);
    expect(await balanceOf(c, c.walletId)).toBe(0);
    expect((await limitsOf(c)).monthlyUsed).toBe(30 * M);
    await expectLedgerConsistent(c, c.walletId);
    expect(await expectLedgerConsistent(payee, payee.walletId)).toHaveLength(10);
  });

  it('one transfer authorised 20 times at once with the right factors: every answer is the transfer, moved once', async () => {
    const [c, payee] = await Promise.all([fundedCustomer(30 * M), activeCustomer()]);
    const created = await post(c, { type: 'P2P', walletId: c.walletId, amount: 11 * M, toWalletId: payee.walletId });
    expect(created.json.authentication).toMatchObject({ class: 'C', methods: ['OTP', 'BIOMETRIC'] });
    const factors = await factorsFor(c, created.json.authentication!);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        as(c)<TransferView>('POST', `/v1/transfers/${created.json.transferId}/authorize`, factors),
      ),
    );
    // API.md: authorize is idempotent; a try that found the challenge's 5 tries taken waits for the
    // one committing it and answers the transfer too (no too-many-attempts without a wrong entry).
    for (const r of answers) {
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json).toMatchObject({ transferId: created.json.transferId, status: 'COMPLETED' });
    }
    expect(await balanceOf(payee, payee.walletId)).toBe(11 * M);
    expect(await balanceOf(c, c.walletId)).toBe(19 * M);
  });

  it('transfers from two wallets of one customer at once never pass the monthly cap together', async () => {
    const [c, friend, shop] = await Promise.all([fundedCustomer(100 * M), activeCustomer(), merchant()]);
    const second = await anotherWallet(c);
    await fund(c, 5 * M, second.walletId, second.linkId);
    // 95M counted this month: one class C transfer to another owner.
    await completed(c, { type: 'P2P', walletId: c.walletId, amount: 95 * M, toWalletId: friend.walletId });
    expect((await limitsOf(c)).monthlyUsed).toBe(95 * M);

    // Then 5 payments of 1M from each wallet at once (class A: G+T ≤ 5M per wallet): 10M for 5M of room.
    const replies: Reply<TransferView>[] = await Promise.all(
      [c.walletId, second.walletId].flatMap((walletId) =>
        Array.from({ length: 5 }, () =>
          post(c, { type: 'PAYMENT', walletId, amount: 1 * M, merchantId: shop.merchantId }),
        ),
      ),
    );
    const done = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status !== 201);
    for (const r of done) expect(r.json.status).toBe('COMPLETED');
    for (const r of refused) expectProblem(r, 422, 'monthly-limit-exceeded');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    const spent = sum(done.map((r) => r.json.amount));
    expect(95 * M + spent).toBeLessThanOrEqual(100 * M);
    // Each payment fits its wallet's balance and class A: only the cap refuses, so its room is used up exactly.
    expect(spent).toBe(5 * M);

    const { monthlyUsed } = await limitsOf(c);
    expect(monthlyUsed).toBe(95 * M + spent);
    expect(monthlyUsed).toBeLessThanOrEqual(100 * M);
    expect(await balanceOf(shop, shop.walletId)).toBe(spent);
    expect((await balanceOf(c, c.walletId)) + (await balanceOf(c, second.walletId))).toBe(105 * M - 95 * M - spent);
    await expectLedgerConsistent(c, c.walletId);
    await expectLedgerConsistent(c, second.walletId);
    await expectLedgerConsistent(shop, shop.walletId);
    expect(await balanceOf(friend, friend.walletId)).toBe(95 * M);
    await expectLedgerConsistent(friend, friend.walletId);
  });

  it('100 payments into one merchant wallet at once: the merchant holds their sum, entry by entry', async () => {
    const [shop, ...payers] = await Promise.all([
      merchant(),
      ...Array.from({ length: 10 }, () => fundedCustomer(4 * M)),
    ]);
    // 10 × 400,000 VND per payer: G+T ≤ 5M, class A (I.2), so all go at once. Between 00:00 and
    // 05:00 in Hanoi the merchant night rule (RULES.md §7) steps a busy merchant's payments up to
    // class C once it has seen 10 night payments: those are authorised, and only then.
    const night =
      isNightInHanoi(new Date(), defaultRiskConfig) || isNightInHanoi(new Date(Date.now() + 60_000), defaultRiskConfig);
    const replies = await Promise.all(
      payers.flatMap((p) =>
        Array.from({ length: 10 }, () =>
          post(p, { type: 'PAYMENT', walletId: p.walletId, amount: 400_000, merchantId: shop.merchantId }),
        ),
      ),
    );
    const steppedUp = replies.filter((r) => r.status === 201 && r.json.status === 'REQUIRES_AUTHENTICATION');
    if (!night) expect(steppedUp, 'no step-up by day').toEqual([]);
    for (const r of steppedUp) expect(r.json.authentication?.class).toBe('C');
    const authorised = await Promise.all(
      steppedUp.map((r) => authorize(payers.find((p) => p.walletId === r.json.walletId)!, r.json)),
    );
    const outcomes = [...replies.filter((r) => !steppedUp.includes(r)), ...authorised];
    const failures = outcomes.filter((r) => ![200, 201].includes(r.status) || r.json.status !== 'COMPLETED');
    expect(
      failures.map((r) => `${r.status} ${(r.json as { code?: string }).code ?? r.json.status}`),
      'every payment completes',
    ).toEqual([]);

    expect(await balanceOf(shop, shop.walletId)).toBe(40 * M);
    const entries = await expectLedgerConsistent(shop, shop.walletId);
    expect(entries).toHaveLength(100);
    expect(new Set(entries.map((e) => e.transferId)).size).toBe(100);
    for (const p of payers) {
      expect(await balanceOf(p, p.walletId)).toBe(0);
      await expectLedgerConsistent(p, p.walletId);
    }
  });
});

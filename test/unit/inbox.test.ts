import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CommitPlan, checkPlan } from '../../functions/core/domain/commit-plan.ts';
import {
  inboxShard,
  maxInboxShards,
  type PendingCredit,
  planSweep,
  sweepBatch,
} from '../../functions/core/domain/inbox.ts';
import { ocra } from '../../functions/core/domain/soft-otp.ts';
import type { Wallet } from '../../functions/core/domain/wallet.ts';
import type { Caller } from '../../functions/core/ports/caller.ts';
import {
  pendingOf,
  requestSweeps,
  setInboxShards,
  sweepInbox,
  sweepOnce,
  walletWithPending,
} from '../../functions/core/use-cases/inbox.ts';
import { authorizeTransfer } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { receiveSwitchCredit } from '../../functions/core/use-cases/transfers/receive-credit.ts';
import { settleTransfer } from '../../functions/core/use-cases/transfers/settle.ts';
import { statement } from '../../functions/core/use-cases/transfers/statement.ts';
import { listWallets } from '../../functions/core/use-cases/wallets.ts';
import { fakeSoftOtpSecret, type MoneyWorld, moneyWorld, type Person } from '../support/money-fakes.ts';

// A busy merchant's inbox (functions/core/domain/inbox.ts) against the in-memory fakes: credits
// planned into shards by the one planner, folded in by the sweeper with one entry per credit,
// never applied twice, never spent before they are folded in; wallets + inboxes + system = 0.

const M = 1_000_000;
const operator: Caller = { subject: 'operator-7', groups: ['operators'] };
const change = {
  caller: operator,
  route: 'PUT /v1/ops/wallets/{walletId}/inbox',
  reason: 'flash sale',
  reference: 'T-1',
};

let world: MoneyWorld;
let payers: Person[];
let shop: { customerId: string; walletId: string };

beforeEach(async () => {
  world = moneyWorld();
  payers = Array.from({ length: 6 }, (_, i) =>
    world.person({ customerId: `payer-${i}`, phoneNumber: `+8491234560${i}`, balance: 5 * M }),
  );
  shop = world.merchant({ customerId: 'shop', phoneNumber: '+842438212709', balance: 1 * M });
  world.link(shop.walletId, { linkId: 'L-shop', accountNumber: '0071000123456' });
  world.device(shop.customerId, 'shop-phone');
  await setInboxShards(world.services, shop.walletId, 4, change);
});

// Whatever happened, the books balance with the inboxes counted: wallets + inboxes + system = 0.
afterEach(() => {
  expect(world.ledger.trialBalance()).toBe(0);
});

const wallet = (id = shop.walletId) => world.ledger.wallet(id);
/** No lingering after a partial batch: the fakes answer at once. */
const now = { lingerMs: 0 };
const pay = (p: Person, amount: number, key: string) =>
  createTransfer(
    world.services,
    p.customerId,
    p.deviceId,
    { type: 'PAYMENT', walletId: p.walletId, merchantId: shop.walletId, amount },
    key,
  );

/** The merchant withdraws to its bank; an organisation's withdrawal may ask for the soft OTP (RULES.md §3). */
async function withdraw(amount: number, key: string) {
  const view = await createTransfer(
    world.services,
    shop.customerId,
    'shop-phone',
    { type: 'WITHDRAWAL', walletId: shop.walletId, linkId: 'L-shop', amount },
    key,
  );
  if (view.status !== 'REQUIRES_AUTHENTICATION') return view;
  return authorizeTransfer(world.services, shop.customerId, 'shop-phone', view.transferId, {
    softOtp: ocra(fakeSoftOtpSecret, view.authentication!.challengeId),
  });
}

/** The merchant's statement, oldest first. */
async function entries() {
  const page = await statement(world.services, shop.customerId, shop.walletId, 500);
  return [...page.items].reverse();
}

/** Each entry follows from the one before it, and the last is the balance. */
async function expectStatementAddsUp() {
  const list = await entries();
  let before = 1 * M;
  for (const e of list) {
    expect(e.balanceAfter).toBe(before + e.amount);
    before = e.balanceAfter;
  }
  expect(before).toBe(wallet().balance);
  expect(new Set(list.map((e) => e.entryId)).size).toBe(list.length);
  return list;
}

describe('the planner: money into a wallet with inbox shards is a credit of the plan', () => {
  it("a payment credits one of the merchant's shards and leaves its item alone; the postings sum to zero", async () => {
    const view = await pay(payers[0]!, 123_456, 'k-1');
    expect(view.status).toBe('COMPLETED');
    const plan = world.ledger.committed.at(-1)!;
    expect(plan.wallets.map((m) => [m.wallet.walletId, m.amount])).toEqual([[payers[0]!.walletId, -123_456]]);
    expect(plan.credits).toEqual([
      {
        walletId: shop.walletId,
        shard: inboxShard(view.transferId, 4),
        amount: 123_456,
        entry: { transferId: view.transferId, type: 'PAYMENT', counterparty: payers[0]!.walletId },
      },
    ]);
    expect(wallet()).toMatchObject({ balance: 1 * M, version: 1 });
    expect(world.ledger.pendingOf(shop.walletId)).toHaveLength(1);
    // The payer's side is as ever: its entry, its balance.
    expect(world.ledger.wallet(payers[0]!.walletId).balance).toBe(5 * M - 123_456);
  });

  it('every credit goes through the inbox (P2P, money returned by the bank); debits stay on the item', async () => {
    await pay(payers[0]!, 200_000, 'k-1');
    await sweepInbox(world.services, shop.walletId, now);
    // A credit from another bank over the switch to the merchant's phone: a credit too.
    const credited = await receiveSwitchCredit(world.services, {
      reference: 'NAPAS20261110001',
      fromInstitutionCode: 'VCB',
      fromAccountNumber: '0071000999999',
      senderName: 'LE VAN CUONG',
      toPhoneNumber: '+842438212709',
      amount: 50_000,
      settlementDate: '2026-11-10',
    });
    expect(credited.status).toBe('CREDITED');
    expect(world.ledger.committed.at(-1)!.credits?.[0]).toMatchObject({
      walletId: shop.walletId,
      amount: 50_000,
      entry: { type: 'EXTERNAL_IN' },
    });
    // A withdrawal reserves on the item; returned by the bank, its money comes back through the inbox.
    const w = await withdraw(300_000, 'k-3');
    expect(w.status).toBe('PROCESSING');
    expect(world.ledger.committed.at(-1)!.wallets[0]).toMatchObject({ amount: -300_000 });
    world.bank.script.push('DECLINED');
    await settleTransfer(world.services, w.transferId);
    const returned = world.ledger.committed.at(-1)!;
    expect(returned.wallets).toEqual([]);
    expect(returned.credits?.[0]).toMatchObject({ amount: 300_000, entry: { type: 'WITHDRAWAL_RETURN' } });
    await sweepInbox(world.services, shop.walletId, now);
    expect(wallet().balance).toBe(1 * M + 200_000 + 50_000);
    await expectStatementAddsUp();
  });
});

describe('checkPlan: the invariants of credits and sweeps', () => {
  const w = (walletId: string, balance = 0, version = 0): Wallet => ({
    walletId,
    ownerId: 'o',
    ownerKind: 'ORGANIZATION',
    merchant: true,
    status: 'ACTIVE',
    balance,
    currency: 'VND',
    createdAt: '2026-11-10T03:00:00.000Z',
    version,
    inboxShards: 4,
  });
  const credit = (walletId: string, amount: number, transferId = `T-${amount}`): PendingCredit => ({
    walletId,
    shard: 1,
    amount,
    at: '2026-11-10T03:00:00.000Z',
    entry: { transferId, type: 'PAYMENT' },
  });
  const payment = (overrides: Partial<CommitPlan> = {}): CommitPlan => ({
    at: '2026-11-10T03:00:00.000Z',
    token: 't',
    wallets: [
      { wallet: w('payer', 5 * M), amount: -100, requireActive: true, entry: { transferId: 'T', type: 'PAYMENT' } },
    ],
    system: [],
    credits: [credit('shop', 100)],
    ...overrides,
  });

  it('accepts a payment whose debit and credit sum to zero, and refuses one that does not', () => {
    expect(() => checkPlan(payment())).not.toThrow();
    expect(() => checkPlan(payment({ credits: [credit('shop', 99)] }))).toThrow(/sum to -1, not 0/);
  });

  it('refuses a credit that is not money in, on no shard, or both on the item and in the inbox', () => {
    expect(() =>
      checkPlan(
        payment({
          wallets: [{ wallet: w('payer'), amount: 100, requireActive: false, entry: { transferId: 'T', type: 'P2P' } }],
          credits: [credit('shop', -100)],
        }),
      ),
    ).toThrow(/not money in/);
    expect(() => checkPlan(payment({ credits: [{ ...credit('shop', 100), shard: maxInboxShards }] }))).toThrow(
      /inbox shard/,
    );
    expect(() =>
      checkPlan(
        payment({
          wallets: [
            { wallet: w('shop', 5 * M), amount: -100, requireActive: true, entry: { transferId: 'T', type: 'P2P' } },
          ],
          credits: [credit('shop', 100)],
        }),
      ),
    ).toThrow(/on its item and its inbox/);
  });

  it('a sweep: at most one batch of one wallet, each credit once, alone in its commit', () => {
    const at = '2026-11-10T03:00:01.000Z';
    const shop = w('shop', 0, 7);
    const many = Array.from({ length: sweepBatch + 5 }, (_, i) => credit('shop', 10 + i, `T-${i}`));
    const plan = planSweep(shop, many, at)!;
    expect(plan.sweep!.credits).toHaveLength(sweepBatch);
    expect(() => checkPlan(plan)).not.toThrow();
    expect(planSweep(shop, [credit('other', 5)], at)).toBeUndefined();
    const sweep = plan.sweep!;
    expect(() => checkPlan({ ...plan, sweep: { ...sweep, credits: [...sweep.credits, sweep.credits[0]!] } })).toThrow();
    expect(() => checkPlan({ ...plan, sweep: { ...sweep, credits: [credit('other', 5)] } })).toThrow(/swept into shop/);
    expect(() =>
      checkPlan({
        ...plan,
        credits: [credit('shop', 5)],
        system: [{ account: 'SAFEGUARDING', amount: -5, transferId: 'x' }],
      }),
    ).toThrow(/a commit of its own/);
  });

  it('sweeps oldest first, whatever shard a credit is on', () => {
    const at = '2026-11-10T03:00:09.000Z';
    const c = (transferId: string, t: string, shard: number): PendingCredit => ({
      ...credit('shop', 1, transferId),
      shard,
      at: `2026-11-10T03:00:0${t}.000Z`,
    });
    const plan = planSweep(w('shop'), [c('T-c', '3', 0), c('T-a', '1', 3), c('T-b', '2', 1)], at)!;
    expect(plan.sweep!.credits.map((x) => x.entry.transferId)).toEqual(['T-a', 'T-b', 'T-c']);
  });
});

describe('the sweeper: credits folded into the balance, one entry each, once', () => {
  it('folds every credit in: entries numbered by version, balanceAfter running, the inbox empty', async () => {
    let paid = 0;
    for (let i = 0; i < 60; i++) {
      const amount = 10_000 + i;
      world.clock.advance(1_000);
      await pay(payers[i % payers.length]!, amount, `k-${i}`);
      paid += amount;
    }
    expect(await pendingOf(world.services, wallet())).toMatchObject({ amount: paid, count: 60 });
    // The owner's read sums the shards: the balance is all its money at once.
    expect((await walletWithPending(world.services, wallet())).balance).toBe(1 * M + paid);
    expect((await listWallets(world.services, shop.customerId)).items[0]!.balance).toBe(1 * M + paid);
    const done = await sweepInbox(world.services, shop.walletId, now);
    expect(done).toMatchObject({ applied: 60, batches: 2, more: false, oldestAt: '2026-11-10T03:00:01.000Z' });
    expect(wallet()).toMatchObject({ balance: 1 * M + paid, version: 61 });
    expect(world.ledger.pendingOf(shop.walletId)).toEqual([]);
    const list = await expectStatementAddsUp();
    expect(list.map((e) => e.type)).toEqual(Array(60).fill('PAYMENT'));
    // In commit order: the payments' order.
    expect(list.map((e) => e.amount)).toEqual(Array.from({ length: 60 }, (_, i) => 10_000 + i));
    expect(await sweepOnce(world.services, shop.walletId)).toEqual({ applied: 0 });
  });

  it('a fold retried after it committed (its answer lost) applies nothing twice', async () => {
    for (let i = 0; i < 3; i++) await pay(payers[i]!, 100_000, `k-${i}`);
    const read = wallet();
    const pending = await world.services.ledger.inbox(shop.walletId, 4, sweepBatch);
    const plan = planSweep(read, pending, world.clock.now().toISOString())!;
    expect(await world.services.ledger.commit(plan)).toEqual({ outcome: 'committed' });
    // The same fold again: its wallet version moved and its credits are gone.
    const again = await world.services.ledger.commit(plan);
    expect(again.outcome).toBe('conflict');
    expect(again.outcome === 'conflict' && again.on).toEqual(
      expect.arrayContaining(['wallet:ConditionalCheckFailed', 'credit:ConditionalCheckFailed']),
    );
    expect(wallet().balance).toBe(1 * M + 300_000);
    await expectStatementAddsUp();
  });

  it('a withdrawal racing a fold: one of them reads again; the withdrawal never spends a credit not folded in', async () => {
    await pay(payers[0]!, 2 * M, 'k-1');
    // Only 1M is folded in: a withdrawal of 2M is refused though 3M is the merchant's.
    await expect(withdraw(2 * M, 'w-1')).rejects.toMatchObject({ reason: 'insufficient-funds' });
    // The withdrawal commits between the sweeper's read and its commit: the fold conflicts, reads again.
    const read = wallet();
    world.ledger.beforeNextCommit(async () => {
      expect((await withdraw(600_000, 'w-2')).status).toBe('PROCESSING');
    });
    expect(await sweepInbox(world.services, shop.walletId, now)).toMatchObject({ applied: 1, more: false });
    // The fold read the wallet before the withdrawal committed: cancelled, read again, folded once.
    const sweeps = world.ledger.commits.filter((c) => c.plan.sweep);
    expect(sweeps.map((c) => [c.outcome, c.plan.sweep!.wallet.version])).toEqual([
      ['conflict', read.version],
      ['committed', read.version + 1],
    ]);
    expect(wallet().balance).toBe(1 * M - 600_000 + 2 * M);
    const list = await expectStatementAddsUp();
    expect(list.map((e) => [e.type, e.amount])).toEqual([
      ['WITHDRAWAL', -600_000],
      ['PAYMENT', 2 * M],
    ]);
  });

  it('a credit to a wallet closed meanwhile is kept visibly: folded onto the closed wallet, nothing lost', async () => {
    await pay(payers[0]!, 70_000, 'k-1');
    world.ledger.wallets.set(shop.walletId, { ...wallet(), status: 'CLOSED' });
    await sweepInbox(world.services, shop.walletId, now);
    expect(wallet()).toMatchObject({ status: 'CLOSED', balance: 1 * M + 70_000 });
    expect(world.ledger.pendingOf(shop.walletId)).toEqual([]);
  });

  it('lowering the shard count strands nothing: the sweeper reads every shard the inbox ever had', async () => {
    await setInboxShards(world.services, shop.walletId, maxInboxShards, change);
    for (let i = 0; i < 12; i++) await pay(payers[i % payers.length]!, 1_000 + i, `k-${i}`);
    await setInboxShards(world.services, shop.walletId, 0, change);
    expect(wallet()).toMatchObject({ inboxShards: 0, inboxShardsSeen: maxInboxShards });
    // Credits now go to the item itself; those waiting are still folded in.
    await pay(payers[0]!, 5_000, 'k-direct');
    expect(world.ledger.committed.at(-1)!.credits).toBeUndefined();
    expect(await sweepInbox(world.services, shop.walletId, now)).toMatchObject({ applied: 12 });
    await expectStatementAddsUp();
  });
});

describe('asking for sweeps, and the operator who turns the inbox on', () => {
  it('one request per wallet per stream batch, named by its last credit', async () => {
    expect(
      await requestSweeps(world.services, [
        { walletId: 'A', sequence: '1' },
        { walletId: 'B', sequence: '2' },
        { walletId: 'A', sequence: '3' },
      ]),
    ).toBe(2);
    // The same batch retried asks nothing new.
    await requestSweeps(world.services, [{ walletId: 'A', sequence: '3' }]);
    expect(world.sweeps.requested).toEqual([
      { walletId: 'A', dedupId: 'A:3' },
      { walletId: 'B', dedupId: 'B:2' },
    ]);
  });

  it('the change and its audit record are one commit, conditional on the count as read', async () => {
    const done = await setInboxShards(world.services, shop.walletId, 16, change);
    expect(done).toEqual({ walletId: shop.walletId, inboxShards: 16, inboxShardsSeen: 16 });
    const plan = world.ledger.committed.at(-1)!;
    expect(plan.walletConfig).toMatchObject({ inboxShards: 16 });
    expect(plan.audit).toMatchObject({ action: 'WALLET_INBOX_CONFIG', actor: 'operator-7' });
    expect(world.ledger.audit.filter((a) => a.action === 'WALLET_INBOX_CONFIG').map((a) => a.subject)).toEqual(
      expect.arrayContaining([shop.walletId, shop.customerId]),
    );
    // Another operator's change got in first: read again, decide again.
    world.ledger.beforeNextCommit(() => {
      world.ledger.wallets.set(shop.walletId, { ...wallet(), inboxShards: 2 });
    });
    await setInboxShards(world.services, shop.walletId, 8, change);
    expect(world.ledger.commits.slice(-2).map((c) => c.outcome)).toEqual(['conflict', 'committed']);
    expect(wallet().inboxShards).toBe(8);
    await expect(setInboxShards(world.services, shop.walletId, maxInboxShards + 1, change)).rejects.toMatchObject({
      reason: 'validation-failed',
    });
  });
});

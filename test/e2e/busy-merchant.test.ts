import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeProcess } from '../support/runtime-process.ts';
import {
  afterCommitSettled,
  api,
  as,
  assertion,
  authorize,
  balanceOf,
  bankAccount,
  bankBalance,
  type Customer,
  expectLedgerConsistent,
  expectProblem,
  fundedCustomer,
  identity,
  inboxDrained,
  link,
  openWallet,
  register,
  staff,
  type TransferView,
  useApi,
  type VerifiedCustomer,
  waitFor,
} from './client.ts';

// A busy merchant's inbox (docs/merchants.md "A busy merchant's inbox"), through HTTP only: an
// operator spreads the merchant's credits over inbox shards; 1,000 payments from 64 payers, 32 at
// a time, land there without touching the merchant's wallet item; the sweeper (SQS FIFO, one
// message group per wallet) folds them in while the merchant withdraws. Afterwards the balance,
// the statement (one entry per payment, in order, each balanceAfter following from the last),
// the risk profile, the bank and the safeguarding reconciliation all add up.
//
// A runtime of its own: the merchant-night rule (RULES.md §7) would step a busy merchant's
// payments up to class C between 00:00 and 05:00 in Hanoi, so it is off here (the test must not
// depend on the time of day), and the reconciliation sees this test's money only.

const PAYERS = 64;
const PAYMENTS = 1_000;
const CONCURRENCY = 32;

interface Shop extends VerifiedCustomer {
  walletId: string;
  account: { bankCode: string; accountNumber: string };
}

/** A merchant organisation with its device trusted at KYC (its soft OTP authorises its withdrawals). */
async function shop(): Promise<Shop> {
  const c: Customer = await register();
  const rep = identity();
  const legalName = 'Công ty TNHH Siêu thị Sài Gòn';
  const enterpriseCode = `03${randomInt(10_000_000, 89_999_999)}`;
  const r = await as(c)('POST', '/v1/me/kyc', {
    kind: 'ORGANIZATION',
    legalName,
    shortName: 'SIEU THI SG',
    enterpriseCode,
    headOfficeAddress: '1 Lê Duẩn, Quận 1, TP. Hồ Chí Minh',
    tradingAddress: '1 Lê Duẩn, Quận 1, TP. Hồ Chí Minh',
    phoneNumber: '02838221234',
    legalRepresentative: { ...rep, ekycAssertion: await assertion(rep) },
    merchant: { displayName: 'Siêu thị Sài Gòn', mcc: '5411' },
  });
  expect(r.json?.status, JSON.stringify(r.json)).toBe('VERIFIED');
  const w = await openWallet(c);
  const account = await bankAccount({ name: legalName, idNumber: enterpriseCode });
  await link(c, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
  return { ...c, identity: rep, softOtpSecret: r.json.softOtp.secret, walletId: w.walletId, account };
}

/** Runs `work` over `items`, `limit` at a time. */
async function bounded<T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!, i);
    }),
  );
  return out;
}

let stop: (() => Promise<void>) | undefined;
let logFile = '';
beforeAll(async () => {
  const runtime = await startRuntimeProcess('e2e-runtime-busy-merchant', {
    RISK_CONFIG: JSON.stringify({ merchantNight: { minPayments: 1_000_000_000 } }),
  });
  stop = runtime.stop;
  logFile = runtime.logFile;
  useApi(runtime.url);
}, 120_000);
afterAll(async () => {
  useApi(undefined);
  await stop?.();
});

describe('a merchant past the per-item ceiling', () => {
  it('takes 1,000 concurrent payments and a withdrawal into a sharded wallet; balance and statement add up', async () => {
    const started = Date.now();
    const s = await shop();
    const { token } = await staff(['operators']);
    const ops = (body: unknown, walletId = s.walletId) =>
      api('PUT', `/v1/ops/wallets/${walletId}/inbox`, { token, body });
    expectProblem(await ops({ shards: 65, reason: 'flash sale', reference: 'OPS-1' }), 400, 'validation-failed');
    const set = await ops({ shards: 8, reason: 'flash sale', reference: 'OPS-1' });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json).toEqual({ walletId: s.walletId, inboxShards: 8, inboxShardsSeen: 8 });

    const payers = await bounded(Array.from({ length: PAYERS }), 16, () => fundedCustomer(100_000));
    const atBank = await bankBalance(s.account);
    const setUp = Date.now();

    // 1,000 payments, 32 at a time; not round amounts (the merchant round-amount rule counts those).
    const amountOf = (i: number) => 1_000 + (i % 97) * 3;
    let done = 0;
    let withdrawal: Promise<TransferView> | undefined;
    const payments = await bounded(Array.from({ length: PAYMENTS }), CONCURRENCY, async (_, i) => {
      const payer = payers[i % PAYERS]!;
      const r = await as(payer)<TransferView>('POST', '/v1/transfers', {
        type: 'PAYMENT',
        walletId: payer.walletId,
        merchantId: s.walletId,
        amount: amountOf(i),
      });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      expect(r.json.status).toBe('COMPLETED');
      // Half-way, the merchant withdraws part of what is already folded in, racing the sweeper.
      if (++done === PAYMENTS / 2) withdrawal = withdrawFolded(s, 300_000);
      return r.json;
    });
    const paid = Date.now();
    const total = payments.reduce((sum, p) => sum + p.amount, 0);
    const out = await withdrawal!;

    // The balance sums the shards: every payment is the merchant's at once, folded in or not.
    expect(await balanceOf(s, s.walletId)).toBe(total - out.amount);
    await inboxDrained(s.walletId, 30_000);
    const drained = Date.now();

    const entries = await expectLedgerConsistent(s, s.walletId);
    expect(await balanceOf(s, s.walletId)).toBe(total - 300_000);
    const credits = entries.filter((e) => e.type === 'PAYMENT');
    expect(credits).toHaveLength(PAYMENTS);
    expect(new Set(credits.map((e) => e.transferId))).toEqual(new Set(payments.map((p) => p.transferId)));
    const byId = new Map(payments.map((p) => [p.transferId, p]));
    for (const e of credits) expect(e.amount).toBe(byId.get(e.transferId)!.amount);
    expect(entries.filter((e) => e.type === 'WITHDRAWAL')).toEqual([
      expect.objectContaining({ transferId: out.transferId, amount: -300_000 }),
    ]);
    // Newest first, one per wallet version: 1,001 entries.
    expect(entries).toHaveLength(PAYMENTS + 1);

    // The withdrawal reached the bank once; the payers' side is as ever.
    expect(await bankBalance(s.account)).toBe(atBank + 300_000);
    for (const payer of payers.slice(0, 4)) await expectLedgerConsistent(payer, payer.walletId);

    // The merchant's risk profile learnt every entry once, in version order: all of them, none skipped.
    await afterCommitSettled([s.walletId], 30_000);
    expect(readFileSync(logFile, 'utf8')).not.toContain('risk profile skips entries');

    // Safeguarding: every wallet's balance (the merchant's summing its shards) is what the
    // reconciliation derives from the ledger identity, and the guarantee account matches it.
    const { token: opsToken } = await staff(['operators']);
    const recon = await api('GET', '/v1/ops/reconciliation/safeguarding', { token: opsToken });
    expect(recon.status).toBe(200);
    expect(recon.json.difference).toBe(0);
    const all = await Promise.all(payers.map((p) => balanceOf(p, p.walletId)));
    expect(recon.json.walletBalances).toBe(all.reduce((a, b) => a + b, 0) + total - 300_000);

    // The operators' look-up shows the inbox (empty now) and an audit row of the change.
    const look = await api('GET', `/v1/ops/wallets/${s.walletId}`, { token: opsToken });
    expect(look.json.inbox).toEqual({ shards: 8, pendingCredits: 0, pendingCount: 0 });
    const audit = await staff(['compliance']);
    const trail = await api('GET', `/v1/ops/audit?subject=${s.walletId}`, { token: audit.token });
    expect(trail.json.items.map((e: { action: string }) => e.action)).toContain('WALLET_INBOX_CONFIG');

    console.log(
      `busy merchant: set-up ${((setUp - started) / 1000).toFixed(1)} s, ${PAYMENTS} payments in ${((paid - setUp) / 1000).toFixed(1)} s, inbox drained ${((drained - paid) / 1000).toFixed(1)} s after the last`,
    );
  }, 180_000);

  it('tells the merchant of each payment once (payment.completed), sharded or not', async () => {
    const s = await shop();
    const received: { id: string; transferId: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        received.push({ id: event.id, transferId: event.data.transferId });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      expect((await as(s)('PUT', '/v1/merchant/webhook', { url, events: ['payment.completed'] })).status).toBe(200);
      const { token } = await staff(['operators']);
      const set = await api('PUT', `/v1/ops/wallets/${s.walletId}/inbox`, {
        token,
        body: { shards: 4, reason: 'webhooks', reference: 'OPS-2' },
      });
      expect(set.status).toBe(200);
      const payers = await bounded(Array.from({ length: 5 }), 5, () => fundedCustomer(50_000));
      const paid = await bounded(Array.from({ length: 20 }), 10, async (_, i) => {
        const payer = payers[i % payers.length]!;
        const r = await as(payer)<TransferView>('POST', '/v1/transfers', {
          type: 'PAYMENT',
          walletId: payer.walletId,
          merchantId: s.walletId,
          amount: 2_001 + i,
        });
        expect(r.json.status).toBe('COMPLETED');
        return r.json.transferId;
      });
      const deadline = Date.now() + 30_000;
      while (new Set(received.map((r) => r.id)).size < paid.length && Date.now() < deadline)
        await new Promise((done) => setTimeout(done, 100));
      await inboxDrained(s.walletId);
      // Delivery is at least once: a redelivery carries the same id. One event per payment.
      const byId = new Map(received.map((r) => [r.id, r.transferId]));
      expect(byId.size).toBe(paid.length);
      expect([...byId.values()].sort()).toEqual([...paid].sort());
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  }, 120_000);
});

/** Waits until `amount` is folded in (the statement's newest balanceAfter), then withdraws it with the soft OTP. */
async function withdrawFolded(s: Shop, amount: number): Promise<TransferView> {
  for (;;) {
    const r = await as(s)('GET', `/v1/wallets/${s.walletId}/statement?limit=1`);
    if ((r.json.items[0]?.balanceAfter ?? 0) >= amount) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  const created = await as(s)<TransferView>('POST', '/v1/transfers', {
    type: 'WITHDRAWAL',
    walletId: s.walletId,
    linkId: (await as(s)('GET', `/v1/wallets/${s.walletId}/links`)).json.items[0].linkId,
    amount,
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const authorized =
    created.json.status === 'REQUIRES_AUTHENTICATION' ? (await authorize(s, created.json)).json : created.json;
  expect(['PROCESSING', 'COMPLETED']).toContain(authorized.status);
  return waitFor(s, authorized.transferId);
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeProcess } from '../support/runtime-process.ts';
import {
  type ActiveCustomer,
  afterCommitSettled,
  api,
  balanceOf,
  bankBalance,
  completed,
  expectLedgerConsistent,
  fundedCustomer,
  staff,
  transfer,
  useApi,
  waitFor,
} from './client.ts';

// Money core v2: a transfer the risk engine holds for review waits, whatever its type (RULES.md
// §7). A held withdrawal never reaches the bank before an operator releases it; a held top-up is
// not pulled from the bank; RELEASE sends them on, REJECT gives the money back (or leaves it where
// it is). Checked through HTTP, with the sandbox bank's books as the witness.

const M = 1_000_000;

async function operator() {
  const { token } = await staff(['operators', 'compliance']);
  return (method: string, path: string, body?: unknown) =>
    api(method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(method === 'POST' ? { idempotencyKey: randomUUID() } : {}),
    });
}

async function openCaseOf(transferId: string) {
  const ops = await operator();
  const open = await ops('GET', '/v1/ops/cases?status=OPEN&limit=100');
  expect(open.status).toBe(200);
  const found = open.json.items.find((c: { transferId: string }) => c.transferId === transferId);
  expect(found, `an OPEN case for ${transferId}`).toBeDefined();
  return { ops, caseId: found.caseId as string, ruleHits: found.ruleHits as { rule: string }[] };
}

const decide = async (caseId: string, decision: 'RELEASE' | 'REJECT') => {
  const ops = await operator();
  const r = await ops('POST', `/v1/ops/cases/${caseId}/decision`, { decision, note: `e2e ${decision}` });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json;
};

/** A mule: ten customers send it 1.1M each (11M from 10 distinct senders in 24 h). */
async function mule(): Promise<ActiveCustomer> {
  const m = await fundedCustomer();
  const senders = await Promise.all(Array.from({ length: 10 }, () => fundedCustomer(2 * M)));
  await Promise.all(
    senders.map((s) => completed(s, { type: 'P2P', walletId: s.walletId, toWalletId: m.walletId, amount: 1_100_000 })),
  );
  await afterCommitSettled([m.walletId]);
  return m;
}

describe('a withdrawal held for review (default risk policy: the mule cash-out)', () => {
  it('is HELD, the bank is not called, the case shows it; RELEASE pays it out at the bank', async () => {
    const m = await mule();
    const bankBefore = await bankBalance(m.account);
    const w = await transfer(m, { type: 'WITHDRAWAL', walletId: m.walletId, linkId: m.linkId, amount: 9 * M });
    expect(w.final?.status).toBe('HELD');
    const transferId = w.final!.transferId;
    expect(await balanceOf(m, m.walletId)).toBe(2 * M); // 9M reserved
    const { caseId, ruleHits } = await openCaseOf(transferId);
    expect(ruleHits.map((h) => h.rule)).toContain('muleOnward');
    // Nothing reached the bank while it was held, even after the settlement sweeper ran.
    expect((await api('POST', '/sandbox/jobs/settlement-sweeper')).status).toBe(200);
    expect(await bankBalance(m.account)).toBe(bankBefore);

    const decided = await decide(caseId, 'RELEASE');
    expect(decided.case).toMatchObject({ status: 'RELEASED' });
    expect((await waitFor(m, transferId)).status).toBe('COMPLETED');
    expect(await bankBalance(m.account)).toBe(bankBefore + 9 * M);
    expect(await balanceOf(m, m.walletId)).toBe(2 * M);
    await expectLedgerConsistent(m, m.walletId);
  });

  it('REJECT returns the reserved money to the wallet; the bank never sees it', async () => {
    const m = await mule();
    const bankBefore = await bankBalance(m.account);
    const w = await transfer(m, { type: 'WITHDRAWAL', walletId: m.walletId, linkId: m.linkId, amount: 9 * M });
    expect(w.final?.status).toBe('HELD');
    const { caseId } = await openCaseOf(w.final!.transferId);
    const decided = await decide(caseId, 'REJECT');
    expect(decided.transfer).toMatchObject({ status: 'REJECTED', failureCode: 'risk-rejected' });
    expect(await balanceOf(m, m.walletId)).toBe(11 * M);
    expect(await bankBalance(m.account)).toBe(bankBefore);
    const entries = await expectLedgerConsistent(m, m.walletId);
    expect(entries[0]).toMatchObject({ type: 'HOLD_RETURN', amount: 9 * M });
  });
});

// A stage may hold what is WARN-listed instead of stepping it up (RULES.md §7 leaves the
// criteria to the provider; functions/core/domain/risk/config.ts): a runtime of its own with
// that configuration shows the same two-phase life for a top-up and a withdrawal.
describe('a stage that holds WARN-listed counterparties', () => {
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const runtime = await startRuntimeProcess('e2e-runtime-holds', {
      RISK_CONFIG: JSON.stringify({ watchlist: { warnScore: 70 } }),
    });
    stop = runtime.stop;
    useApi(runtime.url);
  }, 120_000);
  afterAll(async () => {
    useApi(undefined);
    await stop?.();
  });

  async function listed(c: ActiveCustomer) {
    const ops = await operator();
    const r = await ops('POST', '/v1/ops/watchlist', {
      entries: [
        { kind: 'BANK_ACCOUNT', value: c.account.accountNumber, severity: 'WARN', source: 'SBV_SIMO', reason: 'e2e' },
      ],
    });
    expect(r.status).toBe(200);
  }

  it('holds a top-up from a listed account without pulling it; RELEASE pulls and credits it', async () => {
    const c = await fundedCustomer();
    await listed(c);
    const bankBefore = await bankBalance(c.account);
    const t = await transfer(c, { type: 'TOPUP', walletId: c.walletId, linkId: c.linkId, amount: 3 * M });
    expect(t.final?.status).toBe('HELD');
    expect((await api('POST', '/sandbox/jobs/settlement-sweeper')).status).toBe(200);
    expect(await bankBalance(c.account)).toBe(bankBefore);
    expect(await balanceOf(c, c.walletId)).toBe(0); // not spendable

    const { caseId } = await openCaseOf(t.final!.transferId);
    await decide(caseId, 'RELEASE');
    expect((await waitFor(c, t.final!.transferId)).status).toBe('COMPLETED');
    expect(await bankBalance(c.account)).toBe(bankBefore - 3 * M);
    expect(await balanceOf(c, c.walletId)).toBe(3 * M);
    await expectLedgerConsistent(c, c.walletId);
  });

  it('REJECT of a held top-up leaves the money at the bank and the wallet untouched', async () => {
    const c = await fundedCustomer();
    await listed(c);
    const bankBefore = await bankBalance(c.account);
    const t = await transfer(c, { type: 'TOPUP', walletId: c.walletId, linkId: c.linkId, amount: 3 * M });
    expect(t.final?.status).toBe('HELD');
    const { caseId } = await openCaseOf(t.final!.transferId);
    const decided = await decide(caseId, 'REJECT');
    expect(decided.transfer).toMatchObject({ status: 'REJECTED', failureCode: 'risk-rejected' });
    expect(await bankBalance(c.account)).toBe(bankBefore);
    expect(await balanceOf(c, c.walletId)).toBe(0);
    expect(await expectLedgerConsistent(c, c.walletId)).toHaveLength(0);
  });

  it('holds a withdrawal to a listed account with the money reserved; RELEASE pays it out', async () => {
    const c = await fundedCustomer(5 * M);
    await listed(c);
    const bankBefore = await bankBalance(c.account);
    const w = await transfer(c, { type: 'WITHDRAWAL', walletId: c.walletId, linkId: c.linkId, amount: 4 * M });
    expect(w.final?.status).toBe('HELD');
    expect(await balanceOf(c, c.walletId)).toBe(1 * M);
    expect(await bankBalance(c.account)).toBe(bankBefore);
    const { caseId } = await openCaseOf(w.final!.transferId);
    await decide(caseId, 'RELEASE');
    expect((await waitFor(c, w.final!.transferId)).status).toBe('COMPLETED');
    expect(await bankBalance(c.account)).toBe(bankBefore + 4 * M);
    const reconciliation = await (await operator())('GET', '/v1/ops/reconciliation/safeguarding');
    expect(reconciliation.json.difference).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ActiveCustomer,
  anotherWallet,
  api,
  as,
  balanceOf,
  expectProblem,
  fundedCustomer,
  staff,
  transfer,
} from './client.ts';

// RULES.md §5 and §7 through HTTP: watch lists matched on normalised identifiers, a payee
// screened by every identifier it has however the payer named it, and existing customers
// screened again (frozen, or marked for review, each with a case) whenever a list changes.

const M = 1_000_000;

async function operator() {
  const { token, sub } = await staff(['operators', 'compliance']);
  const call = (method: string, path: string, body?: unknown) =>
    api(method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(method === 'POST' ? { idempotencyKey: randomUUID() } : {}),
    });
  return Object.assign(call, { sub });
}

interface Listed {
  kind: 'WALLET' | 'PHONE' | 'BANK_ACCOUNT' | 'ID_NUMBER';
  value: string;
  severity: 'WARN' | 'BLOCK';
}

async function list(entries: Listed[], source = 'MPS_WARNING_DB') {
  const ops = await operator();
  const r = await ops('POST', '/v1/ops/watchlist', {
    entries: entries.map((e) => ({ ...e, source, reason: 'reported by victims' })),
  });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json as { imported: number; screened: { cases: number; frozen: number; review: number } };
}

/** `0912345678` written as `+84 912 345 678`. */
const spaced = (phone: string) => `+84 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;

const p2p = (from: ActiveCustomer, to: Record<string, string>, amount = M) =>
  as(from)('POST', '/v1/transfers', { type: 'P2P', walletId: from.walletId, amount, ...to });

async function walletStatus(c: ActiveCustomer, walletId = c.walletId) {
  const r = await as(c)('GET', `/v1/wallets/${walletId}`);
  expect(r.status).toBe(200);
  return r.json.status as string;
}

interface ScreeningView {
  caseId: string;
  kind: string;
  customerId: string;
  status: string;
  ruleHits: { rule: string }[];
  entry: { kind: string; severity: string; source: string; reason: string };
  frozenWallets: { walletId: string; previousStatus: string }[];
}

async function screeningCasesOf(customerId: string, status = 'OPEN'): Promise<ScreeningView[]> {
  const ops = await operator();
  const r = await ops('GET', `/v1/ops/cases?status=${status}&kind=SCREENING&limit=100`);
  expect(r.status).toBe(200);
  expect(r.json.items.every((c: ScreeningView) => c.kind === 'SCREENING')).toBe(true);
  return r.json.items.filter((c: ScreeningView) => c.customerId === customerId);
}

describe('a phone is one phone in any written form (RULES.md §5)', () => {
  it.each([
    ['0xxxxxxxxx (as 0922653285)', (phone: string) => phone],
    ['+84 xxx xxx xxx (as +84 922 653 285)', spaced],
    ['84xxxxxxxxx (as 84922653285)', (phone: string) => `84${phone.slice(1)}`],
  ])('a BLOCK entry listed as %s stops transfers to that person by phone and by wallet id', async (_, form) => {
    const [a, b] = await Promise.all([fundedCustomer(5 * M), fundedCustomer()]);
    const imported = await list([{ kind: 'PHONE', value: form(b.phone), severity: 'BLOCK' }]);
    expect(imported).toEqual({ imported: 1, screened: { cases: 1, frozen: 1, review: 0 } });

    expectProblem(await p2p(a, { toPhoneNumber: b.phone }), 422, 'payee-flagged');
    expectProblem(await p2p(a, { toWalletId: b.walletId }), 422, 'payee-flagged');
    expect(await balanceOf(a, a.walletId)).toBe(5 * M);
    expect(await balanceOf(b, b.walletId)).toBe(0);
  });

  it('a WARN entry on a phone steps up a transfer to that person named by wallet id (nothing frozen)', async () => {
    const [a, b] = await Promise.all([fundedCustomer(5 * M), fundedCustomer()]);
    const imported = await list([{ kind: 'PHONE', value: `84${b.phone.slice(1)}`, severity: 'WARN' }]);
    expect(imported.screened).toEqual({ cases: 1, frozen: 0, review: 1 });
    const o = await transfer(a, { type: 'P2P', walletId: a.walletId, toWalletId: b.walletId, amount: 2 * M });
    expect(o.created.json).toMatchObject({ warnings: ['payee-flagged'], authentication: { class: 'C' } });
    expect(o.final?.status).toBe('COMPLETED');
    expect(await balanceOf(b, b.walletId)).toBe(2 * M);
  });
});

describe('ID numbers and account numbers without separators (RULES.md §5)', () => {
  it("an ID number listed with spaces stops a payment to that person's wallet", async () => {
    const [a, b] = await Promise.all([fundedCustomer(5 * M), fundedCustomer()]);
    const id = b.identity.idNumber;
    await list([
      {
        kind: 'ID_NUMBER',
        value: `${id.slice(0, 3)} ${id.slice(3, 6)} ${id.slice(6, 9)} ${id.slice(9)}`,
        severity: 'BLOCK',
      },
    ]);
    expectProblem(await p2p(a, { toWalletId: b.walletId }), 422, 'payee-flagged');
    expectProblem(await p2p(a, { toPhoneNumber: b.phone }), 422, 'payee-flagged');
    expect(await balanceOf(a, a.walletId)).toBe(5 * M);
  });

  it('an account number listed with a dash stops a withdrawal to it', async () => {
    const c = await fundedCustomer(5 * M);
    const n = c.account.accountNumber;
    const imported = await list([{ kind: 'BANK_ACCOUNT', value: `${n.slice(0, 4)}-${n.slice(4)}`, severity: 'BLOCK' }]);
    // Linked accounts are kept encrypted under their wallet, with no index by number: the import
    // finds nobody, and every top-up and withdrawal screens the account instead.
    expect(imported).toEqual({ imported: 1, screened: { cases: 0, frozen: 0, review: 0 } });
    const r = await as(c)('POST', '/v1/transfers', {
      type: 'WITHDRAWAL',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: M,
    });
    expectProblem(r, 422, 'payee-flagged');
    expect(await balanceOf(c, c.walletId)).toBe(5 * M);
  });

  it('refuses an entry whose value is no identifier of its kind, and imports nothing', async () => {
    const ops = await operator();
    const r = await ops('POST', '/v1/ops/watchlist', {
      entries: [
        { kind: 'PHONE', value: 'call me maybe', severity: 'BLOCK', source: 'INTERNAL', reason: 'typo' },
        { kind: 'ID_NUMBER', value: '079 123 456 789', severity: 'WARN', source: 'INTERNAL', reason: 'ok' },
      ],
    });
    expectProblem(r, 400, 'validation-failed');
  });
});

describe('existing customers screened again when the lists change (RULES.md §5, Circular 27/2025)', () => {
  it("an ID listed after onboarding freezes all the customer's wallets at once, with a screening case", async () => {
    const [a, c] = await Promise.all([fundedCustomer(5 * M), fundedCustomer(3 * M)]);
    const second = await anotherWallet(c);
    expect(await walletStatus(c)).toBe('ACTIVE');

    const id = c.identity.idNumber;
    const imported = await list(
      [{ kind: 'ID_NUMBER', value: `${id.slice(0, 6)}.${id.slice(6)}`, severity: 'BLOCK' }],
      'SBV_SIMO',
    );
    expect(imported).toEqual({ imported: 1, screened: { cases: 1, frozen: 2, review: 0 } });
    expect(await walletStatus(c)).toBe('FROZEN');
    expect(await walletStatus(c, second.walletId)).toBe('FROZEN');

    const [open] = await screeningCasesOf(c.customerId);
    expect(open).toMatchObject({
      kind: 'SCREENING',
      status: 'OPEN',
      customerId: c.customerId,
      ruleHits: [expect.objectContaining({ rule: 'watchlistScreening' })],
      entry: { kind: 'ID_NUMBER', severity: 'BLOCK', source: 'SBV_SIMO', reason: 'reported by victims' },
    });
    expect(open).not.toHaveProperty('transferId');
    // The default queue is API.md's: held transfers, each with its transferId; kind=ALL has both.
    const ops = await operator();
    const held = (await ops('GET', '/v1/ops/cases?status=OPEN&limit=100')).json.items;
    expect(held.every((x: { kind: string; transferId?: string }) => x.kind === 'TRANSFER' && x.transferId)).toBe(true);
    const all = (await ops('GET', '/v1/ops/cases?status=OPEN&kind=ALL&limit=100')).json.items;
    expect(all.some((x: { caseId: string }) => x.caseId === open!.caseId)).toBe(true);
    expect(open!.frozenWallets.map((w) => w.walletId).sort()).toEqual([c.walletId, second.walletId].sort());
    expect(JSON.stringify(open)).not.toContain(id); // the case names the entry, never the ID number

    // Frozen: it neither sends nor receives.
    expectProblem(await p2p(c, { toWalletId: a.walletId }), 403, 'wallet-frozen');
    expectProblem(await p2p(a, { toWalletId: c.walletId }), 422, 'payee-flagged');

    // The freeze is on record: the order's authority is the list, and the audit trail has it.
    const audit = await ops('GET', `/v1/ops/audit?subject=${c.walletId}`);
    expect(audit.json.items).toContainEqual(
      expect.objectContaining({
        action: 'WATCHLIST_SCREENING',
        purpose: expect.objectContaining({ reference: open!.caseId }),
      }),
    );

    // The same import again screens nobody twice.
    expect((await list([{ kind: 'ID_NUMBER', value: id, severity: 'BLOCK' }], 'SBV_SIMO')).screened).toEqual({
      cases: 0,
      frozen: 0,
      review: 0,
    });
    expect(await screeningCasesOf(c.customerId)).toHaveLength(1);

    // REJECT: the match is confirmed, the wallets stay frozen.
    const rejected = await ops('POST', `/v1/ops/cases/${open!.caseId}/decision`, {
      decision: 'REJECT',
      note: 'confirmed with the SIMO report',
    });
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    expect(rejected.json.case).toMatchObject({ kind: 'SCREENING', status: 'REJECTED', decidedBy: ops.sub });
    expect(await walletStatus(c)).toBe('FROZEN');
    expect(await walletStatus(c, second.walletId)).toBe('FROZEN');
    expectProblem(
      await ops('POST', `/v1/ops/cases/${open!.caseId}/decision`, { decision: 'RELEASE', note: 'again' }),
      409,
      'case-decided',
    );
    expect(await screeningCasesOf(c.customerId, 'REJECTED')).toHaveLength(1);
  });

  it("a BLOCK entry on one wallet freezes all its owner's wallets", async () => {
    const c = await fundedCustomer();
    const second = await anotherWallet(c);
    const imported = await list([{ kind: 'WALLET', value: second.walletId.toLowerCase(), severity: 'BLOCK' }]);
    expect(imported.screened).toEqual({ cases: 1, frozen: 2, review: 0 });
    expect(await walletStatus(c)).toBe('FROZEN');
    expect(await walletStatus(c, second.walletId)).toBe('FROZEN');
  });

  it('RELEASE (a false positive) lifts the freeze and clears the entry for that customer only', async () => {
    const [a, c] = await Promise.all([fundedCustomer(5 * M), fundedCustomer(2 * M)]);
    await list([{ kind: 'PHONE', value: c.phone, severity: 'BLOCK' }]);
    expect(await walletStatus(c)).toBe('FROZEN');
    const [open] = await screeningCasesOf(c.customerId);

    const ops = await operator();
    const released = await ops('POST', `/v1/ops/cases/${open!.caseId}/decision`, {
      decision: 'RELEASE',
      note: 'recycled number: the listed subscriber is someone else',
    });
    expect(released.status, JSON.stringify(released.json)).toBe(200);
    expect(released.json).toMatchObject({
      case: { status: 'RELEASED' },
      wallets: [{ walletId: c.walletId, status: 'ACTIVE' }],
    });
    expect(await walletStatus(c)).toBe('ACTIVE');

    // Cleared for this customer: the entry no longer counts against them either way.
    const o = await transfer(a, { type: 'P2P', walletId: a.walletId, toWalletId: c.walletId, amount: M });
    expect(o.created.json).not.toHaveProperty('warnings');
    expect(o.final?.status).toBe('COMPLETED');
    const out = await transfer(c, { type: 'P2P', walletId: c.walletId, toWalletId: a.walletId, amount: M });
    expect(out.final?.status).toBe('COMPLETED');
    // …and the next import of the list does not screen them again for it.
    expect((await list([{ kind: 'PHONE', value: spaced(c.phone), severity: 'BLOCK' }])).screened.cases).toBe(0);
    expect(await walletStatus(c)).toBe('ACTIVE');
    const trail = await ops('GET', `/v1/ops/audit?subject=${c.walletId}`);
    expect(trail.json.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['WATCHLIST_SCREENING', 'CASE_DECISION']),
    );
  });

  it('RELEASE leaves a wallet frozen while another order holds it (here another screening not released)', async () => {
    const c = await fundedCustomer();
    await list([{ kind: 'WALLET', value: c.walletId, severity: 'BLOCK' }]);
    // Another list names the same customer by phone: the wallet is frozen already, the order is recorded.
    expect((await list([{ kind: 'PHONE', value: c.phone, severity: 'BLOCK' }], 'SBV_SIMO')).screened).toEqual({
      cases: 1,
      frozen: 0,
      review: 0,
    });
    const cases = await screeningCasesOf(c.customerId);
    const byWallet = cases.find((x) => x.entry.kind === 'WALLET')!;
    const byPhone = cases.find((x) => x.entry.kind === 'PHONE')!;
    expect(byPhone.frozenWallets).toEqual([{ walletId: c.walletId, previousStatus: 'FROZEN' }]);

    const ops = await operator();
    const first = await ops('POST', `/v1/ops/cases/${byWallet.caseId}/decision`, {
      decision: 'RELEASE',
      note: 'not the listed wallet',
    });
    expect(first.json).toMatchObject({
      case: { status: 'RELEASED' },
      wallets: [{ walletId: c.walletId, status: 'FROZEN' }],
    });
    expect(await walletStatus(c)).toBe('FROZEN');

    const second = await ops('POST', `/v1/ops/cases/${byPhone.caseId}/decision`, {
      decision: 'RELEASE',
      note: 'recycled number',
    });
    // Nothing holds it any more: the last release lifts the freeze.
    expect(second.json).toMatchObject({
      case: { status: 'RELEASED' },
      wallets: [{ walletId: c.walletId, status: 'ACTIVE' }],
    });
    expect(await walletStatus(c)).toBe('ACTIVE');
  });

  it('a WARN entry marks the customer for review: a case, no freeze', async () => {
    const c = await fundedCustomer();
    const id = c.identity.idNumber;
    const imported = await list([{ kind: 'ID_NUMBER', value: `${id.slice(0, 3)}-${id.slice(3)}`, severity: 'WARN' }]);
    expect(imported).toEqual({ imported: 1, screened: { cases: 1, frozen: 0, review: 1 } });
    expect(await walletStatus(c)).toBe('ACTIVE');
    const [open] = await screeningCasesOf(c.customerId);
    expect(open).toMatchObject({
      kind: 'SCREENING',
      entry: { kind: 'ID_NUMBER', severity: 'WARN' },
      frozenWallets: [],
    });

    // Raised to BLOCK later: a new case, and now the wallets freeze.
    const raised = await list([{ kind: 'ID_NUMBER', value: id, severity: 'BLOCK' }]);
    expect(raised.screened).toEqual({ cases: 1, frozen: 1, review: 0 });
    expect(await walletStatus(c)).toBe('FROZEN');
    expect(await screeningCasesOf(c.customerId)).toHaveLength(2);
  });
});

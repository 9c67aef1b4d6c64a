import { describe, expect, it } from 'vitest';
import {
  type AuthenticationClass,
  type Factor,
  requiredFactors,
} from '../../functions/core/domain/authentication-class.ts';
import { type AuditRecord, type CommitPlan, checkPlan } from '../../functions/core/domain/commit-plan.ts';
import type { Customer } from '../../functions/core/domain/customer.ts';
import type { Refusal } from '../../functions/core/domain/refusals.ts';
import { defaultRiskConfig, type RiskConfig } from '../../functions/core/domain/risk/config.ts';
import { noRiskInputs, type RiskInputs } from '../../functions/core/domain/risk/inputs.ts';
import type { RiskCase } from '../../functions/core/domain/risk-case.ts';
import type { Challenge, Transfer } from '../../functions/core/domain/transfer.ts';
import {
  type Commit,
  type Decision,
  decide,
  type TransferEvent,
  type TransferRequest,
  type TransferSnapshot,
} from '../../functions/core/domain/transfer-machine.ts';
import type { Wallet } from '../../functions/core/domain/wallet.ts';

// The planner alone, on hand-built snapshots: every branch of `decide`. Every commit it returns is
// checked against `checkPlan` (what the adapter asserts again) and its postings must sum to zero.

const M = 1_000_000;
const B = 1_000_000_000;
const NOW = new Date('2026-11-10T03:00:00.000Z'); // 10:00 in Hanoi
const TODAY = '2026-11-10';
const MONTH = '2026-11';
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

// --- fixtures ----------------------------------------------------------------------------------

const alice = (o: Partial<Customer> = {}): Customer => ({
  customerId: 'alice',
  phoneNumber: '+84912345678',
  status: 'VERIFIED',
  kind: 'INDIVIDUAL',
  createdAt: '2026-10-01T00:00:00.000Z',
  identity: {
    fullName: 'Nguyen Thi Alice',
    nationality: 'VN',
    idNumberHash: 'h',
    idNumberMask: '*********123',
    idNumberEnc: 'e',
    dateOfBirthEnc: 'e',
    idExpiryDate: '2035-05-17',
  },
  ...o,
});

const acme = (): Customer => ({
  customerId: 'acme',
  phoneNumber: '+84281234567',
  status: 'VERIFIED',
  kind: 'ORGANIZATION',
  createdAt: '2026-10-01T00:00:00.000Z',
});

const wallet = (o: Partial<Wallet> = {}): Wallet => ({
  walletId: 'W-ALICE',
  ownerId: 'alice',
  ownerKind: 'INDIVIDUAL',
  merchant: false,
  status: 'ACTIVE',
  balance: 50 * M,
  currency: 'VND',
  createdAt: '2026-10-01T00:00:00.000Z',
  activeLinks: 1,
  version: 7,
  ...o,
});
const bob = (o: Partial<Wallet> = {}) =>
  wallet({ walletId: 'W-BOB', ownerId: 'bob', balance: 1 * M, version: 3, ...o });
const aliceSavings = () => wallet({ walletId: 'W-ALICE-2', balance: 0, version: 1 });
const shop = (o: Partial<Wallet> = {}) =>
  wallet({
    walletId: 'W-SHOP',
    ownerId: 'shop',
    ownerKind: 'ORGANIZATION',
    merchant: true,
    balance: 0,
    version: 12,
    ...o,
  });
const acmeWallet = (o: Partial<Wallet> = {}) =>
  wallet({ walletId: 'W-ACME', ownerId: 'acme', ownerKind: 'ORGANIZATION', balance: 3 * B, ...o });

/** Alice's wallet with today's I.3 counters (T and Tksth of RULES.md §2). */
const withCounters = (total: number, totalAB: number, day = TODAY) =>
  wallet({ counterDay: day, counters: { 'I.3': { total, totalAB } } });

const p2p = (amount: number, toWalletId = 'W-BOB'): TransferRequest => ({
  type: 'P2P',
  walletId: 'W-ALICE',
  amount,
  toWalletId,
});
const payment = (amount: number): TransferRequest => ({
  type: 'PAYMENT',
  walletId: 'W-ALICE',
  amount,
  merchantId: 'W-SHOP',
});
const withdrawal = (amount: number): TransferRequest => ({
  type: 'WITHDRAWAL',
  walletId: 'W-ALICE',
  amount,
  linkId: 'L-ALICE',
});
const topup = (amount: number): TransferRequest => ({ type: 'TOPUP', walletId: 'W-ALICE', amount, linkId: 'L-ALICE' });

const create = (request: TransferRequest, customerId = 'alice'): TransferEvent => ({
  kind: 'create',
  transferId: 'T1',
  customerId,
  deviceId: `${customerId}-phone`,
  request,
  requestHash: 'hash-1',
});

/** What creation reads: a verified customer on a trusted device, her wallet, an ACTIVE link. */
const creating = (o: Partial<TransferSnapshot> = {}): TransferSnapshot => ({
  now: NOW,
  customer: alice(),
  device: { trusted: true },
  payer: wallet(),
  link: { status: 'ACTIVE' },
  monthlyUsed: 0,
  risk: noRiskInputs(),
  ...o,
});

const challengeOf = (cls: AuthenticationClass, o: Partial<Challenge> = {}): Challenge => ({
  challengeId: 'CH1',
  class: cls,
  methods: requiredFactors(cls, 'INDIVIDUAL'),
  expiresAt: at(4 * 60_000),
  otpHash: 'otp-hash',
  attempts: 1,
  ...o,
});

/** Alice's P2P of 5M to Bob, waiting for its OTP since a minute (class B, RULES.md vector 1). */
const waiting = (o: Partial<Transfer> = {}): Transfer => ({
  transferId: 'T1',
  type: 'P2P',
  status: 'REQUIRES_AUTHENTICATION',
  walletId: 'W-ALICE',
  customerId: 'alice',
  customerKind: 'INDIVIDUAL',
  amount: 5 * M,
  group: 'I.3',
  class: 'B',
  deviceId: 'alice-phone',
  toWalletId: 'W-BOB',
  payeeCustomerId: 'bob',
  riskDecision: 'ALLOW',
  requestHash: 'hash-1',
  createdAt: at(-60_000),
  challenge: challengeOf('B'),
  firstAnswer: { status: 'REQUIRES_AUTHENTICATION' },
  ...o,
});

const authorizing = (o: Partial<TransferSnapshot> = {}): TransferSnapshot => ({
  now: NOW,
  transfer: waiting(),
  customer: alice(),
  device: { trusted: true },
  payer: wallet(),
  payee: bob(),
  monthlyUsed: 0,
  ...o,
});

const authorize = (provided: Factor[], verified?: AuthenticationClass): TransferEvent => ({
  kind: 'authorize',
  customerId: 'alice',
  provided,
  ...(verified ? { verified } : {}),
});

const hits = [{ rule: 'accountTakeover', score: 80, reason: 'Sends 5,000,000 VND to a new payee from a new device.' }];

/** A transfer held for review, its money (unless a top-up) in RISK_HOLD. */
const held = (o: Partial<Transfer> = {}): Transfer =>
  waiting({
    status: 'HELD',
    riskDecision: 'HOLD',
    ruleHits: hits,
    caseId: 'CT1',
    authenticatedClass: 'B',
    monthCounted: MONTH,
    ...o,
  });

const openCase = (o: Partial<RiskCase> = {}): RiskCase => ({
  caseId: 'CT1',
  transferId: 'T1',
  walletId: 'W-ALICE',
  customerId: 'alice',
  amount: 5 * M,
  status: 'OPEN',
  ruleHits: hits,
  createdAt: at(-3_600_000),
  ...o,
});

const audit: AuditRecord = {
  auditId: 'AUDIT1',
  actor: 'operator-7',
  actorGroups: ['operators'],
  action: 'CASE_DECISION',
  subjects: ['CT1', 'W-ALICE', 'T1'],
  purpose: { route: 'POST /v1/ops/cases/{caseId}/decision', reason: 'checked with the customer' },
  at: NOW.toISOString(),
};

const deciding = (o: Partial<TransferSnapshot> = {}): TransferSnapshot => ({
  now: NOW,
  transfer: held(),
  riskCase: openCase(),
  payer: wallet({ balance: 45 * M }),
  payee: bob(),
  monthlyUsed: 5 * M,
  ...o,
});

const caseDecision = (decision: 'RELEASE' | 'REJECT'): TransferEvent => ({
  kind: 'case-decision',
  decision,
  note: 'checked with the customer',
  audit,
});

const processing = (o: Partial<Transfer> = {}): Transfer =>
  waiting({
    type: 'TOPUP',
    status: 'PROCESSING',
    amount: 10 * M,
    class: 'A',
    linkId: 'L-ALICE',
    toWalletId: undefined,
    payeeCustomerId: undefined,
    challenge: undefined,
    authenticatedClass: 'A',
    processingSince: at(-10 * 60_000),
    ...o,
  });

// --- what every decision is checked for ----------------------------------------------------------

/** A commit, its plan valid (checkPlan) and its postings summing to zero. */
function committed(d: Decision): Commit {
  if (d.kind !== 'commit') throw new Error(`expected a commit, got ${d.kind}`);
  expect(() => checkPlan(d.plan)).not.toThrow();
  expect([...d.plan.wallets, ...d.plan.system].reduce((sum, m) => sum + m.amount, 0)).toBe(0);
  return d;
}

/** Each account the plan posts to, with its signed amount. */
const money = (plan: CommitPlan): Record<string, number> =>
  Object.fromEntries([
    ...plan.wallets.map((m) => [m.wallet.walletId, m.amount]),
    ...plan.system.map((m) => [m.account, m.amount]),
  ]);

function refused(d: Decision): Refusal {
  if (d.kind !== 'refuse') throw new Error(`expected a refusal, got ${d.kind}`);
  return d.refusal;
}

/** A refusal at creation: only the answer is kept, under the key's transfer id; nothing moves. */
function refusedAtCreation(d: Decision, { customerId = 'alice', now = NOW } = {}): Refusal {
  const c = committed(d);
  expect(c.refusal).toBeDefined();
  expect(c.transfer).toBeUndefined();
  expect(c.plan.wallets).toEqual([]);
  expect(c.plan.system).toEqual([]);
  expect(c.plan.monthly).toBeUndefined();
  expect(c.plan.transfer).toEqual({
    refusal: {
      transferId: 'T1',
      customerId,
      requestHash: 'hash-1',
      reason: c.refusal!.reason,
      detail: c.refusal!.detail,
      facts: { ...c.refusal!.facts },
      at: now.toISOString(),
    },
  });
  return c.refusal!;
}

function challenged(d: Decision): Extract<Decision, { kind: 'challenge' }> {
  if (d.kind !== 'challenge') throw new Error(`expected a challenge, got ${d.kind}`);
  return d;
}

/** The transfer a commit creates. */
function created(c: Commit): Transfer {
  if (!c.plan.transfer || !('create' in c.plan.transfer)) throw new Error('the plan creates no transfer');
  return c.plan.transfer.create;
}

/** The state change a commit makes. */
function updated(c: Commit) {
  if (!c.plan.transfer || !('update' in c.plan.transfer)) throw new Error('the plan updates no transfer');
  return c.plan.transfer.update;
}

// =================================================================================================

describe('create: who may pay (RULES.md §4, §5, §6)', () => {
  it.each([
    ['REGISTERED', alice({ status: 'REGISTERED' })],
    ['REJECTED', alice({ status: 'REJECTED' })],
    ['REVERIFICATION_REQUIRED', alice({ status: 'REVERIFICATION_REQUIRED' })],
  ] as const)('refuses kyc-required to a %s customer, and keeps the answer for the key', (_, customer) => {
    const r = refusedAtCreation(decide(creating({ customer }), create(p2p(1 * M))));
    expect(r.reason).toBe('kyc-required');
  });

  it('refuses kyc-required when the customer record is missing', () => {
    const { customer: _none, ...snapshot } = creating();
    expect(refusedAtCreation(decide(snapshot, create(p2p(1 * M)))).reason).toBe('kyc-required');
  });

  it('counts an ID as expired from the day after its expiry date in Hanoi, although UTC is still on that day', () => {
    const customer = alice({ identity: { ...alice().identity!, idExpiryDate: '2026-11-10' } });
    // 23:59:59 on 10 November in Hanoi: the ID is valid through its expiry date.
    const lastSecond = decide(
      creating({ customer, payee: bob(), now: new Date('2026-11-10T16:59:59.000Z') }),
      create(p2p(1 * M)),
    );
    expect(lastSecond.kind).toBe('challenge');
    // 00:00 on 11 November in Hanoi, still 10 November in UTC: expired today.
    const hanoiMidnight = new Date('2026-11-10T17:00:00.000Z');
    const midnight = decide(creating({ customer, payee: bob(), now: hanoiMidnight }), create(p2p(1 * M)));
    expect(refusedAtCreation(midnight, { now: hanoiMidnight }).reason).toBe('kyc-required');
  });

  it('checks KYC before anything else, whatever wallet id was sent', () => {
    const r = decide(
      creating({ customer: alice({ status: 'REGISTERED' }), payer: bob(), device: { trusted: false } }),
      create(p2p(1 * M)),
    );
    expect(refusedAtCreation(r).reason).toBe('kyc-required');
  });

  it("answers wallet-not-found for another customer's wallet, as if it did not exist", () => {
    expect(refusedAtCreation(decide(creating({ payer: bob() }), create(p2p(1 * M)))).reason).toBe('wallet-not-found');
    const { payer: _none, ...noWallet } = creating();
    expect(refusedAtCreation(decide(noWallet, create(p2p(1 * M)))).reason).toBe('wallet-not-found');
  });

  it('refuses device-not-trusted from an untrusted or unknown device (RULES.md §4)', () => {
    expect(refusedAtCreation(decide(creating({ device: { trusted: false } }), create(p2p(1 * M)))).reason).toBe(
      'device-not-trusted',
    );
    const { device: _none, ...unknown } = creating();
    expect(refusedAtCreation(decide(unknown, create(p2p(1 * M)))).reason).toBe('device-not-trusted');
  });

  it.each([
    ['PENDING_LINK', 'wallet-pending-link'],
    ['LOCKED', 'wallet-locked'],
    ['FROZEN', 'wallet-frozen'],
    ['CLOSED', 'wallet-closed'],
  ] as const)('refuses a payer wallet that is %s with %s', (status, reason) => {
    for (const request of [p2p(1 * M), payment(1 * M), withdrawal(1 * M), topup(1 * M)]) {
      const payer = wallet({ status });
      const r = decide(creating({ payer, payee: request.type === 'PAYMENT' ? shop() : bob() }), create(request));
      expect(refusedAtCreation(r).reason).toBe(reason);
    }
  });

  it.each([
    ['TOPUP', 'no link', undefined],
    ['TOPUP', 'a REMOVED link', { status: 'REMOVED' as const }],
    ['WITHDRAWAL', 'no link', undefined],
    ['WITHDRAWAL', 'a REMOVED link', { status: 'REMOVED' as const }],
  ] as const)('refuses a %s with %s: link-required (Decree 52 Art. 6)', (type, _, link) => {
    const { link: _drop, ...base } = creating();
    const request = type === 'TOPUP' ? topup(1 * M) : withdrawal(1 * M);
    expect(refusedAtCreation(decide({ ...base, ...(link ? { link } : {}) }, create(request))).reason).toBe(
      'link-required',
    );
  });

  it('refuses payee-not-found for an unknown payee, and for a PAYMENT to a wallet that is not a merchant', () => {
    expect(refusedAtCreation(decide(creating(), create(p2p(1 * M, 'W-NOBODY')))).reason).toBe('payee-not-found');
    const toPerson = decide(creating({ payee: bob() }), create({ ...payment(1 * M), merchantId: 'W-BOB' }));
    expect(refusedAtCreation(toPerson).reason).toBe('payee-not-found');
  });

  it('refuses self-transfer from a wallet to itself', () => {
    const r = decide(creating({ payee: wallet() }), create(p2p(1 * M, 'W-ALICE')));
    expect(refusedAtCreation(r).reason).toBe('self-transfer');
  });

  it.each(['PENDING_LINK', 'LOCKED', 'FROZEN', 'CLOSED'] as const)(
    'refuses payee-not-active to a %s payee',
    (status) => {
      expect(refusedAtCreation(decide(creating({ payee: bob({ status }) }), create(p2p(1 * M)))).reason).toBe(
        'payee-not-active',
      );
      const r = decide(creating({ payee: shop({ status }) }), create(payment(1 * M)));
      expect(refusedAtCreation(r).reason).toBe('payee-not-active');
    },
  );
});

describe('create: funds and the monthly cap (Circular 40, RULES.md §6)', () => {
  it('refuses insufficient-funds for more than the balance (no overdraft), but lets the whole balance go', () => {
    const poor = wallet({ balance: 2 * M });
    expect(refusedAtCreation(decide(creating({ payer: poor, payee: bob() }), create(p2p(2 * M + 1)))).reason).toBe(
      'insufficient-funds',
    );
    expect(refusedAtCreation(decide(creating({ payer: poor }), create(withdrawal(2 * M + 1)))).reason).toBe(
      'insufficient-funds',
    );
    expect(decide(creating({ payer: poor, payee: bob() }), create(p2p(2 * M))).kind).toBe('challenge');
  });

  it('does not ask an empty wallet to hold the amount of a top-up', () => {
    const d = committed(decide(creating({ payer: wallet({ balance: 0 }) }), create(topup(1 * M))));
    expect(d.transfer?.status).toBe('PROCESSING');
  });

  it('refuses monthly-limit-exceeded past 100M with the room left, and allows exactly up to the cap', () => {
    const r = refusedAtCreation(decide(creating({ payee: bob(), monthlyUsed: 97 * M }), create(p2p(5 * M))));
    expect(r.reason).toBe('monthly-limit-exceeded');
    expect(r.facts).toEqual({ monthlyRemaining: 3 * M });
    const pay = refusedAtCreation(decide(creating({ payee: shop(), monthlyUsed: 97 * M }), create(payment(5 * M))));
    expect(pay.facts).toEqual({ monthlyRemaining: 3 * M });
    expect(decide(creating({ payee: bob(), monthlyUsed: 95 * M }), create(p2p(5 * M))).kind).toBe('challenge');
  });

  it('never answers a negative room when the month is already past the cap', () => {
    const r = refusedAtCreation(decide(creating({ payee: bob(), monthlyUsed: 100 * M + 7 }), create(p2p(1))));
    expect(r.facts).toEqual({ monthlyRemaining: 0 });
  });

  it('leaves own-wallet moves, withdrawals, top-ups and organisations out of the cap', () => {
    const full = { monthlyUsed: 100 * M };
    expect(
      committed(decide(creating({ ...full, payee: aliceSavings() }), create(p2p(3 * M, 'W-ALICE-2')))).refusal,
    ).toBeUndefined();
    expect(committed(decide(creating(full), create(withdrawal(3 * M)))).refusal).toBeUndefined();
    expect(committed(decide(creating(full), create(topup(3 * M)))).refusal).toBeUndefined();
    const org = creating({ ...full, customer: acme(), payer: acmeWallet(), payee: bob() });
    expect(decide(org, create({ ...p2p(5 * M), walletId: 'W-ACME' }, 'acme')).kind).toBe('challenge');
  });
});

describe('create: class A posts at once (RULES.md §2)', () => {
  it('moves a P2P between own wallets (group I.1) at once: COMPLETED, outside the monthly cap', () => {
    const d = committed(decide(creating({ payee: aliceSavings() }), create(p2p(3 * M, 'W-ALICE-2'))));
    expect(money(d.plan)).toEqual({ 'W-ALICE': -3 * M, 'W-ALICE-2': 3 * M });
    expect(d.plan.monthly).toBeUndefined();
    const [payer, payee] = d.plan.wallets;
    expect(payer).toMatchObject({
      requireActive: true,
      entry: { transferId: 'T1', type: 'P2P', counterparty: 'W-ALICE-2' },
      counters: { day: TODAY, group: 'I.1', next: { total: 3 * M, totalAB: 3 * M } },
    });
    expect(payer?.wallet.version).toBe(7);
    expect(payee).toMatchObject({
      requireActive: true,
      entry: { transferId: 'T1', type: 'P2P', counterparty: 'W-ALICE' },
    });
    expect(payee?.counters).toBeUndefined();
    expect(d.transfer).toMatchObject({ status: 'COMPLETED', group: 'I.1', class: 'A', authenticatedClass: 'A' });
    expect(d.transfer?.completedAt).toBe(NOW.toISOString());
    expect(created(d)).toMatchObject({ status: 'COMPLETED', firstAnswer: { status: 'COMPLETED' } });
    expect(d.toBank).toBeUndefined();
  });

  it('pays a merchant up to 5M (G+T inclusive) at once and counts it toward the month', () => {
    const d = committed(decide(creating({ payee: shop() }), create(payment(5 * M))));
    expect(money(d.plan)).toEqual({ 'W-ALICE': -5 * M, 'W-SHOP': 5 * M });
    expect(d.plan.monthly).toEqual({ customerId: 'alice', month: MONTH, amount: 5 * M, cap: 100 * M });
    expect(d.transfer).toMatchObject({ status: 'COMPLETED', group: 'I.2', monthCounted: MONTH, merchantId: 'W-SHOP' });
    expect(d.plan.wallets[0]?.counters).toEqual({ day: TODAY, group: 'I.2', next: { total: 5 * M, totalAB: 5 * M } });
  });

  it('reserves a withdrawal of up to 10M with the linked bank in BANK_CLEARING and hands it to the bank', () => {
    const d = committed(decide(creating(), create(withdrawal(10 * M))));
    expect(money(d.plan)).toEqual({ 'W-ALICE': -10 * M, BANK_CLEARING: 10 * M });
    expect(d.plan.wallets[0]).toMatchObject({ requireActive: true, entry: { type: 'WITHDRAWAL' } });
    expect(d.plan.wallets[0]?.counters).toEqual({ day: TODAY, group: 'I.3', next: { total: 10 * M, totalAB: 10 * M } });
    expect(d.plan.monthly).toBeUndefined();
    expect(d.transfer).toMatchObject({ status: 'PROCESSING', processingSince: NOW.toISOString(), linkId: 'L-ALICE' });
    expect(d.toBank).toBe(true);
  });

  it('sends a top-up of up to 10M to the bank with nothing posted yet, outside the day counters', () => {
    const d = committed(decide(creating(), create(topup(10 * M))));
    expect(d.plan.wallets).toEqual([]);
    expect(d.plan.system).toEqual([]);
    expect(d.plan.monthly).toBeUndefined();
    expect(d.transfer).toMatchObject({ status: 'PROCESSING', class: 'A', processingSince: NOW.toISOString() });
    expect(d.toBank).toBe(true);
  });

  it("moves an organisation's money between its own wallets (group II.1) at once", () => {
    const snapshot = creating({
      customer: acme(),
      payer: acmeWallet(),
      payee: acmeWallet({ walletId: 'W-ACME-2', balance: 0 }),
    });
    const d = committed(decide(snapshot, create({ ...p2p(2 * B, 'W-ACME-2'), walletId: 'W-ACME' }, 'acme')));
    expect(d.transfer).toMatchObject({ status: 'COMPLETED', group: 'II.1', class: 'A' });
    expect(d.plan.monthly).toBeUndefined();
  });
});

describe('create: class B and above ask for the factors of RULES.md §3', () => {
  it.each([
    ['1', 0, 0, 5_000_000, 'B'],
    ['2', 5 * M, 5 * M, 10_000_000, 'B'],
    ['3', 15 * M, 15 * M, 6_000_000, 'C'],
    ['4', 21 * M, 0, 3_000_000, 'B'],
    ['4b', 24 * M, 3 * M, 5_000_000, 'B'],
    ['5', 0, 0, 10_000_001, 'C'],
  ] as const)('RULES.md vector %s: T = %i, Tksth = %i, G = %i → class %s', (_, total, totalAB, amount, cls) => {
    const d = challenged(decide(creating({ payer: withCounters(total, totalAB), payee: bob() }), create(p2p(amount))));
    expect(d.class).toBe(cls);
    expect(d.methods).toEqual(cls === 'B' ? ['OTP'] : ['OTP', 'BIOMETRIC']);
  });

  it('RULES.md vector 6: G = 500,000,001 is class D (here a withdrawal: a P2P that size passes the monthly cap)', () => {
    const rich = wallet({ balance: 600 * M });
    const d = challenged(decide(creating({ payer: rich }), create(withdrawal(500 * M + 1))));
    expect(d.class).toBe('D');
    expect(d.methods).toEqual(['SOFT_OTP', 'BIOMETRIC']);
    expect(refusedAtCreation(decide(creating({ payer: rich, payee: bob() }), create(p2p(500 * M + 1)))).reason).toBe(
      'monthly-limit-exceeded',
    );
  });

  it("forgets yesterday's counters: vector 3's totals dated yesterday leave 6M in class B", () => {
    const d = challenged(
      decide(creating({ payer: withCounters(15 * M, 15 * M, '2026-11-09'), payee: bob() }), create(p2p(6 * M))),
    );
    expect(d.class).toBe('B');
  });

  it('asks organisations for SOFT_OTP in classes C and D, never a biometric (group II.2)', () => {
    const org = creating({ customer: acme(), payer: acmeWallet(), payee: bob() });
    const c = challenged(decide(org, create({ ...p2p(5 * M), walletId: 'W-ACME' }, 'acme')));
    expect([c.class, c.methods]).toEqual(['C', ['SOFT_OTP']]);
    const d = challenged(decide(org, create({ ...p2p(1 * B + 1), walletId: 'W-ACME' }, 'acme')));
    expect([d.class, d.methods]).toEqual(['D', ['SOFT_OTP']]);
  });

  it('stores the transfer waiting for its factors, with the first answer the key will replay', () => {
    const d = challenged(decide(creating({ payee: bob() }), create(p2p(5 * M))));
    const challenge = challengeOf('B', { attempts: 0, expiresAt: at(5 * 60_000) });
    const c = committed(d.commit(challenge));
    expect(c.plan.wallets).toEqual([]);
    expect(c.plan.monthly).toBeUndefined();
    expect(c.plan.token).toBe('T1:challenge:CH1');
    expect(created(c)).toMatchObject({
      transferId: 'T1',
      status: 'REQUIRES_AUTHENTICATION',
      class: 'B',
      challenge,
      requestHash: 'hash-1',
      payeeCustomerId: 'bob',
      firstAnswer: {
        status: 'REQUIRES_AUTHENTICATION',
        challenge: { challengeId: 'CH1', class: 'B', expiresAt: challenge.expiresAt },
      },
    });
    expect(c.transfer?.status).toBe('REQUIRES_AUTHENTICATION');
    expect(c.toBank).toBeUndefined();
  });
});

describe('create: the risk engine (RULES.md §7)', () => {
  const risk = (o: Partial<RiskInputs>): RiskInputs => ({ ...noRiskInputs(), ...o });
  /** A device trusted by a challenge an hour ago, and no payment history: the account-takeover pattern. */
  const takeover = risk({ device: { trustedAt: at(-3_600_000), trustedVia: 'CHALLENGE' } });
  /** Thresholds under which a WARN hit alone holds the transfer. */
  // A configuration in which the dormancy rule (no step-up of its own) holds every transfer.
  const dormantHolds: RiskConfig = {
    ...defaultRiskConfig,
    dormantLargeMove: { idleDays: 0, minMovedInDay: 0, score: 70 },
  };

  it('keeps a transfer to a BLOCK-listed payee as REJECTED with its hits, and answers payee-flagged', () => {
    const d = committed(
      decide(creating({ payee: bob(), risk: risk({ watch: { payee: 'BLOCK' } }) }), create(p2p(5 * M))),
    );
    expect(d.refusal?.reason).toBe('payee-flagged');
    expect(d.refusal?.facts).toEqual({ transferId: 'T1' });
    expect(d.plan.wallets).toEqual([]);
    expect(d.plan.monthly).toBeUndefined();
    const t = created(d);
    expect(t).toMatchObject({
      status: 'REJECTED',
      failureCode: 'payee-flagged',
      riskDecision: 'BLOCK',
      completedAt: NOW.toISOString(),
      firstAnswer: { refusal: { reason: 'payee-flagged', facts: { transferId: 'T1' } } },
    });
    expect(t.ruleHits?.map((h) => h.rule)).toEqual(['watchlistPayee']);
  });

  it('answers risk-blocked, not payee-flagged, when the payer is BLOCK-listed (no tip-off)', () => {
    const d = committed(
      decide(creating({ payee: bob(), risk: risk({ watch: { payer: 'BLOCK' } }) }), create(p2p(5 * M))),
    );
    expect(d.refusal?.reason).toBe('risk-blocked');
    expect(created(d)).toMatchObject({ status: 'REJECTED', failureCode: 'risk-blocked' });
  });

  it('raises a WARN-listed payee to class C with the payee-flagged warning, even from class A', () => {
    const warned = risk({ watch: { payee: 'WARN' } });
    const fromB = challenged(decide(creating({ payee: bob(), risk: warned }), create(p2p(5 * M))));
    expect([fromB.class, fromB.methods]).toEqual(['C', ['OTP', 'BIOMETRIC']]);
    const t = fromB.commit(challengeOf('C')).transfer!;
    expect(t).toMatchObject({ class: 'C', riskDecision: 'STEP_UP', warnings: ['payee-flagged'] });
    const fromA = challenged(decide(creating({ payee: shop(), risk: warned }), create(payment(1 * M))));
    expect(fromA.class).toBe('C');
  });

  it('holds a class A payment: the money waits in RISK_HOLD, a case is opened, the month counts it', () => {
    const d = committed(decide(creating({ payee: shop(), risk: takeover }), create(payment(5 * M))));
    expect(money(d.plan)).toEqual({ 'W-ALICE': -5 * M, RISK_HOLD: 5 * M });
    expect(d.plan.wallets[0]).toMatchObject({
      requireActive: true,
      entry: { type: 'PAYMENT', counterparty: 'W-SHOP' },
    });
    expect(d.plan.monthly).toEqual({ customerId: 'alice', month: MONTH, amount: 5 * M, cap: 100 * M });
    expect(d.plan.riskCase).toEqual({
      open: {
        caseId: 'CT1',
        transferId: 'T1',
        walletId: 'W-ALICE',
        customerId: 'alice',
        amount: 5 * M,
        status: 'OPEN',
        ruleHits: [expect.objectContaining({ rule: 'accountTakeover', score: 80 })],
        createdAt: NOW.toISOString(),
      },
    });
    expect(d.transfer).toMatchObject({ status: 'HELD', caseId: 'CT1', monthCounted: MONTH, riskDecision: 'HOLD' });
    expect(created(d).firstAnswer).toEqual({ status: 'HELD' });
    expect(d.toBank).toBeUndefined();
    expect(d.refusal).toBeUndefined();
  });

  it('holds a withdrawal in RISK_HOLD, not BANK_CLEARING, and does not send it to the bank', () => {
    const d = committed(decide(creating(), create(withdrawal(5 * M)), dormantHolds));
    expect(money(d.plan)).toEqual({ 'W-ALICE': -5 * M, RISK_HOLD: 5 * M });
    expect(d.plan.monthly).toBeUndefined();
    expect(d.plan.riskCase && 'open' in d.plan.riskCase).toBe(true);
    expect(d.transfer).toMatchObject({ status: 'HELD', caseId: 'CT1' });
    expect(d.transfer?.monthCounted).toBeUndefined();
    expect(d.transfer?.processingSince).toBeUndefined();
    expect(d.toBank).toBeUndefined();
  });

  it('holds a top-up without pulling it: nothing moves, a case is opened', () => {
    const d = committed(decide(creating(), create(topup(5 * M)), dormantHolds));
    expect(d.plan.wallets).toEqual([]);
    expect(d.plan.system).toEqual([]);
    expect(d.plan.monthly).toBeUndefined();
    expect(d.plan.riskCase).toMatchObject({ open: { caseId: 'CT1', status: 'OPEN', amount: 5 * M } });
    expect(d.transfer).toMatchObject({ status: 'HELD', caseId: 'CT1' });
    expect(d.toBank).toBeUndefined();
  });

  it('asks a held class B transfer for its factors first: nothing is held before authentication', () => {
    const d = challenged(decide(creating({ payee: bob(), risk: takeover }), create(p2p(5 * M))));
    expect(d.class).toBe('B');
    expect(d.commit(challengeOf('B')).transfer).toMatchObject({
      status: 'REQUIRES_AUTHENTICATION',
      riskDecision: 'HOLD',
    });
  });

  // RULES.md §7: "WARN entries raise the class to at least C", also when the hit adds up with
  // another rule to HOLD: a P2P of 5M to a WARN-listed payee from a new device (WARN 40 + takeover
  // 80 = HOLD under the default thresholds) asks for OTP and a biometric match, not the OTP alone,
  // exactly in the OTP-phishing pattern the biometric is there for.
  it('raises a WARN-listed payee to class C also when the transfer is held', () => {
    const warnedTakeover = risk({ ...takeover, watch: { payee: 'WARN' } });
    const d = challenged(decide(creating({ payee: bob(), risk: warnedTakeover }), create(p2p(5 * M))));
    expect(d.commit(challengeOf('B')).transfer?.riskDecision).toBe('HOLD');
    expect(d.class).toBe('C');
  });
});

describe('authorize (RULES.md §3)', () => {
  it("answers transfer-not-found for an unknown transfer and for another customer's", () => {
    const { transfer: _none, ...unknown } = authorizing();
    expect(refused(decide(unknown, authorize(['OTP']))).reason).toBe('transfer-not-found');
    const theirs = authorizing({ transfer: waiting({ customerId: 'bob' }) });
    expect(refused(decide(theirs, authorize(['OTP'], 'B'))).reason).toBe('transfer-not-found');
  });

  it('returns a transfer that no longer waits unchanged (authorize repeated after success)', () => {
    const done = waiting({ status: 'COMPLETED', completedAt: at(-1000) });
    const d = decide(authorizing({ transfer: done }), authorize(['OTP'], 'B'));
    expect(d).toEqual({ kind: 'unchanged', transfer: done });
  });

  it('ends a transfer whose 5 minutes are over as EXPIRED and answers challenge-expired', () => {
    const late = authorizing({ now: new Date(Date.parse(challengeOf('B').expiresAt)) });
    const d = committed(decide(late, authorize(['OTP'])));
    expect(d.refusal?.reason).toBe('challenge-expired');
    expect(updated(d)).toEqual({
      transferId: 'T1',
      from: ['REQUIRES_AUTHENTICATION'],
      to: 'EXPIRED',
      set: { status: 'EXPIRED', failureCode: 'challenge-expired' },
      amount: 5 * M,
    });
    expect(d.plan.wallets).toEqual([]);
    const inTime = authorizing({ now: new Date(Date.parse(challengeOf('B').expiresAt) - 1) });
    expect(decide(inTime, authorize(['OTP'])).kind).toBe('verify');
  });

  it('refuses device-not-trusted from an untrusted device', () => {
    expect(refused(decide(authorizing({ device: { trusted: false } }), authorize(['OTP']))).reason).toBe(
      'device-not-trusted',
    );
  });

  it('refuses authentication-required when a factor is missing, repeating what the challenge needs', () => {
    const c = challengeOf('C');
    const r = refused(decide(authorizing({ transfer: waiting({ class: 'C', challenge: c }) }), authorize(['OTP'])));
    expect(r.reason).toBe('authentication-required');
    expect(r.facts).toEqual({
      authentication: { class: 'C', methods: ['OTP', 'BIOMETRIC'], challengeId: 'CH1', expiresAt: c.expiresAt },
    });
  });

  it('answers verify when every factor was brought, for the use case to check them', () => {
    const d = decide(authorizing(), authorize(['OTP']));
    expect(d).toEqual({ kind: 'verify', transfer: waiting(), challenge: challengeOf('B') });
  });

  it('posts once the factors are verified: COMPLETED, counted in the day and the month', () => {
    const d = committed(decide(authorizing(), authorize(['OTP'], 'B')));
    expect(money(d.plan)).toEqual({ 'W-ALICE': -5 * M, 'W-BOB': 5 * M });
    expect(d.plan.wallets.map((m) => m.requireActive)).toEqual([true, true]);
    expect(d.plan.wallets[0]?.counters).toEqual({ day: TODAY, group: 'I.3', next: { total: 5 * M, totalAB: 5 * M } });
    expect(d.plan.monthly).toEqual({ customerId: 'alice', month: MONTH, amount: 5 * M, cap: 100 * M });
    expect(updated(d)).toEqual({
      transferId: 'T1',
      from: ['REQUIRES_AUTHENTICATION'],
      to: 'COMPLETED',
      set: { status: 'COMPLETED', completedAt: NOW.toISOString(), authenticatedClass: 'B', monthCounted: MONTH },
      amount: 5 * M,
    });
    expect(d.refusal).toBeUndefined();
  });

  it('resets Tksth after a class C transfer (RULES.md vector 3 → 4)', () => {
    const t = waiting({ amount: 6 * M, class: 'C', challenge: challengeOf('C') });
    const d = committed(
      decide(authorizing({ transfer: t, payer: withCounters(15 * M, 15 * M) }), authorize(['OTP', 'BIOMETRIC'], 'C')),
    );
    expect(d.plan.wallets[0]?.counters).toEqual({ day: TODAY, group: 'I.3', next: { total: 21 * M, totalAB: 0 } });
  });

  it('gives the RULES.md classes transfer after transfer from the counters each commit writes', () => {
    let payer = wallet({ balance: 60 * M });
    for (const [amount, expected] of [
      [5 * M, 'B'],
      [10 * M, 'B'],
      [6 * M, 'C'],
      [3 * M, 'B'],
      [5 * M, 'B'],
    ] as const) {
      const ask = challenged(decide(creating({ payer, payee: bob() }), create(p2p(amount))));
      expect(ask.class).toBe(expected);
      const t = ask.commit(challengeOf(ask.class)).transfer!;
      const d = committed(decide(authorizing({ transfer: t, payer }), authorize(ask.methods, ask.class)));
      const move = d.plan.wallets[0]!;
      payer = {
        ...payer,
        balance: payer.balance + move.amount,
        version: payer.version + 1,
        counterDay: move.counters!.day,
        counters: { ...payer.counters, [move.counters!.group]: move.counters!.next },
      };
    }
    expect(payer.counters?.['I.3']).toEqual({ total: 29 * M, totalAB: 8 * M });
  });

  it('asks again with stronger factors when the day counters rose meanwhile (Circular 50)', () => {
    const t = waiting({ amount: 6 * M });
    const d = challenged(
      decide(authorizing({ transfer: t, payer: withCounters(15 * M, 15 * M) }), authorize(['OTP'], 'B')),
    );
    expect([d.class, d.methods]).toEqual(['C', ['OTP', 'BIOMETRIC']]);
    const stronger = challengeOf('C', { challengeId: 'CH2', attempts: 0 });
    const c = committed(d.commit(stronger));
    expect(c.plan.wallets).toEqual([]);
    expect(updated(c)).toEqual({
      transferId: 'T1',
      from: ['REQUIRES_AUTHENTICATION'],
      to: 'REQUIRES_AUTHENTICATION',
      set: { status: 'REQUIRES_AUTHENTICATION', class: 'C', challenge: stronger },
      amount: 6 * M,
    });
    expect(c.transfer).toMatchObject({ class: 'C', challenge: stronger });
  });

  it.each([
    ['the balance fell', 'insufficient-funds', { payer: wallet({ balance: 4 * M }) }],
    ['the payer wallet was locked', 'wallet-locked', { payer: wallet({ status: 'LOCKED' }) }],
    ['the payer wallet was frozen', 'wallet-frozen', { payer: wallet({ status: 'FROZEN' }) }],
    ['the payee wallet was frozen', 'payee-not-active', { payee: bob({ status: 'FROZEN' }) }],
    ['the month filled up', 'monthly-limit-exceeded', { monthlyUsed: 98 * M }],
  ] as const)('fails the transfer after verification when %s: FAILED with %s, nothing moves', (_, reason, change) => {
    const d = committed(decide(authorizing(change), authorize(['OTP'], 'B')));
    expect(d.refusal?.reason).toBe(reason);
    expect(d.plan.wallets).toEqual([]);
    expect(d.plan.monthly).toBeUndefined();
    expect(updated(d)).toEqual({
      transferId: 'T1',
      from: ['REQUIRES_AUTHENTICATION'],
      to: 'FAILED',
      set: { status: 'FAILED', failureCode: reason, completedAt: NOW.toISOString() },
      amount: 5 * M,
    });
    expect(d.transfer).toMatchObject({ status: 'FAILED', failureCode: reason });
  });

  it('answers monthly-limit-exceeded after verification with the room left', () => {
    const d = committed(decide(authorizing({ monthlyUsed: 98 * M }), authorize(['OTP'], 'B')));
    expect(d.refusal?.facts).toEqual({ monthlyRemaining: 2 * M });
  });

  it('holds a verified P2P: money to RISK_HOLD, case opened, the month counted and remembered', () => {
    const t = waiting({ riskDecision: 'HOLD', ruleHits: hits });
    const d = committed(decide(authorizing({ transfer: t }), authorize(['OTP'], 'B')));
    expect(money(d.plan)).toEqual({ 'W-ALICE': -5 * M, RISK_HOLD: 5 * M });
    expect(d.plan.monthly).toEqual({ customerId: 'alice', month: MONTH, amount: 5 * M, cap: 100 * M });
    expect(d.plan.riskCase).toMatchObject({ open: { caseId: 'CT1', transferId: 'T1', ruleHits: hits } });
    expect(updated(d)).toMatchObject({
      from: ['REQUIRES_AUTHENTICATION'],
      to: 'HELD',
      set: { status: 'HELD', caseId: 'CT1', authenticatedClass: 'B', monthCounted: MONTH },
    });
    expect(d.toBank).toBeUndefined();
  });

  // RULES.md §5 ("No electronic payments while the biometric match is missing or the ID has
  // expired"): checked again at authorize, so a transfer created at 23:58 on the last day of the
  // ID, or before the expiry job set REVERIFICATION_REQUIRED, does not move money after it.
  it('refuses to move money at authorize once the ID has expired', () => {
    const expiredYesterday = alice({ identity: { ...alice().identity!, idExpiryDate: '2026-11-09' } });
    const d = decide(authorizing({ customer: expiredYesterday }), authorize(['OTP'], 'B'));
    const reason = d.kind === 'refuse' ? d.refusal.reason : d.kind === 'commit' ? d.refusal?.reason : undefined;
    expect(reason).toBe('kyc-required');
  });
  // RULES.md §6 ("Top-up from a linked account; withdrawal to a linked account"): a link that is
  // not the wallet's last may be removed at any time, so it is checked again at authorize; a class
  // C withdrawal whose link went meanwhile fails instead of reaching an unlinked account.
  it('refuses link-required at authorize when the bank link was removed meanwhile', () => {
    const t = waiting({
      type: 'WITHDRAWAL',
      amount: 15 * M,
      class: 'C',
      linkId: 'L-ALICE',
      toWalletId: undefined,
      payeeCustomerId: undefined,
      challenge: challengeOf('C'),
    });
    const d = decide(authorizing({ transfer: t, link: { status: 'REMOVED' } }), authorize(['OTP', 'BIOMETRIC'], 'C'));
    const reason = d.kind === 'refuse' ? d.refusal.reason : d.kind === 'commit' ? d.refusal?.reason : undefined;
    expect(reason).toBe('link-required');
  });
});

describe('bank-answer (the settlement worker)', () => {
  const settling = (t: Transfer, payer = wallet()): TransferSnapshot => ({
    now: NOW,
    transfer: t,
    payer,
    monthlyUsed: 0,
  });
  const answer = (outcome: 'APPLIED' | 'DECLINED'): TransferEvent => ({ kind: 'bank-answer', outcome });
  const withdrawing = () => processing({ type: 'WITHDRAWAL' });

  it('answers transfer-not-found without a transfer', () => {
    expect(refused(decide({ now: NOW, monthlyUsed: 0 }, answer('APPLIED'))).reason).toBe('transfer-not-found');
  });

  it('credits an applied top-up from the guarantee account, even to a wallet frozen meanwhile', () => {
    const d = committed(decide(settling(processing(), wallet({ status: 'FROZEN' })), answer('APPLIED')));
    expect(money(d.plan)).toEqual({ 'W-ALICE': 10 * M, SAFEGUARDING: -10 * M });
    expect(d.plan.wallets[0]).toMatchObject({ requireActive: false, entry: { transferId: 'T1', type: 'TOPUP' } });
    expect(updated(d)).toEqual({
      transferId: 'T1',
      from: ['PROCESSING'],
      to: 'COMPLETED',
      set: { status: 'COMPLETED', completedAt: NOW.toISOString() },
      amount: 10 * M,
    });
  });

  it('fails a declined top-up with bank-declined and moves nothing', () => {
    const d = committed(decide(settling(processing()), answer('DECLINED')));
    expect(d.plan.wallets).toEqual([]);
    expect(d.plan.system).toEqual([]);
    expect(updated(d).set).toEqual({ status: 'FAILED', failureCode: 'bank-declined', completedAt: NOW.toISOString() });
  });

  it('pays an applied withdrawal out of BANK_CLEARING into the guarantee account', () => {
    const d = committed(decide(settling(withdrawing()), answer('APPLIED')));
    expect(money(d.plan)).toEqual({ BANK_CLEARING: -10 * M, SAFEGUARDING: 10 * M });
    expect(updated(d).to).toBe('COMPLETED');
  });

  it('returns a declined withdrawal to the wallet with a WITHDRAWAL_RETURN entry, whatever its status', () => {
    const d = committed(
      decide(settling(withdrawing(), wallet({ status: 'LOCKED', balance: 40 * M })), answer('DECLINED')),
    );
    expect(money(d.plan)).toEqual({ BANK_CLEARING: -10 * M, 'W-ALICE': 10 * M });
    expect(d.plan.wallets[0]).toMatchObject({ requireActive: false, entry: { type: 'WITHDRAWAL_RETURN' } });
    expect(updated(d)).toMatchObject({ from: ['PROCESSING'], to: 'FAILED', set: { failureCode: 'bank-declined' } });
  });

  it('leaves a transfer that is not PROCESSING unchanged (an answer delivered twice)', () => {
    for (const t of [processing({ status: 'COMPLETED' }), processing({ status: 'HELD' }), waiting()]) {
      expect(decide(settling(t), answer('APPLIED'))).toEqual({ kind: 'unchanged', transfer: t });
    }
  });
});

describe('case-decision (RULES.md §7: an operator releases or rejects a held transfer)', () => {
  const release = caseDecision('RELEASE');
  const reject = caseDecision('REJECT');
  const closing = (status: 'RELEASED' | 'REJECTED') => ({
    close: { caseId: 'CT1', status, decidedBy: 'operator-7', note: 'checked with the customer', at: NOW.toISOString() },
  });

  it('answers case-not-found without a case', () => {
    const { riskCase: _none, ...snapshot } = deciding();
    expect(refused(decide(snapshot, release)).reason).toBe('case-not-found');
  });

  it('answers case-decided for a case decided before', () => {
    const r = refused(decide(deciding({ riskCase: openCase({ status: 'RELEASED' }) }), reject));
    expect(r.reason).toBe('case-decided');
    expect(r.detail).toContain('RELEASED');
  });

  it('answers case-decided when the held transfer has moved on', () => {
    for (const transfer of [held({ status: 'COMPLETED' }), held({ status: 'REJECTED' })]) {
      expect(refused(decide(deciding({ transfer }), release)).reason).toBe('case-decided');
    }
    const { transfer: _none, ...gone } = deciding();
    expect(refused(decide(gone, release)).reason).toBe('case-decided');
  });

  it('releases a held P2P: RISK_HOLD pays the payee, COMPLETED, the case closed with its audit record', () => {
    const d = committed(decide(deciding(), release));
    expect(money(d.plan)).toEqual({ RISK_HOLD: -5 * M, 'W-BOB': 5 * M });
    expect(d.plan.wallets[0]).toMatchObject({ requireActive: true, entry: { type: 'P2P', counterparty: 'W-ALICE' } });
    expect(d.plan.monthly).toBeUndefined();
    expect(updated(d)).toEqual({
      transferId: 'T1',
      from: ['HELD'],
      to: 'COMPLETED',
      set: { status: 'COMPLETED', completedAt: NOW.toISOString() },
      amount: 5 * M,
    });
    expect(d.plan.riskCase).toEqual(closing('RELEASED'));
    expect(d.plan.audit).toEqual(audit);
    expect(d.plan.token).toBe('T1:decision');
    expect(d.toBank).toBeUndefined();
  });

  it('refuses to release a P2P to a payee that is no longer ACTIVE (the case stays open)', () => {
    expect(refused(decide(deciding({ payee: bob({ status: 'FROZEN' }) }), release)).reason).toBe('payee-not-active');
    const { payee: _none, ...gone } = deciding();
    expect(refused(decide(gone, release)).reason).toBe('payee-not-active');
  });

  it('releases a held withdrawal to the bank: RISK_HOLD → BANK_CLEARING, PROCESSING, handed to the worker', () => {
    const t = held({ type: 'WITHDRAWAL', linkId: 'L-ALICE', toWalletId: undefined, monthCounted: undefined });
    const d = committed(decide(deciding({ transfer: t }), release));
    expect(money(d.plan)).toEqual({ RISK_HOLD: -5 * M, BANK_CLEARING: 5 * M });
    expect(d.plan.wallets).toEqual([]);
    expect(updated(d)).toMatchObject({
      from: ['HELD'],
      to: 'PROCESSING',
      set: { status: 'PROCESSING', processingSince: NOW.toISOString() },
    });
    expect(d.toBank).toBe(true);
    expect(d.plan.riskCase).toEqual(closing('RELEASED'));
  });

  it('releases a held top-up to the bank with nothing posted yet', () => {
    const t = held({ type: 'TOPUP', linkId: 'L-ALICE', toWalletId: undefined, monthCounted: undefined });
    const d = committed(decide(deciding({ transfer: t }), release));
    expect(d.plan.wallets).toEqual([]);
    expect(d.plan.system).toEqual([]);
    expect(updated(d).to).toBe('PROCESSING');
    expect(d.toBank).toBe(true);
  });

  it("rejects a held P2P: the money returns from RISK_HOLD and the counted month's room comes back", () => {
    // Held in October, decided in November: the room goes back to October.
    const t = held({ monthCounted: '2026-10' });
    const d = committed(
      decide(deciding({ transfer: t, payer: wallet({ status: 'FROZEN', balance: 45 * M }) }), reject),
    );
    expect(money(d.plan)).toEqual({ RISK_HOLD: -5 * M, 'W-ALICE': 5 * M });
    expect(d.plan.wallets[0]).toMatchObject({ requireActive: false, entry: { transferId: 'T1', type: 'HOLD_RETURN' } });
    expect(d.plan.monthly).toEqual({ customerId: 'alice', month: '2026-10', amount: -5 * M, cap: 100 * M });
    expect(updated(d)).toEqual({
      transferId: 'T1',
      from: ['HELD'],
      to: 'REJECTED',
      set: { status: 'REJECTED', failureCode: 'risk-rejected', completedAt: NOW.toISOString() },
      amount: 5 * M,
    });
    expect(d.plan.riskCase).toEqual(closing('REJECTED'));
    expect(d.plan.audit).toEqual(audit);
    expect(d.toBank).toBeUndefined();
  });

  it('rejects a held withdrawal: the money returns, no month to give back', () => {
    const t = held({ type: 'WITHDRAWAL', linkId: 'L-ALICE', toWalletId: undefined, monthCounted: undefined });
    const d = committed(decide(deciding({ transfer: t }), reject));
    expect(money(d.plan)).toEqual({ RISK_HOLD: -5 * M, 'W-ALICE': 5 * M });
    expect(d.plan.monthly).toBeUndefined();
  });

  it('rejects a held top-up without moving anything (it was never pulled)', () => {
    const t = held({ type: 'TOPUP', linkId: 'L-ALICE', toWalletId: undefined, monthCounted: undefined });
    const d = committed(decide(deciding({ transfer: t }), reject));
    expect(d.plan.wallets).toEqual([]);
    expect(d.plan.system).toEqual([]);
    expect(d.plan.monthly).toBeUndefined();
    expect(updated(d)).toMatchObject({ from: ['HELD'], to: 'REJECTED' });
    expect(d.plan.riskCase).toEqual(closing('REJECTED'));
  });
});

describe('expire (GET of a transfer whose window closed)', () => {
  const expire: TransferEvent = { kind: 'expire' };
  const deadline = new Date(Date.parse(challengeOf('B').expiresAt));

  it('answers transfer-not-found without a transfer', () => {
    expect(refused(decide({ now: NOW, monthlyUsed: 0 }, expire)).reason).toBe('transfer-not-found');
  });

  it('writes EXPIRED at the deadline, without a refusal (a read is answered with the transfer)', () => {
    const d = committed(decide({ now: deadline, transfer: waiting(), monthlyUsed: 0 }, expire));
    expect(d.refusal).toBeUndefined();
    expect(updated(d)).toMatchObject({ from: ['REQUIRES_AUTHENTICATION'], to: 'EXPIRED' });
    expect(d.transfer).toMatchObject({ status: 'EXPIRED', failureCode: 'challenge-expired' });
  });

  it('leaves a transfer in its window, or no longer waiting, unchanged', () => {
    const early = new Date(deadline.getTime() - 1);
    expect(decide({ now: early, transfer: waiting(), monthlyUsed: 0 }, expire).kind).toBe('unchanged');
    const done = waiting({ status: 'COMPLETED' });
    expect(decide({ now: deadline, transfer: done, monthlyUsed: 0 }, expire)).toEqual({
      kind: 'unchanged',
      transfer: done,
    });
  });
});

describe('sweep (transfers stuck in PROCESSING)', () => {
  const stuckSince = new Date(NOW.getTime() - 120_000);
  const sweep: TransferEvent = { kind: 'sweep', stuckSince };
  const sweeping = (t?: Transfer): TransferSnapshot => ({ now: NOW, monthlyUsed: 0, ...(t ? { transfer: t } : {}) });

  it('answers transfer-not-found without a transfer', () => {
    expect(refused(decide(sweeping(), sweep)).reason).toBe('transfer-not-found');
  });

  it('resends a transfer waiting for the bank since before the line', () => {
    const t = processing();
    expect(decide(sweeping(t), sweep)).toEqual({ kind: 'resend', transfer: t });
    const { processingSince: _none, ...sinceCreation } = processing({ createdAt: at(-3_600_000) });
    expect(decide(sweeping(sinceCreation), sweep).kind).toBe('resend');
  });

  it('leaves recent, exactly-on-the-line and settled transfers alone', () => {
    expect(decide(sweeping(processing({ processingSince: at(-60_000) })), sweep).kind).toBe('unchanged');
    expect(decide(sweeping(processing({ processingSince: stuckSince.toISOString() })), sweep).kind).toBe('unchanged');
    expect(decide(sweeping(processing({ status: 'COMPLETED' })), sweep).kind).toBe('unchanged');
    expect(decide(sweeping(held()), sweep).kind).toBe('unchanged');
  });
});

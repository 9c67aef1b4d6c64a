// Property-based test of the money core against the real local engines (fast-check).
//
// Each run builds a world of its own (three individuals with five wallets, a merchant, one
// sandbox bank account per wallet, funded by top-ups; then WARN watch-list entries on one wallet,
// one linked bank account and maybe the merchant, so that the risk engine HOLDs transfers to or
// from them) and plays a generated list of operation groups: top-ups, withdrawals, P2P between
// own and other customers' wallets, payments to the merchant, authorizations with whatever
// factors the challenge names (a step-up included), settlements with injected bank faults
// (TIMEOUT, DECLINE, ERROR), case decisions (RELEASE, REJECT) on held transfers, bursts of
// spends from one wallet, creates and authorizations sent twice at once, and replays of an
// Idempotency-Key. The operations of one group run concurrently (Promise.all), so that their
// commits race. After the groups, and again once every transfer waiting for the bank is settled,
// the items are read back and the invariants checked (`checkInvariants`): balances, statements,
// double entry per transfer, the banks' side, the monthly cap, Circular 50's Tksth, cases and
// their audit rows, authorizations and settlements; at the end, the safeguarding reconciliation.
// In some runs the merchant's wallet has inbox shards (docs/merchants.md "A busy merchant's
// inbox"): its credits wait in the inbox until a `sweep` (racing the group's other operations)
// folds them in; the invariants count the inbox as the merchant's money (wallets + inboxes +
// system accounts = 0) and, drained, find it empty.
//
// Replay: every run of the file prints its seed. To replay a failure, run
//   FC_SEED=<seed> npx vitest run --project integration test/integration/money-properties.test.ts
// and add FC_PATH=<counterexamplePath> (printed by fast-check) to replay only the shrunk
// counterexample. FC_RUNS=<n> changes the number of runs (default 5); FC_VERBOSE=1 (or 2) lists
// the failing values met while shrinking; FC_TIME_LIMIT=<seconds> (default 200) bounds runs and
// shrinking together (raise it with FC_RUNS). A seed replays the same operations, not the same
// interleaving: the engines' concurrency is not replayed.

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/core/adapters/dynamodb/client.ts';
import { keys } from '../../functions/core/adapters/dynamodb/keys.ts';
import { signSandboxAssertion } from '../../functions/core/adapters/ekyc/sandbox-ekyc-provider.ts';
import { type FaultMode, SandboxBank } from '../../functions/core/adapters/sandbox/sandbox-bank.ts';
import { SandboxSmsOutbox } from '../../functions/core/adapters/sandbox/sms-outbox.ts';
import { container, overrideServices, type Services } from '../../functions/core/container.ts';
import { classThresholds, strongerOrEqual } from '../../functions/core/domain/authentication-class.ts';
import { businessMonth } from '../../functions/core/domain/calendar.ts';
import { monthlyCap } from '../../functions/core/domain/customer.ts';
import { inboxShardsToRead } from '../../functions/core/domain/inbox.ts';
import { type SystemAccount, systemAccountShards } from '../../functions/core/domain/ledger.ts';
import { Refusal } from '../../functions/core/domain/refusals.ts';
import { defaultRiskConfig, type RiskConfig } from '../../functions/core/domain/risk/config.ts';
import type { RiskCase } from '../../functions/core/domain/risk-case.ts';
import { ocra } from '../../functions/core/domain/soft-otp.ts';
import { type Transfer, transferIdFor } from '../../functions/core/domain/transfer.ts';
import { logger } from '../../functions/core/observability/logger.ts';
import { linkBank } from '../../functions/core/use-cases/bank-links.ts';
import { setInboxShards, sweepInbox } from '../../functions/core/use-cases/inbox.ts';
import { reconcileSafeguarding } from '../../functions/core/use-cases/reconcile-safeguarding.ts';
import { decideCase } from '../../functions/core/use-cases/risk-cases.ts';
import { submitKyc } from '../../functions/core/use-cases/submit-kyc.ts';
import { authorizeTransfer } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer, type TransferRequest } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { BankOutcomeUnknown, settleTransfer } from '../../functions/core/use-cases/transfers/settle.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { kycInput, registeredCustomer, verifiedCustomer } from '../support/journeys.ts';

const M = 1_000_000;
const BANK_START = 5_000 * M;
/** Circular 50: the class A/B total of group I.3 per wallet and day (Tksth). */
const TKSTH = classThresholds.transfer.classABDaily;
const RUNS = Number(process.env.FC_RUNS ?? 5);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FC_PATH;
/** Seconds after which fast-check stops (runs or shrinking), well inside the test's timeout. */
const TIME_LIMIT = Number(process.env.FC_TIME_LIMIT ?? 200);
const DEVICE = 'd';
const SYSTEM_ACCOUNTS: SystemAccount[] = ['SAFEGUARDING', 'BANK_CLEARING', 'RISK_HOLD'];

/**
 * A WARN watch-list hit alone reaches the hold line, so that a transfer to or from a listed wallet
 * or bank account is HELD deterministically; the merchant night rule is off (its profile counters
 * would otherwise make the run depend on the hour). Step-ups are still answered (`authorize`).
 */
const riskConfig: RiskConfig = {
  ...defaultRiskConfig,
  watchlist: { ...defaultRiskConfig.watchlist, warnScore: defaultRiskConfig.policy.holdScore },
  merchantNight: { ...defaultRiskConfig.merchantNight, minPayments: Number.MAX_SAFE_INTEGER },
};

const services = (): Services => container();
let seq = 10_000_000 + Math.floor(Math.random() * 80_000_000);
const bank = () => new SandboxBank(process.env.SANDBOX_BANK_TABLE_NAME!, () => new Date());
const outbox = () => new SandboxSmsOutbox(process.env.WALLET_TABLE_NAME!, () => new Date());
const operator = { subject: 'property-test-operator', groups: ['operators'] };

// ---------------------------------------------------------------------------------------------
// The operations, as fast-check generates them. Targets are indices resolved at run time (modulo
// what exists then), so that a shrunk list still means something.

/**
 * How a client sends a create: `authorizeNow`, it authorizes at once if asked for factors (else a later
 * `authorize` op may); `twice`, the same request and Idempotency-Key go twice at once (a retry
 * racing the original).
 */
interface Client {
  authorizeNow: boolean;
  twice: boolean;
}

type Op =
  | { kind: 'topup'; pocket: number; amount: number; client: Client }
  | { kind: 'withdraw'; pocket: number; amount: number; capped: boolean; client: Client }
  | { kind: 'p2p'; pocket: number; to: number; amount: number; capped: boolean; client: Client }
  | { kind: 'pay'; pocket: number; amount: number; capped: boolean; client: Client }
  /** Authorize the pick-th transfer waiting for its factors (`twice`: the same factors sent twice at once). */
  | { kind: 'authorize'; pick: number; twice: boolean }
  /** Inject `faults` bank faults on the transfer's account, then run the settlement worker's step. */
  | { kind: 'settle'; pick: number; fault: FaultMode; faults: number }
  /** An operator decides the pick-th open case; a released bank leg may be settled at once. */
  | { kind: 'decide'; pick: number; decision: 'RELEASE' | 'REJECT'; settle: boolean }
  /** The client retries an earlier create with the same Idempotency-Key. */
  | { kind: 'replay'; pick: number }
  /**
   * Several P2P and payments from one wallet at once, each authorized at once: their commits race
   * for the balance, the day's class A/B total (a late one is asked for stronger factors) and the
   * month's room.
   */
  | { kind: 'burst'; pocket: number; legs: { to: number; pay: boolean; amount: number }[] }
  /**
   * The merchant refunds `percent` of the pick-th COMPLETED payment (above 100: more than it, refused;
   * several at once race for what is left: the payment's `refundedAmount` is their condition).
   */
  | { kind: 'refund'; pick: number; percent: number; client: Client }
  /** The merchant's sweeper folds its inbox in (a merchant with inbox shards), racing the group. */
  | { kind: 'sweep' };

/** Whole thousands of VND: small (class A), medium (up to the class A/B line) and large (class C). */
const amount = fc
  .oneof(
    fc.integer({ min: 1, max: 5_000 }),
    fc.integer({ min: 5_001, max: 10_000 }),
    fc.integer({ min: 10_001, max: 60_000 }),
  )
  .map((k) => k * 1_000);
/** A burst's legs: mostly just under the class A/B line, so that two or three pass the day's 20M together. */
const burstAmount = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 5_001, max: 10_000 }).map((k) => k * 1_000) },
  { weight: 1, arbitrary: amount },
);
const index = fc.nat({ max: 63 });
/** Mostly no more than the balance (a client that knows it), sometimes more (a refusal, or a race lost). */
const capped = fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const often = fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const seldom = fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) });
const client = fc.record({ authorizeNow: often, twice: seldom });

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('topup' as const), pocket: index, amount, client }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pocket: index, amount, capped, client }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('p2p' as const), pocket: index, to: index, amount, capped, client }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('pay' as const), pocket: index, amount, capped, client }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('authorize' as const), pick: index, twice: seldom }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      pick: index,
      fault: fc.constantFrom<FaultMode>('NONE', 'NONE', 'TIMEOUT', 'DECLINE', 'ERROR'),
      faults: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      pick: index,
      decision: fc.constantFrom('RELEASE' as const, 'REJECT' as const),
      settle: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sweep' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      pick: index,
      percent: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }) }, fc.integer({ min: 101, max: 150 })),
      client,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      pocket: index,
      legs: fc.array(fc.record({ to: index, pay: fc.boolean(), amount: burstAmount }), { minLength: 2, maxLength: 4 }),
    }),
  },
);

/** One run: which wallet and which bank account are WARN-listed, and the groups of operations. */
const scenario = fc.record({
  flaggedWallet: fc.nat({ max: 4 }),
  flaggedAccount: fc.nat({ max: 4 }),
  merchantFlagged: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 2, arbitrary: fc.constant(false) }),
  /** The merchant's inbox shards (0: its credits go to its wallet item). */
  merchantShards: fc.constantFrom(0, 3, 8),
  groups: fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 10, maxLength: 20, size: 'max' }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// The world of one run

interface Party {
  customerId: string;
  phone: string;
  softOtpSecret: string;
  /** The individual, or the organisation's legal representative. */
  person: { fullName: string; dateOfBirth: string; idNumber: string };
}

interface Pocket {
  name: string;
  party: Party;
  walletId: string;
  linkId: string;
  accountNumber: string;
}

/** A create the run sent: its key names the transfer, whatever the answer was. */
interface Sent {
  transferId: string;
  party: Party;
  key: string;
  request: TransferRequest;
  /** The first answer: a status, or a refusal's reason. */
  answer: { status: string } | { reason: string };
}

interface World {
  runId: string;
  individuals: Pocket[];
  merchant: Pocket;
  pockets: Pocket[];
  sent: Sent[];
  /** Transfer id → what `authorize` ended with: 'ok' or the refusal reason. */
  authorized: Map<string, string>;
  /** Transfers a settle call answered 'settled' for. */
  settled: Set<string>;
  /** Case id → the decision a `decideCase` call was answered with. */
  decided: Map<string, 'RELEASE' | 'REJECT'>;
  outcomes: Record<string, number>;
}

const count = (w: World, what: string) => {
  w.outcomes[what] = (w.outcomes[what] ?? 0) + 1;
};

async function openAccount(holderName: string, idNumber: string): Promise<string> {
  const accountNumber = `77${seq++}`;
  await bank().openAccount({ bankCode: 'VCB', accountNumber, holderName, idNumber, balance: BANK_START });
  return accountNumber;
}

async function pocket(name: string, party: Party, holder: { name: string; idNumber: string }): Promise<Pocket> {
  const w = await openWallet(services(), party.customerId);
  const accountNumber = await openAccount(holder.name, holder.idNumber);
  const l = await linkBank(services(), party.customerId, w.walletId, { bankCode: 'VCB', accountNumber });
  return { name, party, walletId: w.walletId, linkId: l.linkId, accountNumber };
}

async function individual(): Promise<Party> {
  const c = await verifiedCustomer();
  const { fullName, dateOfBirth, idNumber } = c.identity;
  return {
    customerId: c.customerId,
    phone: c.phone,
    softOtpSecret: c.softOtpSecret,
    person: { fullName, dateOfBirth, idNumber },
  };
}

/** A merchant made in-process: an organisation through KYC with `merchant` (as test/e2e/client.ts `merchant()`). */
async function merchantParty(): Promise<{ party: Party; legalName: string; enterpriseCode: string }> {
  const c = await registeredCustomer();
  const { kind: _kind, idDocumentType: _doc, ...rep } = await kycInput();
  const legalName = 'Công ty TNHH Phở Hà Nội';
  const enterpriseCode = `07${seq++}`;
  const result = await submitKyc(services(), c.customerId, DEVICE, {
    kind: 'ORGANIZATION',
    legalName,
    shortName: 'PHO HA NOI',
    enterpriseCode,
    headOfficeAddress: '12 Hàng Bông, Hoàn Kiếm, Hà Nội',
    tradingAddress: '12 Hàng Bông, Hoàn Kiếm, Hà Nội',
    phoneNumber: '02439876543',
    legalRepresentative: rep,
    merchant: { displayName: 'Phở Hà Nội', mcc: '5812' },
  });
  expect(result.status).toBe('VERIFIED');
  const party: Party = {
    customerId: c.customerId,
    phone: c.phone,
    softOtpSecret: result.softOtp?.secret ?? '',
    person: { fullName: rep.fullName, dateOfBirth: rep.dateOfBirth, idNumber: rep.idNumber },
  };
  return { party, legalName, enterpriseCode };
}

/** Customers A (two wallets), B (two wallets), C (one wallet) and a merchant, each wallet with a bank account of its own. */
async function buildWorld(): Promise<World> {
  const [a, b, c, m] = await Promise.all([individual(), individual(), individual(), merchantParty()]);
  const holder = (p: Party) => ({ name: p.person.fullName, idNumber: p.person.idNumber });
  const individuals = await Promise.all([
    pocket('A1', a, holder(a)),
    pocket('A2', a, holder(a)),
    pocket('B1', b, holder(b)),
    pocket('B2', b, holder(b)),
    pocket('C1', c, holder(c)),
  ]);
  const merchant = await pocket('M', m.party, { name: m.legalName, idNumber: m.enterpriseCode });
  return {
    runId: `${seq++}`,
    individuals,
    merchant,
    pockets: [...individuals, merchant],
    sent: [],
    authorized: new Map(),
    settled: new Set(),
    decided: new Map(),
    outcomes: {},
  };
}

/**
 * WARN entries per the scenario: one wallet (its P2P in and everything out are held), one linked
 * bank account (its top-ups and withdrawals are held), and maybe the merchant (payments held).
 */
async function flag(w: World, s: Scenario): Promise<void> {
  const entry = (kind: 'WALLET' | 'BANK_ACCOUNT', value: string) => ({
    kind,
    value,
    severity: 'WARN' as const,
    source: 'INTERNAL' as const,
    reason: 'property test',
  });
  await services().watchlist.upsert(
    [
      entry('WALLET', w.individuals[s.flaggedWallet]!.walletId),
      entry('BANK_ACCOUNT', w.individuals[s.flaggedAccount]!.accountNumber),
      ...(s.merchantFlagged ? [entry('WALLET', w.merchant.walletId)] : []),
    ],
    new Date(),
  );
}

// ---------------------------------------------------------------------------------------------
// What a client and an operator do

const reasonOf = (error: unknown): string | undefined => (error instanceof Refusal ? error.reason : undefined);

/** A transfer as stored (undefined for none, or for a refusal kept under the key's transfer id). */
async function stored(transferId: string): Promise<Transfer | undefined> {
  const t = await services().ledger.getTransfer(transferId);
  return t && (t as unknown as { kind?: string }).kind !== 'REFUSAL' ? t : undefined;
}

/**
 * Refusals a customer can meet in a race: the balance or the month's room moved meanwhile; for a
 * refund, what is left of its payment (refunds racing, or one asking for more than the payment).
 */
const raceRefusals = ['insufficient-funds', 'monthly-limit-exceeded', 'refund-exceeds-payment'];

async function create(w: World, p: Pocket, request: TransferRequest, client: Client): Promise<void> {
  const key = `${w.runId}-${w.sent.length}`;
  const s: Sent = {
    transferId: transferIdFor(p.party.customerId, key),
    party: p.party,
    key,
    request,
    answer: { status: 'pending' },
  };
  w.sent.push(s);
  const send = async (): Promise<Sent['answer']> => {
    try {
      const view = await createTransfer(services(), p.party.customerId, DEVICE, request, key);
      expect(view.transferId).toBe(s.transferId);
      return { status: view.status };
    } catch (error) {
      const reason = reasonOf(error);
      if (!reason || !raceRefusals.includes(reason)) throw error;
      return { reason };
    }
  };
  const [answer, again] = await Promise.all([send(), client.twice ? send() : undefined]);
  // The same key twice at once: one transfer, and both are answered alike.
  if (again) expect(again, `the duplicate of ${key} (${request.type})`).toEqual(answer);
  s.answer = answer;
  count(w, `${request.type}:${'status' in answer ? answer.status : answer.reason}${again ? ' (twice)' : ''}`);
  // A transfer created in this group is no `authorize` op's target before the next group.
  if (client.authorizeNow && 'status' in answer && answer.status === 'REQUIRES_AUTHENTICATION')
    await authorize(w, (await stored(s.transferId))!, false);
}

/**
 * Brings whatever factors the challenge names, again if a stronger class is asked (the day's
 * counters rose meanwhile). `twice`: the same factors go twice at once, as a client retrying.
 */
async function authorize(w: World, t: Transfer, twice: boolean): Promise<void> {
  const party = w.pockets.find((p) => p.party.customerId === t.customerId)!.party;
  const once = async (duplicate: boolean) => {
    try {
      let current = t;
      for (let round = 0; current.status === 'REQUIRES_AUTHENTICATION' && round < 4; round++) {
        if (round > 0) count(w, 'authorize:stepped-up');
        const c = current.challenge!;
        const factors: { otp?: string; softOtp?: string; biometricAssertion?: string } = {};
        if (c.methods.includes('OTP')) factors.otp = (await outbox().list(party.phone, c.challengeId))[0]?.otp;
        if (c.methods.includes('SOFT_OTP')) factors.softOtp = ocra(party.softOtpSecret, c.challengeId);
        if (c.methods.includes('BIOMETRIC'))
          factors.biometricAssertion = await signSandboxAssertion(
            { ...party.person, nonce: c.challengeId, faceMatch: true, liveness: true },
            new Date(),
          );
        await authorizeTransfer(services(), party.customerId, DEVICE, t.transferId, factors);
        current = (await stored(t.transferId))!;
      }
      if (!w.authorized.has(t.transferId)) w.authorized.set(t.transferId, 'ok');
      count(w, `authorize:${current.status}`);
    } catch (error) {
      const reason = reasonOf(error);
      if (reason && raceRefusals.includes(reason)) {
        w.authorized.set(t.transferId, reason);
        count(w, `authorize:${reason}`);
        return;
      }
      // A duplicate may bring the factors of a challenge the other one's step-up replaced.
      if (duplicate && reason && ['too-many-attempts', 'otp-invalid', 'biometric-mismatch'].includes(reason)) {
        count(w, `authorize:duplicate ${reason}`);
        return;
      }
      throw error;
    }
  };
  await Promise.all([once(twice), twice ? once(true) : undefined]);
}

async function settle(w: World, transferId: string): Promise<void> {
  try {
    const result = await settleTransfer(services(), transferId);
    if (result === 'settled') w.settled.add(transferId);
    count(w, `settle:${result}`);
  } catch (error) {
    // The bank's answer stayed unknown (ERROR faults): the message would go back to the queue.
    if (!(error instanceof BankOutcomeUnknown)) throw error;
    count(w, 'settle:unknown');
  }
}

async function decide(
  w: World,
  c: { caseId: string; transferId: string },
  decision: 'RELEASE' | 'REJECT',
  raced: boolean,
  settleNow: boolean,
) {
  try {
    const out = await decideCase(services(), operator, {
      caseId: c.caseId,
      decision,
      note: `property run ${w.runId}`,
      route: 'POST /v1/ops/cases/{caseId}/decision',
    });
    w.decided.set(c.caseId, decision);
    count(w, `decide:${decision}`);
    if (settleNow && out.transfer.status === 'PROCESSING') await settle(w, c.transferId);
  } catch (error) {
    // Two operators deciding one case at once: one of them is told it was decided.
    if (!raced || reasonOf(error) !== 'case-decided') throw error;
    count(w, 'decide:raced');
  }
}

async function replay(w: World, s: Sent): Promise<void> {
  try {
    const view = await createTransfer(services(), s.party.customerId, DEVICE, s.request, s.key);
    expect(view.transferId).toBe(s.transferId);
    expect({ status: view.status }, `replay of ${s.key}`).toEqual(s.answer);
  } catch (error) {
    if (!reasonOf(error)) throw error;
    expect({ reason: reasonOf(error) }, `replay of ${s.key}`).toEqual(s.answer);
  }
  count(w, 'replay');
}

/** The amount of a spend: as generated, or (capped) no more than the balance when there is one. */
async function spendAmount(p: Pocket, wanted: number, capped: boolean): Promise<number> {
  const balance = (await services().wallets.get(p.walletId))!.balance;
  const room = Math.floor(balance / 1_000) * 1_000;
  return capped && room > 0 ? Math.min(wanted, room) : wanted;
}

/** The transfers of the run as they are now (created ones only; refused creates have none). */
async function transfersOf(w: World): Promise<Transfer[]> {
  const all = await Promise.all(w.sent.map((s) => stored(s.transferId)));
  return all.filter((t): t is Transfer => t !== undefined);
}

/** Runs one group: targets are resolved against the state at the group's start, then all run at once. */
async function runGroup(w: World, group: Op[]): Promise<void> {
  const now = await transfersOf(w);
  const waiting = now.filter((t) => t.status === 'REQUIRES_AUTHENTICATION');
  const processing = now.filter((t) => t.status === 'PROCESSING');
  const held = now.filter((t) => t.status === 'HELD' && t.caseId);
  const earlier = [...w.sent];
  const claimed = new Set<string>();
  const caseTargets = group.flatMap((o) => (o.kind === 'decide' && held.length ? [held[o.pick % held.length]!] : []));
  const runOf = (o: Op): (() => Promise<void>) => {
    switch (o.kind) {
      case 'topup': {
        const p = w.pockets[o.pocket % w.pockets.length]!;
        return () =>
          create(w, p, { type: 'TOPUP', walletId: p.walletId, linkId: p.linkId, amount: o.amount }, o.client);
      }
      case 'withdraw': {
        const p = w.pockets[o.pocket % w.pockets.length]!;
        return async () =>
          create(
            w,
            p,
            {
              type: 'WITHDRAWAL',
              walletId: p.walletId,
              linkId: p.linkId,
              amount: await spendAmount(p, o.amount, o.capped),
            },
            o.client,
          );
      }
      case 'p2p': {
        const p = w.individuals[o.pocket % w.individuals.length]!;
        const others = w.individuals.filter((q) => q !== p);
        const to = others[o.to % others.length]!;
        return async () =>
          create(
            w,
            p,
            {
              type: 'P2P',
              walletId: p.walletId,
              toWalletId: to.walletId,
              amount: await spendAmount(p, o.amount, o.capped),
            },
            o.client,
          );
      }
      case 'pay': {
        const p = w.individuals[o.pocket % w.individuals.length]!;
        return async () =>
          create(
            w,
            p,
            {
              type: 'PAYMENT',
              walletId: p.walletId,
              merchantId: w.merchant.walletId,
              amount: await spendAmount(p, o.amount, o.capped),
            },
            o.client,
          );
      }
      case 'authorize': {
        // Distinct transfers within a group: one client authorizes a transfer once at a time.
        const free = waiting.filter((t) => !claimed.has(t.transferId));
        if (!free.length) return async () => count(w, 'authorize:none');
        const t = free[o.pick % free.length]!;
        claimed.add(t.transferId);
        return () => authorize(w, t, o.twice);
      }
      case 'settle': {
        if (!processing.length) return async () => count(w, 'settle:none');
        const t = processing[o.pick % processing.length]!;
        const p = w.pockets.find((q) => q.walletId === t.walletId)!;
        return async () => {
          if (o.fault !== 'NONE') await bank().setFaults(o.fault, o.faults, p.accountNumber);
          await settle(w, t.transferId);
        };
      }
      case 'decide': {
        if (!held.length) return async () => count(w, 'decide:none');
        const t = held[o.pick % held.length]!;
        const raced = caseTargets.filter((c) => c === t).length > 1;
        return () => decide(w, { caseId: t.caseId!, transferId: t.transferId }, o.decision, raced, o.settle);
      }
      case 'burst': {
        const p = w.individuals[o.pocket % w.individuals.length]!;
        const others = w.individuals.filter((q) => q !== p);
        const legOf = (leg: { to: number; pay: boolean; amount: number }): TransferRequest =>
          leg.pay
            ? { type: 'PAYMENT', walletId: p.walletId, merchantId: w.merchant.walletId, amount: leg.amount }
            : {
                type: 'P2P',
                walletId: p.walletId,
                toWalletId: others[leg.to % others.length]!.walletId,
                amount: leg.amount,
              };
        return async () => {
          await Promise.all(o.legs.map((leg) => create(w, p, legOf(leg), { authorizeNow: true, twice: false })));
        };
      }
      case 'refund': {
        const paid = now.filter((t) => t.type === 'PAYMENT' && t.status === 'COMPLETED');
        if (!paid.length) return async () => count(w, 'refund:none');
        const payment = paid[o.pick % paid.length]!;
        const amount = Math.max(1, Math.floor((payment.amount * o.percent) / 100));
        return () =>
          create(
            w,
            w.merchant,
            { type: 'REFUND', walletId: w.merchant.walletId, amount, originalTransferId: payment.transferId },
            o.client,
          );
      }
      case 'sweep':
        return async () => {
          const done = await sweepInbox(services(), w.merchant.walletId);
          count(w, done.applied ? 'sweep:applied' : 'sweep:empty');
        };
      case 'replay': {
        if (!earlier.length) return async () => count(w, 'replay:none');
        const s = earlier[o.pick % earlier.length]!;
        return () => replay(w, s);
      }
    }
  };
  await Promise.all(group.map(runOf).map((run) => run()));
}

/** Every transfer of the run waiting for the bank is settled, the bank answering again. */
async function drain(w: World): Promise<void> {
  await Promise.all(w.pockets.map((p) => bank().setFaults('NONE', 0, p.accountNumber)));
  for (let round = 0; round < 5; round++) {
    const processing = (await transfersOf(w)).filter((t) => t.status === 'PROCESSING');
    if (!processing.length) return;
    await Promise.all(processing.map((t) => settle(w, t.transferId)));
  }
}

// ---------------------------------------------------------------------------------------------
// Reading back and checking

async function allEntries(walletId: string) {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await services().ledger.statement(walletId, 100, cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** The system-account entries of this run's transfers (the accounts are shared with other suites). */
async function systemEntriesOf(transferIds: Set<string>) {
  const found: { account: SystemAccount; transferId: string; amount: number }[] = [];
  const partitions = SYSTEM_ACCOUNTS.flatMap((account) =>
    Array.from({ length: systemAccountShards }, (_, shard) => ({
      account,
      pk: keys.systemEntry(account, shard, '').pk,
    })),
  );
  await Promise.all(
    partitions.map(async ({ account, pk }) => {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await dynamo().send(
          new QueryCommand({
            TableName: process.env.WALLET_TABLE_NAME!,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? [])
          if (transferIds.has(item.transferId as string))
            found.push({ account, transferId: item.transferId as string, amount: item.amount as number });
        start = out.LastEvaluatedKey;
      } while (start);
    }),
  );
  return found;
}

const spends = (t: Transfer) => t.type !== 'TOPUP';
const add = (m: Map<string, number>, k: string, v: number) => {
  if (v !== 0) m.set(k, (m.get(k) ?? 0) + v);
};
const nonZero = (m: Map<string, number>) =>
  Object.fromEntries([...m].filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)));

/** What a transfer in this status has done to the wallets and the system accounts, net (the model). */
function expectedNet(t: Transfer): { wallets: Map<string, number>; system: Map<string, number> } {
  const wallets = new Map<string, number>();
  const system = new Map<string, number>();
  const g = t.amount;
  if (t.status === 'COMPLETED') {
    if (t.type === 'TOPUP') {
      add(wallets, t.walletId, g);
      add(system, 'SAFEGUARDING', -g);
    } else if (t.type === 'WITHDRAWAL') {
      add(wallets, t.walletId, -g);
      add(system, 'SAFEGUARDING', g);
    } else {
      add(wallets, t.walletId, -g);
      add(wallets, t.toWalletId!, g);
    }
  } else if (t.status === 'PROCESSING' && t.type === 'WITHDRAWAL') {
    add(wallets, t.walletId, -g);
    add(system, 'BANK_CLEARING', g);
  } else if (t.status === 'HELD' && spends(t)) {
    add(wallets, t.walletId, -g);
    add(system, 'RISK_HOLD', g);
  }
  return { wallets, system };
}

async function checkInvariants(w: World, phase: 'after the groups' | 'drained'): Promise<void> {
  const svc = services();
  const at = `[run ${w.runId}, ${phase}]`;
  const transfers = await transfersOf(w);
  const byId = new Map(transfers.map((t) => [t.transferId, t]));
  const ids = new Set(transfers.map((t) => t.transferId));

  // Wallets: never negative; the statement sums to the balance, each balanceAfter follows from the
  // previous; every entry belongs to a transfer of this run. Circular 50: Tksth of I.3 ≤ 20M.
  const actualWallet = new Map<string, Map<string, number>>();
  let walletTotal = 0;
  for (const p of w.pockets) {
    const wallet = (await svc.wallets.get(p.walletId))!;
    expect(wallet.balance, `${at} ${p.name} balance`).toBeGreaterThanOrEqual(0);
    const entries = await allEntries(p.walletId);
    expect(
      entries.reduce((s, e) => s + e.amount, 0),
      `${at} ${p.name} statement sum`,
    ).toBe(wallet.balance);
    expect(entries[0]?.balanceAfter ?? 0, `${at} ${p.name} newest balanceAfter`).toBe(wallet.balance);
    entries.forEach((e, i) => {
      expect(e.balanceAfter - e.amount, `${at} ${p.name} entry ${e.entryId}`).toBe(entries[i + 1]?.balanceAfter ?? 0);
      expect(ids.has(e.transferId), `${at} ${p.name} entry of unknown transfer ${e.transferId}`).toBe(true);
      const m = actualWallet.get(e.transferId) ?? new Map<string, number>();
      add(m, p.walletId, e.amount);
      actualWallet.set(e.transferId, m);
    });
    for (const [group, counters] of Object.entries(wallet.counters ?? {})) {
      expect(counters!.totalAB, `${at} ${p.name} ${group} totalAB ≤ total`).toBeLessThanOrEqual(counters!.total);
      if (group === 'I.3') expect(counters!.totalAB, `${at} ${p.name} Tksth`).toBeLessThanOrEqual(TKSTH);
    }
    walletTotal += wallet.balance;
    // Credits still in the inbox (a merchant with shards): its money, postings of their transfers.
    for (const c of await svc.ledger.inbox(p.walletId, inboxShardsToRead(wallet), 10_000)) {
      expect(ids.has(c.entry.transferId), `${at} ${p.name} inbox credit of unknown transfer`).toBe(true);
      if (phase === 'drained') expect.fail(`${at} ${p.name} inbox not drained: ${c.entry.transferId}`);
      const m = actualWallet.get(c.entry.transferId) ?? new Map<string, number>();
      add(m, p.walletId, c.amount);
      actualWallet.set(c.entry.transferId, m);
      walletTotal += c.amount;
    }
  }

  // Double entry, per transfer: the run's wallet entries and system entries are exactly what its
  // status says, and sum to zero; over the run, wallets + system accounts = 0.
  const systemEntries = await systemEntriesOf(ids);
  const actualSystem = new Map<string, Map<string, number>>();
  for (const e of systemEntries) {
    const m = actualSystem.get(e.transferId) ?? new Map<string, number>();
    add(m, e.account, e.amount);
    actualSystem.set(e.transferId, m);
  }
  for (const t of transfers) {
    const expected = expectedNet(t);
    const actual = {
      wallets: actualWallet.get(t.transferId) ?? new Map(),
      system: actualSystem.get(t.transferId) ?? new Map(),
    };
    expect(
      { wallets: nonZero(actual.wallets), system: nonZero(actual.system) },
      `${at} postings of ${t.type} ${t.transferId} (${t.status}${t.failureCode ? ` ${t.failureCode}` : ''})`,
    ).toEqual({ wallets: nonZero(expected.wallets), system: nonZero(expected.system) });
  }
  const systemTotal = systemEntries.reduce((s, e) => s + e.amount, 0);
  expect(walletTotal + systemTotal, `${at} wallets + inboxes + system accounts`).toBe(0);

  // The banks: what left the run's bank accounts is in the wallets, held, reserved for a
  // withdrawal the bank has not paid out, or pulled for a top-up not credited yet.
  let leftBanks = 0;
  for (const p of w.pockets) leftBanks += BANK_START - (await bank().account('VCB', p.accountNumber))!.balance;
  let waiting = 0;
  for (const t of transfers) {
    const bankLeg = t.type === 'TOPUP' || t.type === 'WITHDRAWAL';
    const status = bankLeg ? (await svc.bank.status(t.transferId)).outcome : 'NOT_FOUND';
    if (t.status === 'HELD' && spends(t)) waiting += t.amount;
    if (t.status === 'PROCESSING' && t.type === 'WITHDRAWAL' && status !== 'APPLIED') waiting += t.amount;
    if (t.status === 'PROCESSING' && t.type === 'TOPUP' && status === 'APPLIED') waiting += t.amount;
    // The bank's record agrees with the transfer's end.
    if (bankLeg && t.status === 'COMPLETED') expect(status, `${at} bank of ${t.transferId}`).toBe('APPLIED');
    if (bankLeg && t.status === 'FAILED' && t.failureCode === 'bank-declined')
      expect(status, `${at} bank of ${t.transferId}`).toBe('DECLINED');
    if (bankLeg && ['REQUIRES_AUTHENTICATION', 'HELD', 'REJECTED', 'EXPIRED'].includes(t.status))
      expect(status, `${at} bank of ${t.transferId}`).toBe('NOT_FOUND');
  }
  expect(leftBanks, `${at} money that left the bank accounts`).toBe(walletTotal + waiting);

  // The monthly cap (RULES.md §6): per customer and month, the counter is the sum of the counted
  // transfers that hold their amount (COMPLETED or HELD; a rejected hold gave its room back).
  const parties = [...new Map(w.pockets.map((p) => [p.party.customerId, p.party])).values()];
  for (const party of parties) {
    const counted = transfers.filter((t) => t.customerId === party.customerId && t.monthCounted);
    const months = new Set([businessMonth(new Date()), ...counted.map((t) => t.monthCounted!)]);
    for (const month of months) {
      const used = await svc.ledger.monthlyUsed(party.customerId, month);
      const expected = counted
        .filter((t) => t.monthCounted === month && (t.status === 'COMPLETED' || t.status === 'HELD'))
        .reduce((s, t) => s + t.amount, 0);
      expect(used, `${at} monthly counter of ${party.customerId} ${month}`).toBeLessThanOrEqual(monthlyCap);
      expect(used, `${at} monthly counter of ${party.customerId} ${month}`).toBe(expected);
    }
  }

  // Cases (RULES.md §7): a HELD transfer has an OPEN case, a decided case a transfer that moved
  // on, and its one CASE_DECISION audit row; a held transfer never moved on without a release.
  for (const t of transfers) {
    if (t.status === 'HELD') expect(t.caseId, `${at} HELD ${t.transferId} has a case`).toBeTruthy();
    if (t.riskDecision !== 'HOLD') expect(t.caseId, `${at} ${t.transferId} not held has no case`).toBeUndefined();
    if (!t.caseId) continue;
    const c = (await svc.ledger.getCase(t.caseId)) as RiskCase;
    expect(c, `${at} case ${t.caseId}`).toBeDefined();
    expect({ transferId: c.transferId, amount: c.amount, walletId: c.walletId }).toEqual({
      transferId: t.transferId,
      amount: t.amount,
      walletId: t.walletId,
    });
    const statusOf: Record<RiskCase['status'], string[]> = {
      OPEN: ['HELD'],
      RELEASED: ['PROCESSING', 'COMPLETED', 'FAILED'],
      REJECTED: ['REJECTED'],
    };
    expect(statusOf[c.status], `${at} case ${c.caseId} ${c.status}, transfer ${t.status}`).toContain(t.status);
    const audit = (await svc.audit.list(c.caseId, 10)).items.filter((e) => e.action === 'CASE_DECISION');
    expect(audit.length, `${at} CASE_DECISION rows of ${c.caseId} (${c.status})`).toBe(c.status === 'OPEN' ? 0 : 1);
    const asked = w.decided.get(c.caseId);
    if (asked)
      expect(c.status, `${at} case ${c.caseId} decided ${asked}`).toBe(asked === 'RELEASE' ? 'RELEASED' : 'REJECTED');
    if (c.status !== 'OPEN') {
      expect(audit[0]!.subjects, `${at} audit subjects of ${c.caseId}`).toContain(t.transferId);
      expect(audit[0]!.purpose.reason ?? '', `${at} audit reason of ${c.caseId}`).toMatch(
        c.status === 'RELEASED' ? /^RELEASE/ : /^REJECT/,
      );
    }
  }
  for (const caseId of w.decided.keys())
    expect(
      transfers.some((t) => t.caseId === caseId),
      `${at} decided case ${caseId} belongs to the run`,
    ).toBe(true);

  // Refunds (API.md v1.1): a payment's refundedAmount is the sum of its refunds that moved money
  // (COMPLETED, or HELD for review), and never above the payment.
  for (const t of transfers.filter((x) => x.type === 'PAYMENT')) {
    const refunded = transfers
      .filter((r) => r.type === 'REFUND' && r.originalTransferId === t.transferId)
      .filter((r) => r.status === 'COMPLETED' || r.status === 'HELD')
      .reduce((s, r) => s + r.amount, 0);
    expect(t.refundedAmount ?? 0, `${at} refundedAmount of ${t.transferId}`).toBe(refunded);
    expect(refunded, `${at} refunds of ${t.transferId} within it`).toBeLessThanOrEqual(t.amount);
  }

  // Authorization and settlement: an authorized transfer is not left waiting for factors (or
  // failed with the reason it was refused for); a transfer a settle call settled is final.
  for (const [transferId, outcome] of w.authorized) {
    const t = byId.get(transferId)!;
    if (outcome === 'ok') expect(t.status, `${at} authorized ${transferId}`).not.toBe('REQUIRES_AUTHENTICATION');
    else expect([t.status, t.failureCode], `${at} refused authorization of ${transferId}`).toEqual(['FAILED', outcome]);
  }
  for (const transferId of w.settled)
    expect(['COMPLETED', 'FAILED'], `${at} settled ${transferId}`).toContain(byId.get(transferId)?.status);
  for (const t of transfers) {
    if (t.authenticatedClass)
      expect(strongerOrEqual(t.authenticatedClass, t.class), `${at} class of ${t.transferId}`).toBe(true);
    if (phase === 'drained') expect(t.status, `${at} ${t.transferId} still waits for the bank`).not.toBe('PROCESSING');
  }
}

/** Decree 52 Art. 6(3): the guarantee account holds the wallets and what is in flight (other suites may be mid-transfer). */
async function checkSafeguarding(): Promise<void> {
  let r = await reconcileSafeguarding(services());
  for (let i = 0; i < 40 && r.difference !== 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    r = await reconcileSafeguarding(services());
  }
  expect(r.difference, JSON.stringify(r)).toBe(0);
  expect(r.guaranteeAccountBalance).toBe(r.walletBalances + r.inFlight);
}

// ---------------------------------------------------------------------------------------------

const original = container();
const logLevel = logger.getLevelName();

beforeAll(() => {
  overrideServices({ riskConfig });
  logger.setLogLevel('WARN'); // a line per settlement otherwise
});

afterAll(() => {
  overrideServices({ ...original });
  logger.setLogLevel(logLevel);
});

describe('money properties (fast-check, real engines)', () => {
  it('random interleavings keep every money invariant', { timeout: (TIME_LIMIT + 60) * 1000 }, async () => {
    console.log(`money-properties: FC_SEED=${SEED} FC_RUNS=${RUNS}${PATH ? ` FC_PATH=${PATH}` : ''}`);
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const w = await buildWorld();
        if (s.merchantShards > 0)
          await setInboxShards(services(), w.merchant.walletId, s.merchantShards, {
            caller: operator,
            route: 'PUT /v1/ops/wallets/{walletId}/inbox',
            reason: 'property test',
            reference: w.runId,
          });
        // Every wallet starts with three top-ups (class A, then C), authorized and settled at
        // once; then the watch-list entries are imported.
        await Promise.all(
          w.pockets.flatMap((p) =>
            [8 * M, 25 * M, 45 * M].map((amount) =>
              create(
                w,
                p,
                { type: 'TOPUP', walletId: p.walletId, linkId: p.linkId, amount },
                { authorizeNow: false, twice: false },
              ),
            ),
          ),
        );
        for (const t of await transfersOf(w)) if (t.status === 'REQUIRES_AUTHENTICATION') await authorize(w, t, false);
        await drain(w);
        await flag(w, s);
        for (const group of s.groups) await runGroup(w, group);
        await checkInvariants(w, 'after the groups');
        await drain(w);
        // Money returned by the bank to a merchant with shards lands in its inbox too.
        await sweepInbox(services(), w.merchant.walletId);
        await checkInvariants(w, 'drained');
        const ops = s.groups.reduce((n, g) => n + g.length, 0);
        console.log(`run ${w.runId}: ${ops} operations in ${s.groups.length} groups`, JSON.stringify(w.outcomes));
      }),
      {
        numRuns: RUNS,
        seed: SEED,
        verbose: Number(process.env.FC_VERBOSE ?? 0),
        ...(PATH ? { path: PATH, endOnFailure: true } : {}),
        // Shrinking re-runs whole worlds: bound it so that a failure is reported within the timeout.
        plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT * 1000)],
      },
    );
    await checkSafeguarding();
  });
});

// The transfer state machine (DESIGN.md "One planner, one commit"): a pure function from a
// snapshot of everything a decision needs and one event to one decision: refuse with a reason,
// challenge with a class and its factors, or commit a plan. Every state change of a transfer goes
// through `decide`; nothing else writes a transfer or a balance. Money that waits is two-phase
// whatever the type: a withdrawal's money is reserved in BANK_CLEARING until the bank answers,
// a transfer over the switch in SWITCH_CLEARING until the switch answers, and a transfer held for
// review (RULES.md §7), of any type, waits in RISK_HOLD (or, a top-up, at the customer's bank)
// until an operator releases or rejects it.

import {
  type AuthenticationClass,
  authenticationClass,
  countersAfter,
  type Factor,
  maxClass,
  requiredFactors,
  strongerOrEqual,
  type TransferType,
  transactionGroup,
} from './authentication-class.ts';
import { businessDay, businessMonth } from './calendar.ts';
import type { AuditRecord, CommitPlan, StoredRefusal, TransferWrite, WalletMove } from './commit-plan.ts';
import { type Customer, mayMoveMoney, monthlyCap } from './customer.ts';
import { inboxShard, inboxShardsOf } from './inbox.ts';
import { type EntryType, type LedgerPhase, postings } from './ledger.ts';
import type { IncomingSwitchCredit, NameInquiry } from './name-inquiry.ts';
import { type PaymentRequest, payableRefusal } from './payment-request.ts';
import { refundRefusal } from './refund.ts';
import { payerWalletRefusal, type Refusal, refusals } from './refusals.ts';
import { defaultRiskConfig, evaluateRisk, type RiskConfig } from './risk/index.ts';
import { featuresOf, type RiskInputs } from './risk/inputs.ts';
import type { RiskCase } from './risk-case.ts';
import {
  type CapCounter,
  type Challenge,
  capCounterOf,
  countersOn,
  countsTowardDailyTotals,
  type FirstAnswer,
  type Transfer,
  type TransferStatus,
} from './transfer.ts';
import type { Wallet } from './wallet.ts';

export interface TransferRequest {
  type: TransferType;
  walletId: string;
  amount: number;
  linkId?: string;
  toWalletId?: string;
  toPhoneNumber?: string;
  merchantId?: string;
  /** EXTERNAL: the name inquiry that named the payee (API.md "Interoperable transfers"). */
  nameInquiryId?: string;
  description?: string;
  /** PAYMENT: the payment request it pays; `merchantId` and `amount` are the request's (API.md v1.1). */
  paymentRequestId?: string;
  /** REFUND: the merchant's COMPLETED payment given back; `toWalletId` is that payment's payer wallet. */
  originalTransferId?: string;
}

/** What the planner may know; each event reads only what it needs (absent: not found). */
export interface TransferSnapshot {
  now: Date;
  /** The transfer so far (absent before it is created). */
  transfer?: Transfer;
  /** The paying customer (for a top-up, the receiving one). */
  customer?: Customer;
  /** The device that calls: money moves only from a trusted one (RULES.md §4). */
  device?: { trusted: boolean };
  payer?: Wallet;
  payee?: Wallet;
  /** The bank link a top-up or withdrawal names. */
  link?: { status: 'ACTIVE' | 'REMOVED' };
  /** The customer's total toward this month's cap (RULES.md §6), 0 when nothing counted yet. */
  monthlyUsed: number;
  /** The same toward the essential-payment cap (Circular 41/2025); absent: 0. */
  essentialUsed?: number;
  /** At creation: the risk engine's inputs. */
  risk?: RiskInputs;
  /** At a case decision: the case. */
  riskCase?: RiskCase;
  /** A PAYMENT naming a payment request: the request as read (absent: no such request). */
  paymentRequest?: PaymentRequest;
  /** A REFUND: the payment it gives back, as read (absent: no such transfer). */
  original?: Transfer;
  /** EXTERNAL at creation: the name inquiry the request names (absent: none, or another customer's). */
  nameInquiry?: NameInquiry;
}

export type TransferEvent =
  | {
      kind: 'create';
      transferId: string;
      customerId: string;
      deviceId: string;
      request: TransferRequest;
      requestHash: string;
    }
  /**
   * `authorize` twice: first without `verified` (the planner checks whose transfer it is, its
   * state, the device and that every factor was brought, and answers `verify`), then, once the
   * use case has checked the factors against the challenge, with the class they proved.
   */
  | { kind: 'authorize'; customerId: string; provided: Factor[]; verified?: AuthenticationClass }
  | { kind: 'bank-answer'; outcome: 'APPLIED' | 'DECLINED' }
  /** The switch's final answer to an EXTERNAL transfer (after a status query if the first was lost). */
  | { kind: 'switch-answer'; outcome: 'APPLIED' | 'DECLINED'; settlementDate?: string }
  /**
   * A credit the switch delivers: the snapshot's `payee` is the default wallet of the phone's owner
   * (`customer`), absent when the phone is not a customer's. `transferId` derives from the reference.
   */
  | { kind: 'incoming-credit'; transferId: string; credit: IncomingSwitchCredit; requestHash: string }
  | { kind: 'case-decision'; decision: 'RELEASE' | 'REJECT'; note: string; audit: AuditRecord }
  | { kind: 'expire' }
  | { kind: 'sweep'; stuckSince: Date };

export interface Commit {
  kind: 'commit';
  plan: CommitPlan;
  /** The transfer as the commit leaves it. */
  transfer?: Transfer;
  /** The answer is this refusal although something is written (a FAILED or REJECTED transfer). */
  refusal?: Refusal;
  /** The transfer waits for the bank or the switch now: hand it to the settlement worker after the commit. */
  toBank?: boolean;
}

export type Decision =
  | { kind: 'refuse'; refusal: Refusal }
  /** Nothing to write: the answer is the transfer as it is (authorize repeated after success). */
  | { kind: 'unchanged'; transfer: Transfer }
  /** Ask for these factors: the caller makes the challenge (its OTP), then commits `commit(challenge)`. */
  | { kind: 'challenge'; class: AuthenticationClass; methods: Factor[]; commit: (challenge: Challenge) => Commit }
  /** `authorize` may go on: check the factors of this challenge, then decide again with `verified`. */
  | { kind: 'verify'; transfer: Transfer; challenge: Challenge }
  /** The sweeper's answer: this transfer waits for the bank since long, enqueue it again. */
  | { kind: 'resend'; transfer: Transfer }
  | Commit;

export function decide(s: TransferSnapshot, e: TransferEvent, config: RiskConfig = defaultRiskConfig): Decision {
  switch (e.kind) {
    case 'create':
      return create(s, e, config);
    case 'authorize':
      return authorize(s, e);
    case 'bank-answer':
      return settle(s, e.outcome);
    case 'switch-answer':
      return switchAnswer(s, e);
    case 'incoming-credit':
      return incomingCredit(s, e);
    case 'case-decision':
      return caseDecision(s, e);
    case 'expire':
      return expire(s);
    case 'sweep':
      return sweep(s, e.stuckSince);
  }
}

const iso = (d: Date) => d.toISOString();
const bankLeg = (type: TransferType) => type === 'TOPUP' || type === 'WITHDRAWAL';
const toWallet = (type: TransferType) => type === 'P2P' || type === 'PAYMENT' || type === 'REFUND';
/** Types whose money leaves the payer's wallet at commit. */
const spends = (type: TransferType) => type !== 'TOPUP';

// ---------------------------------------------------------------------------------------------
// create

type CreateEvent = Extract<TransferEvent, { kind: 'create' }>;

/** A refusal at creation is kept as the key's answer: a retry with the same key gets it again. */
function refuseCreate(
  s: TransferSnapshot,
  e: { transferId: string; customerId: string; requestHash: string },
  refusal: Refusal,
): Commit {
  const stored: StoredRefusal = {
    transferId: e.transferId,
    customerId: e.customerId,
    requestHash: e.requestHash,
    reason: refusal.reason,
    detail: refusal.detail,
    facts: { ...refusal.facts },
    at: iso(s.now),
  };
  return {
    kind: 'commit',
    plan: { at: iso(s.now), token: `${e.transferId}:refused`, transfer: { refusal: stored }, wallets: [], system: [] },
    refusal,
  };
}

/** RULES.md §5: the customer may pay (verified, ID not expired). */
function checkCustomer(s: TransferSnapshot): Refusal | undefined {
  if (!s.customer || !mayMoveMoney(s.customer, businessDay(s.now))) return refusals.kycRequired();
  return undefined;
}

/** The payee of a P2P or PAYMENT: an ACTIVE wallet other than the payer's (a merchant's for a PAYMENT). */
function checkPayee(s: TransferSnapshot, r: TransferRequest): Refusal | undefined {
  const payee = s.payee;
  if (!payee || (r.type === 'PAYMENT' && !payee.merchant)) return refusals.payeeNotFound();
  if (payee.walletId === r.walletId) return refusals.selfTransfer();
  // A BLOCK-listed payee is refused as listed (RULES.md §7 `payee-flagged`, kept with its rule
  // hits) whatever its status: the import that listed it froze its wallets too (RULES.md §5).
  if (payee.status !== 'ACTIVE' && s.risk?.watch.payee !== 'BLOCK') return refusals.payeeNotActive();
  return undefined;
}

/** The checks of RULES.md §4–6 in the order a customer meets them; KYC first, whatever wallet id was sent. */
function createRefusal(s: TransferSnapshot, e: CreateEvent): Refusal | undefined {
  const r = e.request;
  const payer = s.payer;
  return (
    checkCustomer(s) ??
    (!payer || payer.ownerId !== e.customerId ? refusals.walletNotFound() : undefined) ??
    (!s.device?.trusted ? refusals.deviceNotTrusted() : undefined) ??
    payerWalletRefusal(payer!.status) ??
    (bankLeg(r.type) && s.link?.status !== 'ACTIVE' ? refusals.linkRequired() : undefined) ??
    merchantRefusal(s, { ...r, customerId: e.customerId }, e.transferId) ??
    (toWallet(r.type) ? checkPayee(s, r) : undefined) ??
    (r.type === 'EXTERNAL' ? checkNameInquiry(s, e.customerId) : undefined)
  );
}

/** EXTERNAL: the payee is the one the customer's own name inquiry found, within its 10 minutes. */
function checkNameInquiry(s: TransferSnapshot, customerId: string): Refusal | undefined {
  const q = s.nameInquiry;
  if (!q || q.customerId !== customerId) return refusals.nameInquiryNotFound();
  if (s.now.getTime() >= Date.parse(q.expiresAt)) return refusals.nameInquiryExpired();
  return undefined;
}

/** The transfer fields of a switch payee: shown masked, its number kept encrypted for the worker. */
const externalPayee = (q: NameInquiry): Partial<Transfer> => ({
  nameInquiryId: q.nameInquiryId,
  counterparty: { institutionCode: q.institutionCode, maskedNumber: q.maskedNumber, name: q.payeeName },
  payeeAccountEnc: q.accountEnc,
  counterpartyKey: q.counterpartyKey,
});

function create(s: TransferSnapshot, e: CreateEvent, config: RiskConfig): Decision {
  const refused = createRefusal(s, e);
  if (refused) return refuseCreate(s, e, refused);
  const r = e.request;
  const customer = s.customer!;
  const payer = s.payer!;
  const payee = toWallet(r.type) ? s.payee : undefined;
  const base: Transfer = {
    transferId: e.transferId,
    type: r.type,
    status: 'REQUIRES_AUTHENTICATION',
    walletId: r.walletId,
    customerId: e.customerId,
    customerKind: customer.kind,
    amount: r.amount,
    group: transactionGroup({ type: r.type, customerKind: customer.kind, ownWallet: payee?.ownerId === e.customerId }),
    class: 'A',
    deviceId: e.deviceId,
    ...(r.linkId ? { linkId: r.linkId } : {}),
    ...(payee ? { toWalletId: payee.walletId, payeeCustomerId: payee.ownerId } : {}),
    ...(r.merchantId ? { merchantId: r.merchantId } : {}),
    ...(r.type === 'PAYMENT' && payee?.essentialCategory ? { essentialCategory: payee.essentialCategory } : {}),
    ...(r.paymentRequestId ? { paymentRequestId: r.paymentRequestId } : {}),
    ...(r.originalTransferId ? { originalTransferId: r.originalTransferId } : {}),
    ...(r.type === 'EXTERNAL' && s.nameInquiry ? externalPayee(s.nameInquiry) : {}),
    ...(r.description ? { description: r.description } : {}),
    requestHash: e.requestHash,
    createdAt: iso(s.now),
  };
  // Early refusals, so that nobody is asked for an OTP to be refused afterwards; the commit checks again.
  const early = fundsRefusal(s, base);
  if (early) return refuseCreate(s, e, early);

  const assessment = evaluateRisk(
    featuresOf(
      {
        type: r.type,
        amount: r.amount,
        at: s.now,
        payerWalletId: payer.walletId,
        ...(payee ? { payeeWalletId: payee.walletId } : {}),
        ...(base.counterpartyKey ? { payeeKey: base.counterpartyKey } : {}),
      },
      payer,
      payee,
      s.risk ?? { profiles: {}, watch: {} },
    ),
    config,
  );
  const judged: Transfer = {
    ...base,
    riskDecision: assessment.decision,
    ...(assessment.hits.length
      ? { ruleHits: assessment.hits.map(({ rule, score, reason }) => ({ rule, score, reason })) }
      : {}),
    ...(assessment.warnings.length ? { warnings: [...assessment.warnings] } : {}),
  };
  if (assessment.decision === 'BLOCK') return blocked(s, judged, assessment.problemCode ?? 'risk-blocked');
  const ruled = authenticationClass({
    group: base.group,
    amount: r.amount,
    counters: countersOn(payer, base.group, s.now),
    linkedBank: bankLeg(r.type),
  });
  // RULES.md §7: a WARN-listed payee or a suspicious pattern raises the class to at least C,
  // also when the transfer will be held as well (a WARN hit's step-up stands whatever else fired).
  const stepUp = assessment.decision === 'STEP_UP' || assessment.hits.some((h) => h.enforces?.decision === 'STEP_UP');
  const cls = stepUp ? maxClass(ruled, 'C') : ruled;
  if (cls === 'A') return post(s, judged, 'A', 'create');
  return challenge(s, { ...judged, class: cls }, cls, 'create');
}

/** BLOCK (RULES.md §7): the transfer is kept as REJECTED with its rule hits, and refused. */
function blocked(s: TransferSnapshot, t: Transfer, code: 'payee-flagged' | 'risk-blocked'): Commit {
  const refusal = code === 'payee-flagged' ? refusals.payeeFlagged(t.transferId) : refusals.riskBlocked(t.transferId);
  const rejected: Transfer = {
    ...t,
    status: 'REJECTED',
    failureCode: code,
    completedAt: t.createdAt,
    firstAnswer: answerOf(refusal),
  };
  return {
    kind: 'commit',
    plan: { at: iso(s.now), token: `${t.transferId}:blocked`, transfer: { create: rejected }, wallets: [], system: [] },
    transfer: rejected,
    refusal,
  };
}

const answerOf = (refusal: Refusal): FirstAnswer => ({
  refusal: { reason: refusal.reason, detail: refusal.detail, facts: { ...refusal.facts } },
});

/** No overdraft (Circular 40), and the monthly caps of personal wallets (RULES.md §6). */
function fundsRefusal(s: TransferSnapshot, t: Transfer): Refusal | undefined {
  if (spends(t.type) && s.payer!.balance < t.amount) return refusals.insufficientFunds();
  const capped = capCounterOf(t);
  if (capped?.counter === 'MONTHLY' && s.monthlyUsed + t.amount > capped.cap) {
    return refusals.monthlyLimit(capped.cap - s.monthlyUsed);
  }
  const essentialUsed = s.essentialUsed ?? 0;
  if (capped?.counter === 'ESSENTIAL' && essentialUsed + t.amount > capped.cap) {
    return refusals.essentialLimit(capped.cap - essentialUsed);
  }
  return undefined;
}

/** The month's room a transfer took, given back (a rejected hold, a declined switch transfer). */
function roomBack(t: Transfer, month: string): NonNullable<CommitPlan['monthly']> {
  const capped = capCounterOf(t) ?? { counter: 'MONTHLY' as const, cap: monthlyCap };
  return { customerId: t.customerId, month, amount: -t.amount, cap: capped.cap, ...essentialCounter(capped) };
}

/** Plans name the counter only when it is the essential one (the 100M cap's plans stay as they were). */
const essentialCounter = (c: CapCounter) => (c.counter === 'ESSENTIAL' ? { counter: 'ESSENTIAL' as const } : {});

/** A transfer that waits for its factors: created so, or (authorize) asked again for stronger ones. */
function challenge(s: TransferSnapshot, t: Transfer, cls: AuthenticationClass, mode: 'create' | 'authorize'): Decision {
  const methods = requiredFactors(cls, t.customerKind);
  return {
    kind: 'challenge',
    class: cls,
    methods,
    commit: (c: Challenge): Commit => {
      const waiting: Transfer = { ...t, status: 'REQUIRES_AUTHENTICATION', class: cls, challenge: c };
      const first: FirstAnswer = {
        status: 'REQUIRES_AUTHENTICATION',
        challenge: { challengeId: c.challengeId, class: cls, expiresAt: c.expiresAt },
      };
      const set: Partial<Transfer> = { status: 'REQUIRES_AUTHENTICATION', class: cls, challenge: c };
      const transfer: TransferWrite =
        mode === 'create'
          ? { create: { ...waiting, firstAnswer: first } }
          : {
              update: {
                transferId: t.transferId,
                from: ['REQUIRES_AUTHENTICATION'],
                to: 'REQUIRES_AUTHENTICATION',
                set,
                amount: t.amount,
              },
            };
      return {
        kind: 'commit',
        plan: {
          at: iso(s.now),
          token: `${t.transferId}:challenge:${c.challengeId}`,
          transfer,
          wallets: [],
          system: [],
        },
        transfer: waiting,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// post: moving the money of an authenticated (or class A) transfer

function entryOf(t: Transfer, type: EntryType, counterparty?: string): WalletMove['entry'] {
  // Over the switch the statement shows the other side masked; the risk profile learns it by its key.
  const external = t.counterparty && (type === 'EXTERNAL' || type === 'EXTERNAL_IN');
  const shown = external ? `${t.counterparty!.institutionCode} ${t.counterparty!.maskedNumber}` : counterparty;
  return {
    transferId: t.transferId,
    type,
    ...(shown ? { counterparty: shown } : {}),
    ...(external && t.counterpartyKey ? { counterpartyKey: t.counterpartyKey } : {}),
  };
}

/** The money of a plan: wallet and system postings, and credits into sharded wallets' inboxes. */
type Money = Pick<CommitPlan, 'wallets' | 'system' | 'credits'>;

/**
 * The wallet and system moves of one ledger phase, with each wallet's entry. Money into a wallet
 * with inbox shards lands in its inbox instead of on its item (domain/inbox.ts), whatever brings
 * it: the commit then leaves the busy wallet's item alone. Money out stays on the item.
 */
function moves(
  phase: LedgerPhase,
  t: Transfer,
  wallets: Record<
    string,
    { wallet: Wallet; requireActive: boolean; entry: WalletMove['entry']; counters?: WalletMove['counters'] }
  >,
): Money {
  const out: Money = { wallets: [], system: [] };
  for (const p of postings(phase, t)) {
    if ('system' in p.account)
      out.system.push({ account: p.account.system, amount: p.amount, transferId: t.transferId });
    else if ('inbox' in p.account) throw new Error(`plan ${phase} of ${t.transferId} posts on an inbox`);
    else {
      const w = wallets[p.account.wallet];
      if (!w) throw new Error(`plan ${phase} of ${t.transferId} needs wallet ${p.account.wallet}`);
      const shards = inboxShardsOf(w.wallet);
      if (p.amount > 0 && shards > 0) {
        const shard = inboxShard(t.transferId, shards);
        out.credits = [
          ...(out.credits ?? []),
          { walletId: w.wallet.walletId, shard, amount: p.amount, entry: w.entry },
        ];
      } else out.wallets.push({ ...w, amount: p.amount, ...(w.counters ? { counters: w.counters } : {}) });
    }
  }
  return out;
}

interface PostContext {
  s: TransferSnapshot;
  t: Transfer;
  mode: 'create' | 'authorize';
  authenticated: AuthenticationClass;
}

/** A refusal after the transfer was stored (authorize) leaves it FAILED with the reason; at creation nothing is kept but the answer. */
function failPost(c: PostContext, refusal: Refusal): Decision {
  if (c.mode === 'create') {
    return refuseCreate(
      c.s,
      { transferId: c.t.transferId, customerId: c.t.customerId, requestHash: c.t.requestHash ?? '' },
      refusal,
    );
  }
  const set: Partial<Transfer> = { status: 'FAILED', failureCode: refusal.reason, completedAt: iso(c.s.now) };
  return {
    kind: 'commit',
    plan: {
      at: iso(c.s.now),
      token: `${c.t.transferId}:failed`,
      transfer: {
        update: {
          transferId: c.t.transferId,
          from: ['REQUIRES_AUTHENTICATION'],
          to: 'FAILED',
          set,
          amount: c.t.amount,
        },
      },
      wallets: [],
      system: [],
    },
    transfer: { ...c.t, ...set },
    refusal,
  };
}

function post(
  s: TransferSnapshot,
  t: Transfer,
  authenticated: AuthenticationClass,
  mode: 'create' | 'authorize',
): Decision {
  const c: PostContext = { s, t, mode, authenticated };
  const payer = s.payer!;
  // Checked again when a waiting transfer is authorised: the ID may have expired, the link gone.
  const still =
    checkCustomer(s) ??
    payerWalletRefusal(payer.status) ??
    (bankLeg(t.type) && s.link?.status !== 'ACTIVE' ? refusals.linkRequired() : undefined);
  if (still) return failPost(c, still);
  // A request paid meanwhile (another payer won the race) or a payment refunded meanwhile.
  const merchant = merchantRefusal(s, t, t.transferId);
  if (merchant) return failPost(c, merchant);
  const counters = countersOn(payer, t.group, s.now);
  const actual = authenticationClass({ group: t.group, amount: t.amount, counters, linkedBank: bankLeg(t.type) });
  // Circular 50: a transfer whose class rose meanwhile (parallel transfers) needs the stronger factors.
  if (!strongerOrEqual(authenticated, actual)) return challenge(s, { ...t, class: actual }, actual, mode);
  if (toWallet(t.type) && t.riskDecision !== 'HOLD' && s.payee?.status !== 'ACTIVE')
    return failPost(c, refusals.payeeNotActive());
  const funds = fundsRefusal(s, t);
  if (funds) return failPost(c, funds);

  const at = iso(s.now);
  const daily = countsTowardDailyTotals(t.type)
    ? { day: businessDay(s.now), group: t.group, next: countersAfter(counters, t.amount, actual) }
    : undefined;
  const month = businessMonth(s.now);
  const capped = capCounterOf(t);
  const monthly = capped
    ? { customerId: t.customerId, month, amount: t.amount, cap: capped.cap, ...essentialCounter(capped) }
    : undefined;
  const payerSide = (type: EntryType, counterparty?: string) => ({
    [payer.walletId]: {
      wallet: payer,
      requireActive: true,
      entry: entryOf(t, type, counterparty),
      ...(daily ? { counters: daily } : {}),
    },
  });

  let next: Partial<Transfer>;
  let money: Money = { wallets: [], system: [] };
  let riskCase: CommitPlan['riskCase'];
  if (t.riskDecision === 'HOLD') {
    // RULES.md §7: held for review. The payer's money waits in RISK_HOLD; a top-up is not pulled yet.
    if (spends(t.type)) money = moves('HOLD_RESERVE', t, payerSide(t.type, t.toWalletId));
    const caseId = `C${t.transferId}`;
    riskCase = {
      open: {
        caseId,
        transferId: t.transferId,
        walletId: t.walletId,
        customerId: t.customerId,
        amount: t.amount,
        status: 'OPEN',
        ruleHits: t.ruleHits ?? [],
        createdAt: at,
      },
    };
    next = { status: 'HELD', caseId };
  } else if (toWallet(t.type)) {
    const payee = s.payee!;
    money = moves(t.type === 'REFUND' ? 'REFUND' : 'TRANSFER', t, {
      ...payerSide(t.type, payee.walletId),
      [payee.walletId]: { wallet: payee, requireActive: true, entry: entryOf(t, t.type, payer.walletId) },
    });
    next = { status: 'COMPLETED', completedAt: at };
  } else if (t.type === 'WITHDRAWAL') {
    money = moves('WITHDRAWAL_RESERVE', t, payerSide('WITHDRAWAL'));
    next = { status: 'PROCESSING', processingSince: at };
  } else if (t.type === 'EXTERNAL') {
    // Reserved until the switch answers (API.md: PROCESSING, then COMPLETED or FAILED and returned).
    money = moves('EXTERNAL_RESERVE', t, payerSide('EXTERNAL'));
    next = { status: 'PROCESSING', processingSince: at };
  } else {
    next = { status: 'PROCESSING', processingSince: at };
  }
  next = { ...next, authenticatedClass: authenticated, ...(monthly ? { monthCounted: month } : {}) };
  const after: Transfer = { ...t, ...next };
  const to = next.status!;
  const plan: CommitPlan = {
    at,
    token: `${t.transferId}:post`,
    transfer:
      mode === 'create'
        ? { create: { ...after, firstAnswer: { status: to } } }
        : { update: { transferId: t.transferId, from: ['REQUIRES_AUTHENTICATION'], to, set: next, amount: t.amount } },
    ...money,
    ...(monthly ? { monthly } : {}),
    ...(riskCase ? { riskCase } : {}),
    ...merchantWrites(s, t, to),
  };
  return { kind: 'commit', plan, transfer: after, ...(to === 'PROCESSING' ? { toBank: true } : {}) };
}

// ---------------------------------------------------------------------------------------------
// authorize, expire

type AuthorizeEvent = Extract<TransferEvent, { kind: 'authorize' }>;

function authorize(s: TransferSnapshot, e: AuthorizeEvent): Decision {
  const t = s.transfer;
  if (!t || t.customerId !== e.customerId) return { kind: 'refuse', refusal: refusals.transferNotFound() };
  if (t.status !== 'REQUIRES_AUTHENTICATION' || !t.challenge) return { kind: 'unchanged', transfer: t };
  // RULES.md §3: the factors must come within the challenge's 5 minutes.
  if (s.now.getTime() >= Date.parse(t.challenge.expiresAt)) return expired(s, t, refusals.challengeExpired());
  if (!s.device?.trusted) return { kind: 'refuse', refusal: refusals.deviceNotTrusted() };
  const missing = t.challenge.methods.filter((m) => !e.provided.includes(m));
  if (missing.length) return { kind: 'refuse', refusal: refusals.authenticationRequired(t.challenge) };
  if (!e.verified) return { kind: 'verify', transfer: t, challenge: t.challenge };
  return post(s, t, e.verified, 'authorize');
}

function expired(s: TransferSnapshot, t: Transfer, refusal?: Refusal): Commit {
  const set: Partial<Transfer> = { status: 'EXPIRED', failureCode: 'challenge-expired' };
  return {
    kind: 'commit',
    plan: {
      at: iso(s.now),
      token: `${t.transferId}:expired`,
      transfer: {
        update: { transferId: t.transferId, from: ['REQUIRES_AUTHENTICATION'], to: 'EXPIRED', set, amount: t.amount },
      },
      wallets: [],
      system: [],
    },
    transfer: { ...t, ...set },
    ...(refusal ? { refusal } : {}),
  };
}

/** An authentication not done in time ends the transfer as EXPIRED (RULES.md §3, 5 minutes). */
function expire(s: TransferSnapshot): Decision {
  const t = s.transfer;
  if (!t) return { kind: 'refuse', refusal: refusals.transferNotFound() };
  const due =
    t.status === 'REQUIRES_AUTHENTICATION' && t.challenge && s.now.getTime() >= Date.parse(t.challenge.expiresAt);
  return due ? expired(s, t) : { kind: 'unchanged', transfer: t };
}

// ---------------------------------------------------------------------------------------------
// the bank's answer, the sweeper

function settle(s: TransferSnapshot, outcome: 'APPLIED' | 'DECLINED'): Decision {
  const t = s.transfer;
  if (!t) return { kind: 'refuse', refusal: refusals.transferNotFound() };
  if (t.status !== 'PROCESSING' || !bankLeg(t.type)) return { kind: 'unchanged', transfer: t };
  const at = iso(s.now);
  const wallet = s.payer!;
  // Money already at the bank's side is credited or returned whatever the wallet's state.
  const own = (type: EntryType) => ({ [wallet.walletId]: { wallet, requireActive: false, entry: entryOf(t, type) } });
  let money: Money = { wallets: [], system: [] };
  if (t.type === 'TOPUP' && outcome === 'APPLIED') money = moves('TOPUP_CREDIT', t, own('TOPUP'));
  if (t.type === 'WITHDRAWAL')
    money = moves(outcome === 'APPLIED' ? 'WITHDRAWAL_PAYOUT' : 'WITHDRAWAL_RETURN', t, own('WITHDRAWAL_RETURN'));
  const set: Partial<Transfer> =
    outcome === 'APPLIED'
      ? { status: 'COMPLETED', completedAt: at }
      : { status: 'FAILED', failureCode: 'bank-declined', completedAt: at };
  const to = set.status as TransferStatus;
  return {
    kind: 'commit',
    plan: {
      at: iso(s.now),
      token: `${t.transferId}:settle`,
      transfer: { update: { transferId: t.transferId, from: ['PROCESSING'], to, set, amount: t.amount } },
      ...money,
    },
    transfer: { ...t, ...set },
  };
}

// ---------------------------------------------------------------------------------------------
// the switch: its answer to an EXTERNAL transfer, and the credits it delivers (Circular 40 Art. 25)

type SwitchAnswer = Extract<TransferEvent, { kind: 'switch-answer' }>;

/** APPLIED: the reservation is now owed to the switch. DECLINED: it goes back, and the month's room with it. */
function switchAnswer(s: TransferSnapshot, e: SwitchAnswer): Decision {
  const t = s.transfer;
  if (!t) return { kind: 'refuse', refusal: refusals.transferNotFound() };
  if (t.status !== 'PROCESSING' || t.type !== 'EXTERNAL') return { kind: 'unchanged', transfer: t };
  const at = iso(s.now);
  const wallet = s.payer!;
  const applied = e.outcome === 'APPLIED';
  const money = applied
    ? moves('EXTERNAL_PAYOUT', t, {})
    : moves('EXTERNAL_RETURN', t, {
        [wallet.walletId]: { wallet, requireActive: false, entry: entryOf(t, 'EXTERNAL_RETURN') },
      });
  const set: Partial<Transfer> = applied
    ? { status: 'COMPLETED', completedAt: at }
    : { status: 'FAILED', failureCode: 'switch-declined', completedAt: at };
  const to = set.status as TransferStatus;
  return {
    kind: 'commit',
    plan: {
      at,
      token: `${t.transferId}:switch`,
      transfer: { update: { transferId: t.transferId, from: ['PROCESSING'], to, set, amount: t.amount } },
      ...money,
      ...(applied
        ? {
            switchRecord: {
              day: e.settlementDate ?? businessDay(s.now),
              reference: t.transferId,
              direction: 'OUT' as const,
              amount: t.amount,
              transferId: t.transferId,
            },
          }
        : {}),
      ...(!applied && t.monthCounted ? { monthly: roomBack(t, t.monthCounted) } : {}),
    },
    transfer: { ...t, ...set },
  };
}

type IncomingEvent = Extract<TransferEvent, { kind: 'incoming-credit' }>;

/**
 * A credit from the switch lands in the default wallet of the phone's owner as EXTERNAL_IN, once
 * per reference (the transfer id derives from it). A phone we do not know, or a wallet that is not
 * ACTIVE, is refused: the refusal is kept under the same id, so the switch asking again gets the
 * same answer, and the money goes back to the sender (API.md "Interoperable transfers").
 */
function incomingCredit(s: TransferSnapshot, e: IncomingEvent): Decision {
  const c = e.credit;
  const wallet = s.payee;
  const customer = s.customer;
  const refusal =
    !wallet || !customer || wallet.ownerId !== customer.customerId
      ? refusals.payeeNotFound()
      : (payerWalletRefusal(wallet.status) ?? undefined);
  if (refusal) {
    return refuseCreate(
      s,
      { transferId: e.transferId, customerId: customer?.customerId ?? '', requestHash: e.requestHash },
      refusal,
    );
  }
  const at = iso(s.now);
  const t: Transfer = {
    transferId: e.transferId,
    type: 'EXTERNAL_IN',
    status: 'COMPLETED',
    walletId: wallet!.walletId,
    customerId: customer!.customerId,
    customerKind: customer!.kind,
    amount: c.amount,
    group: transactionGroup({ type: 'EXTERNAL_IN', customerKind: customer!.kind, ownWallet: false }),
    class: 'A',
    deviceId: 'switch',
    counterparty: {
      institutionCode: c.fromInstitutionCode,
      maskedNumber: c.maskedNumber,
      ...(c.senderName ? { name: c.senderName } : {}),
    },
    counterpartyKey: c.counterpartyKey,
    switchReference: c.reference,
    requestHash: e.requestHash,
    firstAnswer: { status: 'COMPLETED' },
    createdAt: at,
    completedAt: at,
  };
  const money = moves('EXTERNAL_IN_CREDIT', t, {
    [wallet!.walletId]: { wallet: wallet!, requireActive: true, entry: entryOf(t, 'EXTERNAL_IN') },
  });
  return {
    kind: 'commit',
    plan: {
      at,
      token: `${t.transferId}:credit`,
      transfer: { create: t },
      ...money,
      switchRecord: {
        day: c.settlementDate,
        reference: c.reference,
        direction: 'IN',
        amount: c.amount,
        transferId: t.transferId,
      },
    },
    transfer: t,
  };
}

function sweep(s: TransferSnapshot, stuckSince: Date): Decision {
  const t = s.transfer;
  if (!t) return { kind: 'refuse', refusal: refusals.transferNotFound() };
  const stuck = t.status === 'PROCESSING' && Date.parse(t.processingSince ?? t.createdAt) < stuckSince.getTime();
  return stuck ? { kind: 'resend', transfer: t } : { kind: 'unchanged', transfer: t };
}

// ---------------------------------------------------------------------------------------------
// a risk case decided by an operator (RULES.md §7)

type CaseEvent = Extract<TransferEvent, { kind: 'case-decision' }>;

function caseDecision(s: TransferSnapshot, e: CaseEvent): Decision {
  const c = s.riskCase;
  if (!c) return { kind: 'refuse', refusal: refusals.caseNotFound() };
  if (c.status !== 'OPEN') return { kind: 'refuse', refusal: refusals.caseDecided(c.status) };
  const t = s.transfer;
  if (t?.status !== 'HELD')
    return { kind: 'refuse', refusal: refusals.caseDecided('closed: the held transfer has moved on') };
  const at = iso(s.now);
  const release = e.decision === 'RELEASE';
  const close = {
    caseId: c.caseId,
    status: release ? ('RELEASED' as const) : ('REJECTED' as const),
    decidedBy: e.audit.actor,
    note: e.note,
    at,
  };
  const decided = release ? released(s, t, at) : rejected(s, t, at);
  if (decided.kind !== 'commit') return decided;
  return {
    ...decided,
    plan: { ...decided.plan, token: `${t.transferId}:decision`, riskCase: { close }, audit: e.audit },
  };
}

/**
 * RELEASE: the held money goes on, as if it had never waited (a withdrawal to the bank). Not from
 * a payer frozen since it was held (an operator's or a law-enforcement order stops what it has
 * not let go yet): such a case can only be rejected, which returns the money to the wallet.
 */
function released(s: TransferSnapshot, t: Transfer, at: string): Decision {
  if (s.payer?.status === 'FROZEN') return { kind: 'refuse', refusal: refusals.walletFrozen() };
  let money: Money = { wallets: [], system: [] };
  let set: Partial<Transfer>;
  if (toWallet(t.type)) {
    const payee = s.payee;
    if (payee?.status !== 'ACTIVE') return { kind: 'refuse', refusal: refusals.payeeNotActive() };
    money = moves('HOLD_RELEASE', t, {
      [payee.walletId]: { wallet: payee, requireActive: true, entry: entryOf(t, t.type, t.walletId) },
    });
    set = { status: 'COMPLETED', completedAt: at };
  } else {
    if (t.type === 'WITHDRAWAL') money = moves('HOLD_TO_BANK', t, {});
    if (t.type === 'EXTERNAL') money = moves('HOLD_TO_SWITCH', t, {});
    set = { status: 'PROCESSING', processingSince: at };
  }
  const to = set.status as TransferStatus;
  return {
    kind: 'commit',
    plan: {
      at: iso(s.now),
      token: '',
      transfer: { update: { transferId: t.transferId, from: ['HELD'], to, set, amount: t.amount } },
      ...money,
    },
    transfer: { ...t, ...set },
    ...(to === 'PROCESSING' ? { toBank: true } : {}),
  };
}

/** REJECT: the held money goes back to the payer (a held top-up was never pulled); the month's room with it. */
function rejected(s: TransferSnapshot, t: Transfer, at: string): Decision {
  const payer = s.payer!;
  const money = spends(t.type)
    ? moves('HOLD_RETURN', t, {
        [payer.walletId]: { wallet: payer, requireActive: false, entry: entryOf(t, 'HOLD_RETURN') },
      })
    : { wallets: [], system: [] };
  const set: Partial<Transfer> = { status: 'REJECTED', failureCode: 'risk-rejected', completedAt: at };
  const monthly = t.monthCounted ? { monthly: roomBack(t, t.monthCounted) } : {};
  return {
    kind: 'commit',
    plan: {
      at: iso(s.now),
      token: '',
      transfer: { update: { transferId: t.transferId, from: ['HELD'], to: 'REJECTED', set, amount: t.amount } },
      ...money,
      ...monthly,
      ...merchantReturns(t),
    },
    transfer: { ...t, ...set },
  };
}

// ---------------------------------------------------------------------------------------------
// merchants: payment requests and refunds (API.md v1.1)

/**
 * A PAYMENT naming a payment request may go on only while the request is OPEN, not expired, and
 * for this wallet and amount; a REFUND only on the merchant's own COMPLETED payment, within what is
 * left of it (checked before the balance). Checked at creation, and again when the money moves.
 */
function merchantRefusal(
  s: TransferSnapshot,
  r: Pick<Transfer, 'type' | 'walletId' | 'amount' | 'paymentRequestId' | 'merchantId'> & { customerId?: string },
  transferId: string,
): Refusal | undefined {
  if (r.type === 'PAYMENT' && r.paymentRequestId)
    return payableRefusal(s.paymentRequest, s.now, {
      ...(r.merchantId ? { payeeWalletId: r.merchantId } : {}),
      amount: r.amount,
      transferId,
    });
  if (r.type === 'REFUND')
    return refundRefusal(s.original, {
      customerId: r.customerId ?? s.customer?.customerId ?? '',
      walletId: r.walletId,
      amount: r.amount,
    });
  return undefined;
}

/**
 * What a payment or refund whose money moves (COMPLETED, or HELD for review) writes besides the
 * money, in the same transaction: the request claimed, or the payment's refunded sum raised.
 */
function merchantWrites(s: TransferSnapshot, t: Transfer, to: TransferStatus): Partial<CommitPlan> {
  if (to !== 'COMPLETED' && to !== 'HELD') return {};
  if (t.type === 'PAYMENT' && t.paymentRequestId)
    return {
      paymentRequest: {
        claim: {
          paymentRequestId: t.paymentRequestId,
          transferId: t.transferId,
          walletId: t.toWalletId!,
          amount: t.amount,
          at: iso(s.now),
        },
      },
    };
  if (t.type === 'REFUND' && t.originalTransferId && s.original)
    return { refund: { originalTransferId: t.originalTransferId, amount: t.amount, paymentAmount: s.original.amount } };
  return {};
}

/** A held payment or refund an operator rejects gives back what it had claimed. */
function merchantReturns(t: Transfer): Partial<CommitPlan> {
  if (t.type === 'PAYMENT' && t.paymentRequestId)
    return { paymentRequest: { reopen: { paymentRequestId: t.paymentRequestId, transferId: t.transferId } } };
  if (t.type === 'REFUND' && t.originalTransferId)
    return { refund: { originalTransferId: t.originalTransferId, amount: -t.amount, paymentAmount: t.amount } };
  return {};
}

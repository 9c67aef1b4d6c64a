// In-memory fakes of the ports the money use cases drive (createTransfer, authorizeTransfer,
// getTransfer, settleTransfer, sweepStuckTransfers, decideCase), for unit tests without I/O.
//
// The ledger is the one that matters: `commit(plan)` runs `checkPlan`, then checks every condition
// the DynamoDB adapter puts on its TransactWriteItems (functions/core/adapters/dynamodb/ledger.ts,
// commit-items.ts) and applies the whole plan only if all of them hold, else answers `conflict`
// with the roles that refused, as the adapter does. Everything else is as small as the money use
// cases allow; a port method they never call throws "not modelled" rather than pretend.

import { createHash, createHmac } from 'node:crypto';
import type { AuditEntry } from '../../functions/core/domain/audit.ts';
import { businessDay } from '../../functions/core/domain/calendar.ts';
import {
  type CommitPlan,
  checkPlan,
  maxTransactionItems,
  type StoredRefusal,
  type SwitchRecord,
} from '../../functions/core/domain/commit-plan.ts';
import type { Customer } from '../../functions/core/domain/customer.ts';
import { watchlistMacInput } from '../../functions/core/domain/identifiers.ts';
import { oldestFirst, type PendingCredit } from '../../functions/core/domain/inbox.ts';
import type { LawEnforcementRequest } from '../../functions/core/domain/law-enforcement.ts';
import type { StatementEntry, SystemAccount } from '../../functions/core/domain/ledger.ts';
import type { NameInquiry } from '../../functions/core/domain/name-inquiry.ts';
import type { PaymentRequest } from '../../functions/core/domain/payment-request.ts';
import { defaultRiskConfig, type RiskConfig } from '../../functions/core/domain/risk/config.ts';
import type { RiskProfile } from '../../functions/core/domain/risk/profile.ts';
import { type Case, type CaseKind, isScreeningCase } from '../../functions/core/domain/risk-case.ts';
import type { Transfer } from '../../functions/core/domain/transfer.ts';
import type { Wallet, WalletStatus } from '../../functions/core/domain/wallet.ts';
import type { WalletOrder } from '../../functions/core/domain/wallet-control.ts';
import type { AuditLog } from '../../functions/core/ports/audit-log.ts';
import type { BankOutcome, BankPort, MoneyCall } from '../../functions/core/ports/bank.ts';
import type { Clock } from '../../functions/core/ports/clock.ts';
import type { EkycVerdict, EkycVerifier } from '../../functions/core/ports/ekyc.ts';
import type { KeyRing } from '../../functions/core/ports/key-ring.ts';
import type { CommitOutcome, Ledger, MoneyItems, MoneyKeys, PendingSum } from '../../functions/core/ports/ledger.ts';
import type { BankLink, LinkStore } from '../../functions/core/ports/link-store.ts';
import type { Device, OnboardingStore } from '../../functions/core/ports/onboarding-store.ts';
import type { RiskProfiles } from '../../functions/core/ports/risk-profiles.ts';
import type { Services } from '../../functions/core/ports/services.ts';
import type { SettlementQueue } from '../../functions/core/ports/settlement-queue.ts';
import type { SmsMessage, SmsSender } from '../../functions/core/ports/sms.ts';
import type { SweepQueue } from '../../functions/core/ports/sweep-queue.ts';
import type {
  CreditTransfer,
  NameInquiryResult,
  SettlementLine,
  SwitchAccount,
  SwitchOutcome,
  SwitchPort,
} from '../../functions/core/ports/switch.ts';
import type { WalletStore } from '../../functions/core/ports/wallet-store.ts';
import type { Watchlist, WatchlistKind, WatchlistSeverity } from '../../functions/core/ports/watchlist.ts';

const clone = <T>(value: T): T => structuredClone(value);
const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** A port (or the part of one) the money use cases never call: calling it is a test bug. */
function unmodelled<T extends object>(port: string, implemented: Partial<T> = {}): T {
  return new Proxy(implemented as T, {
    get(target, property, receiver) {
      if (property in target) return Reflect.get(target, property, receiver);
      if (typeof property === 'symbol' || property === 'then') return undefined;
      return () => {
        throw new Error(`${port}.${property} is not modelled by test/support/money-fakes.ts`);
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// clock, keys, messages, queue, eKYC, bank

export class FakeClock implements Clock {
  #now: number;
  constructor(iso: string) {
    this.#now = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(iso: string): void {
    this.#now = Date.parse(iso);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** HMAC-SHA256 under a fixed key, like the real ring's `mac`; "encryption" is reversible base64 (tests only). */
export class FakeKeyRing implements KeyRing {
  static readonly #key = Buffer.from('money-fakes: a fixed test key, never a real one', 'utf8');
  macSync(purpose: string, value: string): string {
    return createHmac('sha256', FakeKeyRing.#key).update(`${purpose}\u0000${value}`).digest('base64url');
  }
  encryptSync(plaintext: string): string {
    return `fake1.${Buffer.from(plaintext, 'utf8').toString('base64url')}`;
  }
  async mac(purpose: string, value: string): Promise<string> {
    return this.macSync(purpose, value);
  }
  async encrypt(plaintext: string): Promise<string> {
    return this.encryptSync(plaintext);
  }
  async decrypt(ciphertext: string): Promise<string> {
    const [version, body] = ciphertext.split('.');
    if (version !== 'fake1' || body === undefined) throw new Error('unknown ciphertext format');
    return Buffer.from(body, 'base64url').toString('utf8');
  }
}

export interface SentSms extends SmsMessage {
  sentAt: string;
}

/** Records every message, like the sandbox outbox. */
export class SmsOutbox implements SmsSender {
  readonly sent: SentSms[] = [];
  constructor(private readonly clock: Clock) {}
  async send(message: SmsMessage): Promise<void> {
    this.sent.push({ ...message, sentAt: this.clock.now().toISOString() });
  }
  /** The OTP of the (last) message about `reference`, e.g. a challenge id. */
  otpFor(reference: string): string {
    const message = this.sent.findLast((m) => m.reference === reference);
    if (!message?.otp) throw new Error(`no OTP was sent for ${reference}`);
    return message.otp;
  }
}

/** Records what is handed to the settlement worker; `failing` makes the enqueue throw (an SQS outage). */
export class RecordingQueue implements SettlementQueue {
  readonly enqueued: string[] = [];
  failing = false;
  async enqueue(transferId: string): Promise<void> {
    if (this.failing) throw new Error('the settlement queue is unavailable');
    this.enqueued.push(transferId);
  }
}

/** Records the sweeps asked for, as the FIFO queue would receive them (deduplicated by id). */
export class RecordingSweepQueue implements SweepQueue {
  readonly requested: { walletId: string; dedupId: string }[] = [];
  async request(requests: readonly { walletId: string; dedupId: string }[]): Promise<void> {
    for (const r of requests) if (!this.requested.some((x) => x.dedupId === r.dedupId)) this.requested.push(r);
  }
}

/** The fields of a verdict a test controls; the assertion is the verdict itself, encoded. */
export type VerdictFields = Omit<EkycVerdict, 'issuedAt'>;

/**
 * An eKYC verifier whose assertions are base64url JSON verdicts (made by `assertion`). Anything
 * else is not genuine (undefined), as a forged JWS would be; `genuine = false` refuses all.
 */
export class FakeEkyc implements EkycVerifier {
  genuine = true;
  readonly verified: string[] = [];
  constructor(private readonly clock: Clock) {}
  static assertion(verdict: VerdictFields): string {
    return `fake-ekyc.${Buffer.from(JSON.stringify(verdict), 'utf8').toString('base64url')}`;
  }
  async verify(assertion: string): Promise<EkycVerdict | undefined> {
    this.verified.push(assertion);
    const [scheme, body] = assertion.split('.');
    if (!this.genuine || scheme !== 'fake-ekyc' || body === undefined) return undefined;
    const verdict = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as VerdictFields;
    return { ...verdict, issuedAt: this.clock.now() };
  }
}

/**
 * What the bank does with the next money call: APPLIED, DECLINED, or UNKNOWN (it applies the
 * movement but the answer is lost, like the sandbox bank's TIMEOUT: `status` then says APPLIED).
 */
export type BankScript = 'APPLIED' | 'DECLINED' | 'UNKNOWN';

/** A bank whose answers a test programs; money calls are idempotent per key, as the port requires. */
export class FakeBank implements BankPort {
  /** Outcomes of the next money calls, in order; APPLIED when empty. */
  readonly script: BankScript[] = [];
  readonly calls: { kind: 'pull' | 'push'; call: MoneyCall }[] = [];
  readonly statusCalls: string[] = [];
  /** The guarantee (safeguarding) account at the bank. */
  guarantee = 0;
  readonly #operations = new Map<string, BankOutcome>();
  #n = 0;

  async verifyOwner() {
    return { verified: true as const };
  }
  async pull(call: MoneyCall): Promise<BankOutcome> {
    return this.#money('pull', call);
  }
  async push(call: MoneyCall): Promise<BankOutcome> {
    return this.#money('push', call);
  }
  async status(idempotencyKey: string): Promise<BankOutcome | { outcome: 'NOT_FOUND' }> {
    this.statusCalls.push(idempotencyKey);
    return this.#operations.get(idempotencyKey) ?? { outcome: 'NOT_FOUND' };
  }
  async guaranteeBalance(): Promise<number> {
    return this.guarantee;
  }
  /** Money calls that reached the bank (pull and push, repeats included). */
  get moneyCalls(): number {
    return this.calls.length;
  }

  #money(kind: 'pull' | 'push', call: MoneyCall): BankOutcome {
    this.calls.push({ kind, call: clone(call) });
    const earlier = this.#operations.get(call.idempotencyKey);
    if (earlier) return earlier;
    const script = this.script.shift() ?? 'APPLIED';
    if (script === 'DECLINED') {
      const declined: BankOutcome = { outcome: 'DECLINED', reason: 'INSUFFICIENT_FUNDS' };
      this.#operations.set(call.idempotencyKey, declined);
      return declined;
    }
    const applied: BankOutcome = { outcome: 'APPLIED', bankReference: `BANKREF${++this.#n}` };
    this.#operations.set(call.idempotencyKey, applied);
    this.guarantee += kind === 'pull' ? call.amount : -call.amount;
    return script === 'UNKNOWN' ? { outcome: 'UNKNOWN', reason: 'timeout' } : applied;
  }
}

/**
 * What the switch does with the next credit transfer: APPLIED, DECLINED, UNKNOWN (it applies the
 * transfer but the answer is lost: `status` then says APPLIED), or ERROR (a 5xx: nothing applied).
 */
export type SwitchScript = 'APPLIED' | 'DECLINED' | 'UNKNOWN' | 'ERROR';

/** A switch whose answers a test programs; credit transfers are idempotent per reference. */
export class FakeSwitch implements SwitchPort {
  readonly script: SwitchScript[] = [];
  /** Accounts at other institutions: `<institution>#<number>` → holder name. */
  readonly accounts = new Map<string, string>();
  readonly sent: CreditTransfer[] = [];
  readonly statusCalls: string[] = [];
  readonly report = new Map<string, SettlementLine[]>();
  readonly #operations = new Map<
    string,
    { outcome: 'APPLIED'; settlementDate: string } | { outcome: 'DECLINED'; reason: string }
  >();
  constructor(
    private readonly clock: { now(): Date },
    /** The provider's settlement bank pays what the switch applied out of the guarantee account. */
    private readonly paid: (amount: number) => void = () => {},
  ) {}

  async nameInquiry(a: SwitchAccount): Promise<NameInquiryResult> {
    const holderName = this.accounts.get(`${a.institutionCode}#${a.number}`);
    return holderName ? { found: true, holderName } : { found: false };
  }
  async sendCredit(call: CreditTransfer): Promise<SwitchOutcome> {
    this.sent.push(clone(call));
    const earlier = this.#operations.get(call.reference);
    if (earlier) return earlier;
    const script = this.script.shift() ?? 'APPLIED';
    if (script === 'ERROR') return { outcome: 'UNKNOWN', reason: '5xx' };
    if (script === 'DECLINED') {
      const declined = { outcome: 'DECLINED' as const, reason: 'declined' };
      this.#operations.set(call.reference, declined);
      return declined;
    }
    const day = this.clock.now().toISOString().slice(0, 10);
    const applied = { outcome: 'APPLIED' as const, settlementDate: day };
    this.#operations.set(call.reference, applied);
    this.paid(call.amount);
    this.report.set(day, [
      ...(this.report.get(day) ?? []),
      { reference: call.reference, direction: 'OUT', amount: call.amount },
    ]);
    return script === 'UNKNOWN' ? { outcome: 'UNKNOWN', reason: 'timeout' } : applied;
  }
  async status(reference: string) {
    this.statusCalls.push(reference);
    return this.#operations.get(reference) ?? { outcome: 'NOT_FOUND' as const };
  }
  async settlementReport(date: string): Promise<SettlementLine[]> {
    return clone(this.report.get(date) ?? []);
  }
}

// ---------------------------------------------------------------------------------------------
// the ledger

/** A month counter's key in `InMemoryLedger.monthly`: `<customer>#<month>`, `#ESSENTIAL` for the essential cap. */
const monthKeyOf = (m: { customerId: string; month: string; counter?: 'MONTHLY' | 'ESSENTIAL' }) =>
  `${m.customerId}#${m.month}${m.counter === 'ESSENTIAL' ? '#ESSENTIAL' : ''}`;

type Slot = { transfer: Transfer; index?: string } | { refusal: StoredRefusal };

/** One wallet's statement entry as stored: numbered by the version it produced. */
interface StoredEntry extends StatementEntry {
  walletId: string;
  version: number;
}

export interface CommitRecord {
  plan: CommitPlan;
  outcome: CommitOutcome['outcome'];
  on?: string[];
}

const FAILED = 'ConditionalCheckFailed';

/**
 * The wallet table in memory, with the adapter's semantics: one batch read, and one all-or-nothing
 * conditional commit per plan. The state is public so that tests can seed and inspect it.
 */
export class InMemoryLedger implements Ledger {
  readonly customers = new Map<string, Customer>();
  readonly devices = new Map<string, Device>();
  readonly wallets = new Map<string, Wallet>();
  readonly entries = new Map<string, StoredEntry[]>();
  readonly links = new Map<string, BankLink>();
  readonly monthly = new Map<string, number>();
  readonly profiles = new Map<string, RiskProfile>();
  readonly signIn = new Map<string, NonNullable<MoneyItems['signIn']>>();
  readonly watchlist = new Map<string, WatchlistSeverity>();
  readonly phones = new Map<string, string>();
  readonly slots = new Map<string, Slot>();
  readonly cases = new Map<string, Case>();
  readonly system = new Map<SystemAccount, number>();
  /** Busy wallets' inboxes: pending credits by their item key (`<walletId>#<shard>#<at>#<transferId>`). */
  readonly inboxes = new Map<string, PendingCredit>();
  readonly systemEntries: { account: SystemAccount; transferId: string; amount: number; createdAt: string }[] = [];
  readonly orders: WalletOrder[] = [];
  readonly requests = new Map<string, LawEnforcementRequest>();
  /** Merchants' payment requests (claimed PAID by a payment's commit, like the adapter's conditional update). */
  readonly paymentRequests = new Map<string, PaymentRequest>();
  readonly nameInquiries = new Map<string, NameInquiry>();
  /** What the switch moved, by `<day>#<direction>#<reference>`. */
  readonly switchLines = new Map<string, SwitchRecord>();
  /** The audit table: one entry per subject, append-only (RULES.md §9). */
  readonly audit: AuditEntry[] = [];
  /** Every commit asked for, with its outcome. */
  readonly commits: CommitRecord[] = [];
  /** While true, writes to the audit table fail: a plan carrying an audit record throws, nothing applied. */
  auditFails = false;
  #beforeCommit: (() => Promise<void> | void) | undefined;

  /** Runs `work` once, just before the next commit checks its conditions (a concurrent writer). */
  beforeNextCommit(work: () => Promise<void> | void): void {
    this.#beforeCommit = work;
  }

  // --- read ---------------------------------------------------------------------------------

  async read(k: MoneyKeys): Promise<MoneyItems> {
    const wallets: Record<string, Wallet> = {};
    for (const id of k.walletIds ?? []) {
      const w = this.wallets.get(id);
      if (w) wallets[id] = clone(w);
    }
    const riskProfiles: Record<string, RiskProfile | undefined> = {};
    for (const id of k.riskProfiles ?? []) riskProfiles[id] = clone(this.profiles.get(id));
    const watch = (k.watch ?? []).flatMap((w) => {
      const severity = this.watchlist.get(`${w.kind}#${w.valueHash}`);
      return severity ? [{ kind: w.kind, valueHash: w.valueHash, severity }] : [];
    });
    const monthly = k.monthly ? this.monthly.get(`${k.monthly.customerId}#${k.monthly.month}`) : undefined;
    const essential = k.monthly ? this.monthly.get(`${k.monthly.customerId}#${k.monthly.month}#ESSENTIAL`) : undefined;
    const items: MoneyItems = {
      wallets,
      monthlyUsed: monthly ?? 0,
      essentialUsed: essential ?? 0,
      riskProfiles,
      watch,
    };
    const slot = k.transferId ? this.slots.get(k.transferId) : undefined;
    if (slot && 'refusal' in slot) items.refusal = clone(slot.refusal);
    else if (slot) items.transfer = clone(slot.transfer);
    const customer = k.customerId ? this.customers.get(k.customerId) : undefined;
    if (customer) items.customer = clone(customer);
    const payeeCustomer = k.payeeCustomerId ? this.customers.get(k.payeeCustomerId) : undefined;
    if (payeeCustomer) items.payeeCustomer = clone(payeeCustomer);
    const device = k.device ? this.devices.get(`${k.device.customerId}#${k.device.deviceId}`) : undefined;
    if (device) items.device = clone(device);
    const link = k.link ? this.links.get(`${k.link.walletId}#${k.link.linkId}`) : undefined;
    if (link) items.link = clone(link);
    const signIn = k.signInPhone ? this.signIn.get(k.signInPhone) : undefined;
    if (signIn) items.signIn = clone(signIn);
    const owner = k.phone ? this.phones.get(k.phone) : undefined;
    if (owner) items.phoneOwner = owner;
    const riskCase = k.caseId ? this.cases.get(k.caseId) : undefined;
    if (riskCase) items.riskCase = clone(riskCase);
    const request = k.paymentRequestId ? this.paymentRequests.get(k.paymentRequestId) : undefined;
    if (request) items.paymentRequest = clone(request);
    const original = k.originalTransferId ? this.slots.get(k.originalTransferId) : undefined;
    if (original && 'transfer' in original) items.original = clone(original.transfer);
    const inquiry = k.nameInquiryId ? this.nameInquiries.get(k.nameInquiryId) : undefined;
    if (inquiry) items.nameInquiry = clone(inquiry);
    return items;
  }

  // --- commit -------------------------------------------------------------------------------

  async commit(plan: CommitPlan): Promise<CommitOutcome> {
    checkPlan(plan);
    const work = this.#beforeCommit;
    this.#beforeCommit = undefined;
    if (work) await work();
    const count = itemCount(plan);
    if (count > maxTransactionItems)
      throw new Error(`${plan.token} needs ${count} items, more than one transaction takes`);
    sameItemTwice(plan);
    if (plan.audit && this.auditFails) {
      // As a refused audit write cancels the whole TransactWriteItems: fail closed, nothing applied.
      throw new Error('the audit table refused the write: nothing was committed');
    }
    const on = this.#refusedBy(plan);
    if (on.length) {
      this.commits.push({ plan: clone(plan), outcome: 'conflict', on });
      return { outcome: 'conflict', on };
    }
    this.#apply(plan);
    this.commits.push({ plan: clone(plan), outcome: 'committed' });
    return { outcome: 'committed' };
  }

  /** The roles whose condition does not hold now (the adapter's CancellationReasons). */
  #refusedBy(plan: CommitPlan): string[] {
    const on: string[] = [];
    const write = plan.transfer;
    if (write && 'update' in write) {
      const slot = this.slots.get(write.update.transferId);
      const status = slot && 'transfer' in slot ? slot.transfer.status : undefined;
      if (!status || !write.update.from.includes(status)) on.push(`transfer:${FAILED}`);
    } else if (write) {
      const id = 'create' in write ? write.create.transferId : write.refusal.transferId;
      if (this.slots.has(id)) on.push(`transfer:${FAILED}`);
    }
    for (const move of plan.wallets) {
      const stored = this.wallets.get(move.wallet.walletId);
      const holds =
        stored !== undefined &&
        stored.version === move.wallet.version &&
        (!move.requireActive || stored.status === 'ACTIVE');
      if (!holds) on.push(`wallet:${FAILED}`);
      const next = move.wallet.version + 1;
      if (this.#entriesOf(move.wallet.walletId).some((e) => e.version === next)) on.push(`entry:${FAILED}`);
    }
    for (const c of plan.credits ?? [])
      if (this.inboxes.has(inboxKey({ ...c, at: plan.at }))) on.push(`credit:${FAILED}`);
    if (plan.sweep) {
      const { wallet, credits } = plan.sweep;
      if (this.wallets.get(wallet.walletId)?.version !== wallet.version) on.push(`wallet:${FAILED}`);
      const taken = new Set(this.#entriesOf(wallet.walletId).map((e) => e.version));
      credits.forEach((c, i) => {
        if (taken.has(wallet.version + 1 + i)) on.push(`entry:${FAILED}`);
        if (!this.inboxes.has(inboxKey(c))) on.push(`credit:${FAILED}`);
      });
    }
    if (plan.walletConfig) {
      const stored = this.wallets.get(plan.walletConfig.wallet.walletId);
      if (!stored || stored.inboxShards !== plan.walletConfig.wallet.inboxShards) on.push(`config:${FAILED}`);
    }
    const m = plan.monthly;
    if (m && m.amount > 0) {
      const used = this.monthly.get(monthKeyOf(m));
      if (used !== undefined && used > m.cap - m.amount) on.push(`monthly:${FAILED}`);
    }
    const c = plan.riskCase;
    if (c && 'open' in c && this.cases.has(c.open.caseId)) on.push(`case:${FAILED}`);
    if (c && 'close' in c && this.cases.get(c.close.caseId)?.status !== 'OPEN') on.push(`case:${FAILED}`);
    for (const order of plan.walletOrders ?? []) {
      const stored = this.wallets.get(order.wallet.walletId);
      const asRead =
        stored !== undefined &&
        stored.status === order.wallet.status &&
        stored.frozenFrom === order.wallet.frozenFrom &&
        stored.activeLinks === order.wallet.activeLinks;
      if (!asRead) on.push(`order:${FAILED}`);
    }
    if (plan.lawEnforcementRequest && this.requests.has(plan.lawEnforcementRequest.requestId))
      on.push(`request:${FAILED}`);
    const r = plan.switchRecord;
    if (r && this.switchLines.has(`${r.day}#${r.direction}#${r.reference}`)) on.push(`switch:${FAILED}`);
    const pr = plan.paymentRequest;
    if (pr && 'claim' in pr) {
      const r = this.paymentRequests.get(pr.claim.paymentRequestId);
      const holds =
        r?.status === 'OPEN' &&
        r.expiresAt > pr.claim.at &&
        r.walletId === pr.claim.walletId &&
        r.amount === pr.claim.amount;
      if (!holds) on.push(`paymentRequest:${FAILED}`);
    }
    if (pr && 'reopen' in pr) {
      const r = this.paymentRequests.get(pr.reopen.paymentRequestId);
      if (r?.status !== 'PAID' || r.transferId !== pr.reopen.transferId) on.push(`paymentRequest:${FAILED}`);
    }
    if (plan.refund) {
      const slot = this.slots.get(plan.refund.originalTransferId);
      const payment = slot && 'transfer' in slot ? slot.transfer : undefined;
      const refunded = payment?.refundedAmount;
      const holds =
        plan.refund.amount < 0
          ? refunded !== undefined && refunded >= -plan.refund.amount
          : payment?.status === 'COMPLETED' &&
            payment.type === 'PAYMENT' &&
            (refunded === undefined || refunded <= plan.refund.paymentAmount - plan.refund.amount);
      if (!holds) on.push(`refund:${FAILED}`);
    }
    if (plan.audit) {
      const a = plan.audit;
      for (const subject of new Set(a.subjects)) {
        if (this.audit.some((e) => e.subject === subject && e.at === a.at && e.auditId === a.auditId))
          on.push(`audit:${FAILED}`);
      }
    }
    return on;
  }

  #apply(plan: CommitPlan): void {
    const write = plan.transfer;
    if (write && 'create' in write) {
      const t = clone(write.create);
      this.slots.set(t.transferId, { transfer: t, ...processingIndex(t, t.processingSince ?? t.createdAt) });
    } else if (write && 'update' in write) {
      const u = write.update;
      const slot = this.slots.get(u.transferId) as { transfer: Transfer };
      const t: Transfer = { ...slot.transfer, ...clone(u.set), status: u.to };
      this.slots.set(u.transferId, { transfer: t, ...processingIndex(t, u.set.processingSince ?? '') });
    } else if (write) {
      this.slots.set(write.refusal.transferId, { refusal: clone(write.refusal) });
    }

    const token = digest(plan.token, ...plan.wallets.map((m) => `${m.wallet.walletId}@${m.wallet.version}`));
    for (const move of plan.wallets) {
      const read = move.wallet;
      const stored = this.wallets.get(read.walletId)!;
      const next = read.version + 1;
      const balanceAfter = read.balance + move.amount;
      const counters = move.counters
        ? {
            counterDay: move.counters.day,
            counters: {
              ...(read.counterDay === move.counters.day ? read.counters : {}),
              [move.counters.group]: move.counters.next,
            },
          }
        : {};
      this.wallets.set(read.walletId, { ...stored, balance: balanceAfter, version: next, ...clone(counters) });
      this.#entriesOf(read.walletId).push({
        walletId: read.walletId,
        version: next,
        entryId: digest(token, read.walletId).slice(0, 26),
        transferId: move.entry.transferId,
        type: move.entry.type,
        amount: move.amount,
        balanceAfter,
        ...(move.entry.counterparty ? { counterparty: move.entry.counterparty } : {}),
        createdAt: plan.at,
      });
    }
    for (const c of plan.credits ?? []) this.inboxes.set(inboxKey({ ...c, at: plan.at }), clone({ ...c, at: plan.at }));
    if (plan.sweep) this.#sweep(plan.sweep, token);
    if (plan.walletConfig) {
      const { wallet, inboxShards, inboxShardsSeen } = plan.walletConfig;
      this.wallets.set(wallet.walletId, { ...this.wallets.get(wallet.walletId)!, inboxShards, inboxShardsSeen });
    }
    for (const p of plan.system) {
      this.system.set(p.account, (this.system.get(p.account) ?? 0) + p.amount);
      this.systemEntries.push({ account: p.account, transferId: p.transferId, amount: p.amount, createdAt: plan.at });
    }
    if (plan.monthly) {
      const key = monthKeyOf(plan.monthly);
      this.monthly.set(key, (this.monthly.get(key) ?? 0) + plan.monthly.amount);
    }
    const c = plan.riskCase;
    if (c && 'open' in c) this.cases.set(c.open.caseId, clone(c.open));
    if (c && 'close' in c) {
      const open = this.cases.get(c.close.caseId)!;
      const { caseId: _id, status, decidedBy, note, at } = c.close;
      this.cases.set(c.close.caseId, { ...open, status, decidedBy, note, decidedAt: at });
    }
    for (const order of plan.walletOrders ?? []) {
      if (order.set) {
        const stored = { ...this.wallets.get(order.wallet.walletId)!, ...clone(order.set) };
        for (const field of order.remove ?? []) delete stored[field];
        this.wallets.set(stored.walletId, stored);
      }
      this.orders.push(clone(order.order));
    }
    if (plan.lawEnforcementRequest)
      this.requests.set(plan.lawEnforcementRequest.requestId, clone(plan.lawEnforcementRequest));
    if (plan.switchRecord) {
      const r = plan.switchRecord;
      this.switchLines.set(`${r.day}#${r.direction}#${r.reference}`, clone(r));
    }
    const pr = plan.paymentRequest;
    if (pr && 'claim' in pr) {
      const r = this.paymentRequests.get(pr.claim.paymentRequestId)!;
      this.paymentRequests.set(r.paymentRequestId, {
        ...r,
        status: 'PAID',
        transferId: pr.claim.transferId,
        paidAt: pr.claim.at,
      });
    }
    if (pr && 'reopen' in pr) {
      const { transferId: _t, paidAt: _p, ...r } = this.paymentRequests.get(pr.reopen.paymentRequestId)!;
      this.paymentRequests.set(r.paymentRequestId, { ...r, status: 'OPEN' });
    }
    if (plan.refund) {
      const slot = this.slots.get(plan.refund.originalTransferId) as { transfer: Transfer };
      slot.transfer = { ...slot.transfer, refundedAmount: (slot.transfer.refundedAmount ?? 0) + plan.refund.amount };
    }
    if (plan.audit) {
      for (const subject of new Set(plan.audit.subjects)) this.audit.push({ ...clone(plan.audit), subject });
    }
  }

  /** The adapter's `sweepItems`: the wallet at its version takes the batch, one entry per credit, each credit deleted. */
  #sweep(sweep: NonNullable<CommitPlan['sweep']>, token: string): void {
    const { wallet, credits } = sweep;
    let balance = wallet.balance;
    credits.forEach((c, i) => {
      balance += c.amount;
      this.#entriesOf(wallet.walletId).push({
        walletId: wallet.walletId,
        version: wallet.version + 1 + i,
        entryId: digest(token, wallet.walletId, c.entry.transferId).slice(0, 26),
        transferId: c.entry.transferId,
        type: c.entry.type,
        amount: c.amount,
        balanceAfter: balance,
        ...(c.entry.counterparty ? { counterparty: c.entry.counterparty } : {}),
        createdAt: c.at,
      });
      this.inboxes.delete(inboxKey(c));
    });
    const stored = this.wallets.get(wallet.walletId)!;
    this.wallets.set(wallet.walletId, { ...stored, balance, version: wallet.version + credits.length });
  }

  #entriesOf(walletId: string): StoredEntry[] {
    let list = this.entries.get(walletId);
    if (!list) {
      list = [];
      this.entries.set(walletId, list);
    }
    return list;
  }

  // --- the other reads ----------------------------------------------------------------------

  async getTransfer(transferId: string): Promise<Transfer | undefined> {
    const slot = this.slots.get(transferId);
    return slot && 'transfer' in slot ? clone(slot.transfer) : undefined;
  }

  async useChallengeAttempt(transferId: string, challengeId: string, maxAttempts: number): Promise<boolean> {
    const slot = this.slots.get(transferId);
    const challenge = slot && 'transfer' in slot ? slot.transfer.challenge : undefined;
    if (!challenge || challenge.challengeId !== challengeId || challenge.attempts >= maxAttempts) return false;
    challenge.attempts += 1;
    return true;
  }

  async statement(walletId: string, limit: number, cursor?: string) {
    const before = cursor === undefined ? Number.POSITIVE_INFINITY : Number(Buffer.from(cursor, 'base64url'));
    const newestFirst = [...this.#entriesOf(walletId)]
      .sort((a, b) => b.version - a.version)
      .filter((e) => e.version < before);
    const page = newestFirst.slice(0, limit);
    const items = page.map(({ walletId: _w, version: _v, ...entry }) => clone(entry));
    const last = page.at(-1);
    return {
      items,
      ...(last && newestFirst.length > limit
        ? { nextCursor: Buffer.from(String(last.version)).toString('base64url') }
        : {}),
    };
  }

  async processing(before: string, limit: number): Promise<Transfer[]> {
    return [...this.slots.values()]
      .flatMap((s) => ('transfer' in s && s.index !== undefined && s.index < before ? [s] : []))
      .sort((a, b) => (a.index! < b.index! ? -1 : 1))
      .slice(0, limit)
      .map((s) => clone(s.transfer))
      .filter((t) => t.status === 'PROCESSING');
  }

  async monthlyUsed(customerId: string, month: string): Promise<number> {
    return this.monthly.get(`${customerId}#${month}`) ?? 0;
  }

  async getCase(caseId: string): Promise<Case | undefined> {
    return clone(this.cases.get(caseId));
  }

  async listCases(status: string, limit: number, cursor?: string, kind?: CaseKind) {
    const sortKey = (c: Case) => `${c.createdAt}#${c.caseId}`;
    const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
    const ofKind = (c: Case) => kind === undefined || (kind === 'SCREENING') === isScreeningCase(c);
    const matching = [...this.cases.values()]
      .filter((c) => c.status === status && ofKind(c) && (after === undefined || sortKey(c) < after))
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(clone),
      ...(last && matching.length > limit ? { nextCursor: Buffer.from(sortKey(last)).toString('base64url') } : {}),
    };
  }

  async systemBalance(account: SystemAccount): Promise<number> {
    return this.system.get(account) ?? 0;
  }

  async inbox(walletId: string, shards: number, limit: number): Promise<PendingCredit[]> {
    return this.pendingOf(walletId)
      .filter((c) => c.shard < shards)
      .slice(0, limit);
  }

  async pendingCredits(walletId: string, shards: number): Promise<PendingSum> {
    const pending = this.pendingOf(walletId).filter((c) => c.shard < shards);
    return {
      amount: pending.reduce((sum, c) => sum + c.amount, 0),
      count: pending.length,
      ...(pending[0] ? { oldestAt: pending[0].at } : {}),
    };
  }

  async switchRecords(day: string): Promise<SwitchRecord[]> {
    return [...this.switchLines.values()].filter((r) => r.day === day).map(clone);
  }

  // --- for assertions -----------------------------------------------------------------------

  /** Wallet balances plus system accounts: 0 while every movement was double-entry. */
  /** Wallets + inboxes + system accounts: 0 while the books are right. */
  trialBalance(): number {
    let sum = 0;
    for (const w of this.wallets.values()) sum += w.balance;
    for (const c of this.inboxes.values()) sum += c.amount;
    for (const b of this.system.values()) sum += b;
    return sum;
  }

  /** A wallet's pending credits, oldest first. */
  pendingOf(walletId: string): PendingCredit[] {
    return [...this.inboxes.values()]
      .filter((c) => c.walletId === walletId)
      .sort(oldestFirst)
      .map(clone);
  }

  /** A wallet's entries, oldest first. */
  entriesOf(walletId: string): StoredEntry[] {
    return clone(this.#entriesOf(walletId));
  }

  /** A wallet as stored now. */
  wallet(walletId: string): Wallet {
    const w = this.wallets.get(walletId);
    if (!w) throw new Error(`no wallet ${walletId}`);
    return clone(w);
  }

  /** A transfer as stored now. */
  transfer(transferId: string): Transfer {
    const slot = this.slots.get(transferId);
    if (!slot || !('transfer' in slot)) throw new Error(`no transfer ${transferId}`);
    return clone(slot.transfer);
  }

  /** Commits that went through. */
  get committed(): CommitPlan[] {
    return this.commits.filter((c) => c.outcome === 'committed').map((c) => c.plan);
  }
}

/** An inbox credit's item key, as the adapter's `keys.inboxCredit`. */
const inboxKey = (c: Pick<PendingCredit, 'walletId' | 'shard' | 'at' | 'entry'>) =>
  `${c.walletId}#${c.shard}#${c.at}#${c.entry.transferId}`;

/** The adapter's sparse index of transfers waiting for the bank (`processingIndex`). */
const processingIndex = (t: Transfer, since: string) =>
  t.status === 'PROCESSING' ? { index: `${since}#${t.transferId}` } : {};

/** How many items the adapter's TransactWriteItems would hold. */
function itemCount(plan: CommitPlan): number {
  // A law-enforcement answer's statement parts are written before the transaction, not in it.
  return (
    (plan.transfer ? 1 : 0) +
    2 * plan.wallets.length +
    2 * plan.system.length +
    (plan.monthly ? 1 : 0) +
    (plan.riskCase ? 1 : 0) +
    2 * (plan.walletOrders?.length ?? 0) +
    (plan.lawEnforcementRequest ? 1 : 0) +
    (plan.switchRecord ? 1 : 0) +
    (plan.paymentRequest ? 1 : 0) +
    (plan.refund ? 1 : 0) +
    (plan.credits?.length ?? 0) +
    (plan.sweep ? 1 + 2 * plan.sweep.credits.length : 0) +
    (plan.walletConfig ? 1 : 0) +
    (plan.audit ? new Set(plan.audit.subjects).size : 0)
  );
}

const transferIdOf = (w: NonNullable<CommitPlan['transfer']>) =>
  'create' in w ? w.create.transferId : 'update' in w ? w.update.transferId : w.refusal.transferId;

/** DynamoDB refuses a transaction that names one item twice (a ValidationException, not a conflict). */
function sameItemTwice(plan: CommitPlan): void {
  const keys = [
    ...plan.wallets.map((m) => `wallet:${m.wallet.walletId}`),
    ...(plan.walletOrders ?? []).map((o) => `wallet:${o.wallet.walletId}`),
    ...(plan.sweep ? [`wallet:${plan.sweep.wallet.walletId}`] : []),
    ...(plan.walletConfig ? [`wallet:${plan.walletConfig.wallet.walletId}`] : []),
    ...plan.system.map((p) => `system:${p.account}:${p.transferId}`),
    // A refund updates its payment's transfer item beside its own.
    ...(plan.transfer ? [`transfer:${transferIdOf(plan.transfer)}`] : []),
    ...(plan.refund ? [`transfer:${plan.refund.originalTransferId}`] : []),
  ];
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new Error(`${plan.token}: transaction names ${twice} twice`);
}

// ---------------------------------------------------------------------------------------------
// the stores the money use cases read besides the ledger

function onboardingStore(ledger: InMemoryLedger): OnboardingStore {
  return unmodelled<OnboardingStore>('store', {
    getCustomer: async (customerId) => clone(ledger.customers.get(customerId)),
    getDevice: async (customerId, deviceId) => clone(ledger.devices.get(`${customerId}#${deviceId}`)),
    customerIdByPhone: async (phoneNumber) => ledger.phones.get(phoneNumber),
    monthlyUsage: async (customerId, month) => ledger.monthlyUsed(customerId, month),
  });
}

function walletStore(ledger: InMemoryLedger): WalletStore {
  return unmodelled<WalletStore>('wallets', {
    get: async (walletId) => clone(ledger.wallets.get(walletId)),
    listByOwner: async (ownerId) =>
      [...ledger.wallets.values()]
        .filter((w) => w.ownerId === ownerId)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
        .map(clone),
  });
}

function linkStore(ledger: InMemoryLedger): LinkStore {
  return unmodelled<LinkStore>('links', {
    get: async (walletId, linkId) => clone(ledger.links.get(`${walletId}#${linkId}`)),
    list: async (walletId) => [...ledger.links.values()].filter((l) => l.walletId === walletId).map(clone),
  });
}

function riskProfiles(ledger: InMemoryLedger): RiskProfiles {
  return {
    load: async (walletIds) => Object.fromEntries(walletIds.map((id) => [id, clone(ledger.profiles.get(id))])),
    save: async (walletId, profile, readVersion) => {
      if (ledger.profiles.get(walletId)?.appliedVersion !== readVersion) return false;
      ledger.profiles.set(walletId, clone(profile));
      return true;
    },
  };
}

function auditLog(ledger: InMemoryLedger): AuditLog {
  return {
    append: async (entry) => {
      if (ledger.auditFails) throw new Error('the audit table refused the write');
      for (const subject of new Set(entry.subjects)) {
        if (ledger.audit.some((e) => e.subject === subject && e.at === entry.at && e.auditId === entry.auditId))
          throw new Error('an audit entry is never overwritten');
        ledger.audit.push({ ...clone(entry), subject });
      }
    },
    list: async (subject, limit) => ({
      items: ledger.audit
        .filter((e) => e.subject === subject)
        .sort((a, b) => (`${a.at}#${a.auditId}` < `${b.at}#${b.auditId}` ? 1 : -1))
        .slice(0, limit)
        .map(clone),
    }),
  };
}

function watchlist(ledger: InMemoryLedger, ring: FakeKeyRing): Watchlist {
  return unmodelled<Watchlist>('watchlist', {
    lookup: async (kind, value) => {
      const input = watchlistMacInput(kind, value);
      return input ? ledger.watchlist.get(`${kind}#${ring.macSync(input.purpose, input.value)}`) : undefined;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// the world: services and seeding helpers

export interface Person {
  customerId: string;
  phoneNumber: string;
  deviceId: string;
  walletId: string;
  linkId: string;
  accountNumber: string;
  fullName: string;
  dateOfBirth: string;
  idNumber: string;
}

export interface MoneyWorld {
  services: Services;
  clock: FakeClock;
  ledger: InMemoryLedger;
  keyRing: FakeKeyRing;
  sms: SmsOutbox;
  queue: RecordingQueue;
  sweeps: RecordingSweepQueue;
  ekyc: FakeEkyc;
  bank: FakeBank;
  switch: FakeSwitch;
  /** A VERIFIED individual with a trusted device, an ACTIVE wallet holding `balance` and a bank link. */
  person(input: {
    customerId: string;
    phoneNumber: string;
    balance?: number;
    idExpiryDate?: string;
    accountNumber?: string;
  }): Person;
  /** A merchant organisation with an ACTIVE merchant wallet (its id is the `merchantId`); no device. */
  merchant(input: { customerId: string; phoneNumber: string; walletId?: string; balance?: number }): {
    customerId: string;
    walletId: string;
  };
  /** Another ACTIVE wallet of an existing customer. */
  wallet(
    ownerId: string,
    input: { walletId: string; balance?: number; status?: WalletStatus; merchant?: boolean },
  ): Wallet;
  /** A device of a customer, trusted or not (its soft-OTP secret is `fakeSoftOtpSecret`). */
  device(
    customerId: string,
    deviceId: string,
    input?: Partial<Pick<Device, 'trusted' | 'trustedAt' | 'trustedVia' | 'softOtpSecretEnc'>>,
  ): Device;
  /** A bank link of a wallet. */
  link(walletId: string, input: { linkId: string; accountNumber: string; status?: BankLink['status'] }): BankLink;
  /** A watch-list entry, keyed as the real list keys it (keyed hash of the canonical value). */
  watch(kind: WatchlistKind, value: string, severity: WatchlistSeverity): void;
  /** A biometric assertion of this person for a challenge (the eKYC provider's verdict). */
  biometric(person: Person, nonce: string, overrides?: Partial<VerdictFields>): string;
}

export const fakeStart = '2026-11-10T03:00:00.000Z'; // 10:00 in Hanoi, a Tuesday

/** The soft-OTP secret of every seeded device (the API.md test vector's). */
export const fakeSoftOtpSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** Lock-out counters in memory: strict guards count a try when taken, judged ones when judged wrong. */
function attemptGuards(): Services['guards'] {
  const counts = new Map<string, { wrong: number; lockedUntil?: number }>();
  const keyOf = (g: { factor: string; phoneNumber?: string; customerId?: string }) =>
    `${g.factor}:${g.phoneNumber ?? g.customerId}`;
  let tries = 0;
  return {
    async take(guard, policy, now) {
      const c = counts.get(keyOf(guard)) ?? { wrong: 0 };
      if (c.lockedUntil && c.lockedUntil > now.getTime()) return { ok: false, lockedUntil: new Date(c.lockedUntil) };
      if (policy.judgingAtOnce === undefined) {
        if (c.wrong >= policy.maxTries) {
          c.lockedUntil = now.getTime() + policy.lockSeconds * 1000;
          return { ok: false, lockedUntil: new Date(c.lockedUntil) };
        }
        c.wrong++;
      }
      counts.set(keyOf(guard), c);
      return { ok: true, tryId: `try-${tries++}` };
    },
    async release() {},
    async judged(guard, _tryId, right, policy, now) {
      const c = counts.get(keyOf(guard)) ?? { wrong: 0 };
      if (right) c.wrong = 0;
      else if (policy.judgingAtOnce !== undefined && ++c.wrong >= policy.maxTries) {
        c.wrong = 0;
        c.lockedUntil = now.getTime() + policy.lockSeconds * 1000;
        counts.set(keyOf(guard), c);
        return 0;
      }
      counts.set(keyOf(guard), c);
      return policy.maxTries - c.wrong;
    },
  };
}

export function moneyWorld(options: { now?: string; riskConfig?: RiskConfig } = {}): MoneyWorld {
  const clock = new FakeClock(options.now ?? fakeStart);
  const ledger = new InMemoryLedger();
  const keyRing = new FakeKeyRing();
  const sms = new SmsOutbox(clock);
  const queue = new RecordingQueue();
  const ekyc = new FakeEkyc(clock);
  const bank = new FakeBank();
  const switchPort = new FakeSwitch(clock, (amount) => {
    bank.guarantee -= amount;
  });
  const sweeps = new RecordingSweepQueue();
  const services: Services = {
    clock,
    riskConfig: options.riskConfig ?? defaultRiskConfig,
    store: onboardingStore(ledger),
    wallets: walletStore(ledger),
    links: linkStore(ledger),
    bank,
    switch: switchPort,
    nameInquiries: {
      async save(q) {
        ledger.nameInquiries.set(q.nameInquiryId, clone(q));
      },
    },
    institutionCode: 'EWCORE',
    ledger,
    queue,
    riskProfiles: riskProfiles(ledger),
    watchlist: watchlist(ledger, keyRing),
    ekyc,
    sms,
    otpMessages: unmodelled('otpMessages'),
    identity: unmodelled('identity'),
    keyRing: async () => keyRing,
    walletControl: unmodelled('walletControl'),
    lawEnforcement: unmodelled('lawEnforcement'),
    reports: unmodelled('reports'),
    amlReports: unmodelled('amlReports'),
    profile: unmodelled('profile'),
    deadlines: { suspiciousReportWorkingDays: 3, dataRequestDays: 3 },
    audit: auditLog(ledger),
    devicePolicy: { allowKeyless: true },
    guards: attemptGuards(),
    sessions: unmodelled('sessions'),
    sessionIdleSeconds: 300,
    paymentRequests: {
      async create(r) {
        if (ledger.paymentRequests.has(r.paymentRequestId)) throw new Error('payment request exists');
        ledger.paymentRequests.set(r.paymentRequestId, clone(r));
      },
      async get(id) {
        return clone(ledger.paymentRequests.get(id));
      },
      async dueForExpiry(now, limit) {
        return [...ledger.paymentRequests.values()]
          .filter((r) => r.status === 'OPEN' && r.expiresAt <= now.toISOString())
          .slice(0, limit)
          .map((r) => r.paymentRequestId);
      },
      async expire(id, now) {
        const r = ledger.paymentRequests.get(id);
        if (r?.status !== 'OPEN' || r.expiresAt > now.toISOString()) return false;
        ledger.paymentRequests.set(id, { ...r, status: 'EXPIRED', expiredAt: now.toISOString() });
        return true;
      },
    },
    webhooks: unmodelled('webhooks'),
    webhookQueue: unmodelled('webhookQueue'),
    sweepQueue: sweeps,
    webhookSender: unmodelled('webhookSender'),
    merchantConfig: { vietQrAcquirerId: '971999', webhookPolicy: { allowLoopback: false } },
  };
  const openedAt = '2026-10-01T02:00:00.000Z';

  /** Money put into a wallet at seeding came from the guarantee account, so the books balance. */
  const fund = (amount: number) => {
    ledger.system.set('SAFEGUARDING', (ledger.system.get('SAFEGUARDING') ?? 0) - amount);
    bank.guarantee += amount;
  };

  const world: MoneyWorld = {
    services,
    clock,
    ledger,
    keyRing,
    sms,
    queue,
    sweeps,
    ekyc,
    bank,
    switch: switchPort,
    wallet(ownerId, input) {
      const owner = ledger.customers.get(ownerId);
      const w: Wallet = {
        walletId: input.walletId,
        ownerId,
        ownerKind: owner?.kind ?? 'INDIVIDUAL',
        merchant: input.merchant ?? false,
        status: input.status ?? 'ACTIVE',
        balance: input.balance ?? 0,
        currency: 'VND',
        createdAt: openedAt,
        activeLinks: 1,
        version: 1,
      };
      ledger.wallets.set(w.walletId, w);
      fund(w.balance);
      if (owner && !owner.defaultWalletId) owner.defaultWalletId = w.walletId;
      return clone(w);
    },
    device(customerId, deviceId, input = {}) {
      const d: Device = {
        deviceId,
        trusted: input.trusted ?? true,
        firstSeenAt: openedAt,
        lastSeenAt: openedAt,
        ...(input.trusted === false ? {} : { trustedAt: openedAt, trustedVia: 'KYC' as const }),
        softOtpSecretEnc: keyRing.encryptSync(fakeSoftOtpSecret),
        ...input,
      };
      ledger.devices.set(`${customerId}#${deviceId}`, d);
      return clone(d);
    },
    link(walletId, input) {
      const l: BankLink = {
        linkId: input.linkId,
        walletId,
        bankCode: 'VCB',
        kind: 'ACCOUNT',
        maskedNumber: `******${input.accountNumber.slice(-4)}`,
        accountNumberEnc: keyRing.encryptSync(input.accountNumber),
        instrumentHash: keyRing.macSync('instrument', `VCB:${input.accountNumber}`),
        status: input.status ?? 'ACTIVE',
        createdAt: openedAt,
      };
      ledger.links.set(`${walletId}#${l.linkId}`, l);
      return clone(l);
    },
    person(input) {
      const n = input.customerId;
      const person: Person = {
        customerId: n,
        phoneNumber: input.phoneNumber,
        deviceId: `${n}-phone`,
        walletId: `W-${n}`,
        linkId: `L-${n}`,
        accountNumber: input.accountNumber ?? `0011${String(ledger.customers.size + 1).padStart(9, '0')}`,
        fullName: `Nguyen Van ${n}`,
        dateOfBirth: '1990-05-17',
        idNumber: `0010900${String(ledger.customers.size + 1).padStart(5, '0')}`,
      };
      const customer: Customer = {
        customerId: n,
        phoneNumber: input.phoneNumber,
        status: 'VERIFIED',
        kind: 'INDIVIDUAL',
        createdAt: openedAt,
        verifiedAt: openedAt,
        identity: {
          fullName: person.fullName,
          nationality: 'VN',
          idNumberHash: keyRing.macSync('id-number', person.idNumber),
          idNumberMask: `*********${person.idNumber.slice(-3)}`,
          idNumberEnc: keyRing.encryptSync(person.idNumber),
          dateOfBirthEnc: keyRing.encryptSync(person.dateOfBirth),
          idExpiryDate: input.idExpiryDate ?? '2035-05-17',
        },
      };
      ledger.customers.set(n, customer);
      ledger.phones.set(input.phoneNumber, n);
      world.device(n, person.deviceId);
      world.wallet(n, { walletId: person.walletId, balance: input.balance ?? 0 });
      world.link(person.walletId, { linkId: person.linkId, accountNumber: person.accountNumber });
      return person;
    },
    merchant(input) {
      const walletId = input.walletId ?? `W-${input.customerId}`;
      ledger.customers.set(input.customerId, {
        customerId: input.customerId,
        phoneNumber: input.phoneNumber,
        status: 'VERIFIED',
        kind: 'ORGANIZATION',
        createdAt: openedAt,
        verifiedAt: openedAt,
        merchant: { displayName: 'Pho Thin', mcc: '5812' },
      });
      ledger.phones.set(input.phoneNumber, input.customerId);
      world.wallet(input.customerId, { walletId, merchant: true, balance: input.balance ?? 0 });
      return { customerId: input.customerId, walletId };
    },
    watch(kind, value, severity) {
      const input = watchlistMacInput(kind, value);
      if (!input) throw new Error(`${value} is no ${kind}`);
      ledger.watchlist.set(`${kind}#${keyRing.macSync(input.purpose, input.value)}`, severity);
    },
    biometric(person, nonce, overrides = {}) {
      return FakeEkyc.assertion({
        idNumber: person.idNumber,
        fullName: person.fullName,
        dateOfBirth: person.dateOfBirth,
        faceMatch: true,
        liveness: true,
        source: 'CCCD_CHIP',
        nonce,
        ...overrides,
      });
    },
  };
  return world;
}

/** The Hanoi business day of the world's clock (the day of the Circular 50 counters). */
export const today = (world: MoneyWorld): string => businessDay(world.clock.now());

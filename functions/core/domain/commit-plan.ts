// A commit plan: everything one decision changes, written by one adapter call as one DynamoDB
// TransactWriteItems (DESIGN.md "One planner, one commit"): all of it happens, or none of it.
// Plans are made by the domain's planners; `checkPlan` states what every plan must satisfy
// before it is written (TigerBeetle's paired assertions: the planner asserts what the adapter
// asserts again, and the tests read the items back against the same invariants).

import type { AuditEntry } from './audit.ts';
import type { DailyCounters, TransactionGroup } from './authentication-class.ts';
import { type InboxCredit, type InboxSweep, maxInboxShards, sweepBatch } from './inbox.ts';
import type { LawEnforcementRequest } from './law-enforcement.ts';
import type { EntryType, SystemAccount } from './ledger.ts';
import type { RefusalReason } from './refusals.ts';
import type { Case } from './risk-case.ts';
import { mayFollow, type Transfer, type TransferStatus } from './transfer.ts';
import type { Wallet } from './wallet.ts';
import type { WalletOrder } from './wallet-control.ts';

/** One wallet's posting, applied to the wallet as read: the commit is conditional on its version. */
export interface WalletMove {
  wallet: Wallet;
  /** Signed VND: credits positive, debits negative. */
  amount: number;
  /** Paying and receiving need an ACTIVE wallet; settling a top-up or returning money does not. */
  requireActive: boolean;
  /** The day's Circular 50 counters after this transfer (RULES.md §2), when it counts toward them. */
  counters?: { day: string; group: TransactionGroup; next: DailyCounters };
  /** `counterpartyKey`: a keyed hash naming a party outside the wallet (a switch account) for the risk profile. */
  entry: { transferId: string; type: EntryType; counterparty?: string; counterpartyKey?: string };
}

/**
 * A movement over the switch, filed under the switch's business day for the reconciliation with
 * its settlement report (API.md `GET /v1/ops/reconciliation/switch`): written once per reference.
 */
export interface SwitchRecord {
  day: string;
  reference: string;
  direction: 'OUT' | 'IN';
  amount: number;
  transferId: string;
}

/** A posting on a system account (sharded: no version, `ADD`). */
export interface SystemMove {
  account: SystemAccount;
  amount: number;
  transferId: string;
}

/** An operator's or an authority's record of a change: an item of the change's own transaction. */
export type AuditRecord = Omit<AuditEntry, 'subject'>;

/** A refusal kept as the answer to an Idempotency-Key (API.md "Idempotency": a retry gets it again). */
export interface StoredRefusal {
  transferId: string;
  customerId: string;
  requestHash: string;
  reason: RefusalReason;
  detail: string;
  facts: Record<string, unknown>;
  at: string;
}

export type TransferWrite =
  /** A new transfer: the commit fails if its id exists (an Idempotency-Key used twice). */
  | { create: Transfer }
  /** A state change, conditional on the status being one of `from`. */
  | {
      update: {
        transferId: string;
        from: TransferStatus[];
        to: TransferStatus;
        set: Partial<Transfer>;
        amount: number;
      };
    }
  /** A refusal kept under the transfer id the key would have created. */
  | { refusal: StoredRefusal };

/** A status change of a wallet by an operator or an authority, with its order (RULES.md §7). */
export interface WalletOrderWrite {
  /** As read: the change is conditional on its status, `frozenFrom` and `activeLinks`. */
  wallet: Wallet;
  /** The new status fields; absent when the order is only recorded (a wallet frozen already). */
  set?: Pick<Wallet, 'status'> & Partial<Pick<Wallet, 'frozenFrom' | 'frozenAt'>>;
  /** Fields the change removes (a lifted freeze forgets where it came from). */
  remove?: ('frozenFrom' | 'frozenAt' | 'unlockChallenge')[];
  order: WalletOrder;
}

export interface CommitPlan {
  /** When it happens: the entries' and records' time. */
  at: string;
  /** Derived from what is being done: a retried commit of the same plan is the same request. */
  token: string;
  transfer?: TransferWrite;
  wallets: WalletMove[];
  system: SystemMove[];
  /** Credits into sharded wallets' inboxes (domain/inbox.ts): postings like `wallets`, the wallets' items untouched. */
  credits?: InboxCredit[];
  /** The sweeper's fold of pending credits into their wallet: a commit of its own, nothing else in it. */
  sweep?: InboxSweep;
  /** An operator's inbox configuration of a wallet (conditional on the count as read), with its audit. */
  walletConfig?: { wallet: Wallet; inboxShards: number; inboxShardsSeen: number };
  /**
   * RULES.md §6 monthly caps: the customer's month total may not pass `cap`; negative gives room
   * back. `counter` names the cap: the 100M one, or the essential-payment one (Circular 41/2025).
   */
  monthly?: { customerId: string; month: string; amount: number; cap: number; counter?: 'MONTHLY' | 'ESSENTIAL' };
  /** A risk case opened by this commit, or the decision that closes one (only while OPEN). */
  riskCase?:
    | { open: Case }
    | { close: { caseId: string; status: 'RELEASED' | 'REJECTED'; decidedBy: string; note: string; at: string } };
  walletOrders?: WalletOrderWrite[];
  /** A watch-list entry an operator found not to be this customer (a screening case released). */
  clearance?: { customerId: string; entry: string };
  lawEnforcementRequest?: LawEnforcementRequest;
  /** Money the switch moved (an EXTERNAL transfer applied, a credit received), for the reconciliation. */
  switchRecord?: SwitchRecord;
  /** A payment request this commit claims (PAID: only while OPEN and not expired) or gives back (a rejected hold). */
  paymentRequest?: PaymentRequestWrite;
  /** A refund's share of its payment: `refundedAmount` raised, never above the payment (API.md v1.1 "Refunds"). */
  refund?: RefundWrite;
  /** Staff and authority changes carry their audit record: no change exists without it (RULES.md §9). */
  audit?: AuditRecord;
}

/**
 * `claim`: the payment's commit marks the request PAID, conditionally on it being OPEN, not expired
 * at `at` and still for this wallet and amount, so that one payment completes per request however
 * many race. `reopen`: a held payment rejected by an operator frees the request it had claimed.
 */
export type PaymentRequestWrite =
  | { claim: { paymentRequestId: string; transferId: string; walletId: string; amount: number; at: string } }
  | { reopen: { paymentRequestId: string; transferId: string } };

/**
 * The refunded payment's `refundedAmount` raised by `amount`, conditionally on the payment being
 * COMPLETED and the sum staying ≤ `paymentAmount`; a negative `amount` (a held refund rejected)
 * gives the room back.
 */
export interface RefundWrite {
  originalTransferId: string;
  amount: number;
  paymentAmount: number;
}

/** DynamoDB takes at most 100 items in one transaction. */
export const maxTransactionItems = 100;

/** A plan that breaks one of these is a bug: it is never written. */
export function checkPlan(plan: CommitPlan): void {
  const credits = plan.credits ?? [];
  const total = [...plan.wallets, ...plan.system, ...credits].reduce((sum, m) => sum + m.amount, 0);
  assert(total === 0, `postings of ${plan.token} sum to ${total}, not 0`);
  const ids = plan.wallets.map((m) => m.wallet.walletId);
  assert(new Set(ids).size === ids.length, `${plan.token} moves one wallet twice`);
  for (const m of [...plan.wallets, ...plan.system]) {
    assert(Number.isSafeInteger(m.amount) && m.amount !== 0, `${plan.token}: posting ${m.amount} is not whole VND`);
  }
  checkCredits(plan, ids);
  if (plan.sweep) checkSweep(plan);
  if (plan.walletConfig) {
    const c = plan.walletConfig;
    assert(
      Number.isInteger(c.inboxShards) && c.inboxShards >= 0 && c.inboxShards <= maxInboxShards,
      `${plan.token}: ${c.inboxShards} inbox shards`,
    );
    assert(c.inboxShardsSeen >= c.inboxShards, `${plan.token}: inbox shards seen below the count`);
    assert(plan.audit !== undefined, `${plan.token}: a configuration change without its audit`);
  }
  for (const m of plan.wallets) {
    assert(m.wallet.balance + m.amount >= 0, `${plan.token} overdraws ${m.wallet.walletId}`);
  }
  const write = plan.transfer;
  if (write && 'update' in write) {
    for (const from of write.update.from) {
      assert(mayFollow(from, write.update.to), `${plan.token}: ${from} → ${write.update.to} is no transition`);
    }
    assert(write.update.set.status === write.update.to, `${plan.token}: status and target disagree`);
  }
  if (plan.switchRecord) {
    const r = plan.switchRecord;
    assert(Number.isSafeInteger(r.amount) && r.amount > 0, `${plan.token}: switch record of ${r.amount}`);
    assert(/^\d{4}-\d{2}-\d{2}$/.test(r.day), `${plan.token}: switch record day ${r.day}`);
  }
  if (plan.refund) {
    const r = plan.refund;
    assert(Number.isSafeInteger(r.amount) && r.amount !== 0, `${plan.token}: refund share ${r.amount}`);
    assert(r.amount <= r.paymentAmount, `${plan.token}: a refund above its payment`);
  }
  if (plan.riskCase && 'close' in plan.riskCase)
    assert(plan.audit !== undefined, `${plan.token}: a case decision without its audit`);
  if (plan.walletOrders?.length || plan.lawEnforcementRequest || plan.clearance) {
    assert(plan.audit !== undefined, `${plan.token}: an order without its audit`);
  }
}

/** Inbox credits: money in (whole VND), on a shard of the wallet, one per wallet, never with a posting on its item too. */
function checkCredits(plan: CommitPlan, moved: string[]): void {
  const credited = new Set<string>();
  for (const c of plan.credits ?? []) {
    assert(Number.isSafeInteger(c.amount) && c.amount > 0, `${plan.token}: inbox credit ${c.amount} is not money in`);
    assert(
      Number.isInteger(c.shard) && c.shard >= 0 && c.shard < maxInboxShards,
      `${plan.token}: inbox shard ${c.shard}`,
    );
    assert(!moved.includes(c.walletId), `${plan.token} credits ${c.walletId} on its item and its inbox`);
    assert(!credited.has(c.walletId), `${plan.token} credits the inbox of ${c.walletId} twice`);
    credited.add(c.walletId);
  }
}

/**
 * A sweep folds at most `sweepBatch` credits of one wallet, each once, into that wallet at its
 * version: the inbox gives what the wallet takes (INBOX_SWEEP), and nothing else is in the commit.
 */
function checkSweep(plan: CommitPlan): void {
  const { wallet, credits } = plan.sweep!;
  assert(credits.length > 0 && credits.length <= sweepBatch, `${plan.token}: a sweep of ${credits.length} credits`);
  const ids = credits.map((c) => c.entry.transferId);
  assert(new Set(ids).size === ids.length, `${plan.token} applies a credit twice`);
  for (const c of credits) {
    assert(c.walletId === wallet.walletId, `${plan.token}: a credit of ${c.walletId} swept into ${wallet.walletId}`);
    assert(Number.isSafeInteger(c.amount) && c.amount > 0, `${plan.token}: inbox credit ${c.amount} is not money in`);
  }
  const alone =
    !plan.transfer && !plan.wallets.length && !plan.system.length && !plan.credits?.length && !plan.walletConfig;
  assert(alone, `${plan.token}: a sweep is a commit of its own`);
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`commit plan invariant: ${message}`);
}

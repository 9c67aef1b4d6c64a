import type { CommitPlan, StoredRefusal, SwitchRecord } from '../domain/commit-plan.ts';
import type { Customer } from '../domain/customer.ts';
import type { PendingCredit } from '../domain/inbox.ts';
import type { StatementEntry, SystemAccount } from '../domain/ledger.ts';
import type { NameInquiry } from '../domain/name-inquiry.ts';
import type { PaymentRequest } from '../domain/payment-request.ts';
import type { RiskProfile } from '../domain/risk/profile.ts';
import type { Case, CaseKind } from '../domain/risk-case.ts';
import type { Transfer } from '../domain/transfer.ts';
import type { Wallet } from '../domain/wallet.ts';
import type { BankLink } from './link-store.ts';
import type { Device } from './onboarding-store.ts';
import type { WatchlistKind, WatchlistSeverity } from './watchlist.ts';

/** What a money decision may need, read together in one round trip (strongly consistent). */
export interface MoneyKeys {
  /** The transfer, or the refusal an Idempotency-Key was answered with, under this id. */
  transferId?: string;
  customerId?: string;
  /** A second customer, the payee's owner (P2P and payments: screened by its identifiers, RULES.md §5). */
  payeeCustomerId?: string;
  device?: { customerId: string; deviceId: string };
  walletIds?: string[];
  link?: { walletId: string; linkId: string };
  monthly?: { customerId: string; month: string };
  riskProfiles?: string[];
  signInPhone?: string;
  watch?: { kind: WatchlistKind; valueHash: string }[];
  /** A phone number: who owns it (P2P by phone). */
  phone?: string;
  caseId?: string;
  /** PAYMENT: the payment request it pays. */
  paymentRequestId?: string;
  /** REFUND: the payment it gives back (read as `original`). */
  originalTransferId?: string;
  /** EXTERNAL: the name inquiry a transfer names. */
  nameInquiryId?: string;
}

export interface MoneyItems {
  transfer?: Transfer;
  /** The slot of `transferId` holds a refusal, not a transfer. */
  refusal?: StoredRefusal;
  customer?: Customer;
  payeeCustomer?: Customer;
  device?: Device;
  wallets: Record<string, Wallet>;
  link?: BankLink;
  monthlyUsed: number;
  /** The month's total toward the essential-payment cap (read with `monthly`). */
  essentialUsed: number;
  riskProfiles: Record<string, RiskProfile | undefined>;
  signIn?: { recentFailures?: number; lastFailureAt?: string };
  watch: { kind: WatchlistKind; valueHash: string; severity: WatchlistSeverity }[];
  phoneOwner?: string;
  riskCase?: Case;
  paymentRequest?: PaymentRequest;
  /** The transfer `originalTransferId` names. */
  original?: Transfer;
  nameInquiry?: NameInquiry;
}

/**
 * `committed`, or `conflict`: a condition did not hold (a wallet's version moved on, the month's
 * room or the transfer's state changed, the transfer id exists, a case was decided) or DynamoDB
 * reported a TransactionConflict. Nothing was written; read again and decide again. `on` says
 * which items refused (`wallet:ConditionalCheckFailed`…), for the logs.
 */
export type CommitOutcome = { outcome: 'committed' } | { outcome: 'conflict'; on: string[] };

export interface Ledger {
  /** One BatchGetItem for everything named (unprocessed keys asked again). */
  read(keys: MoneyKeys): Promise<MoneyItems>;
  /** The plan as one TransactWriteItems (wallet and audit tables), after `checkPlan`. */
  commit(plan: CommitPlan): Promise<CommitOutcome>;
  getTransfer(transferId: string): Promise<Transfer | undefined>;
  /**
   * Uses one factor attempt of the pending challenge atomically, before any factor is checked
   * (RULES.md §3: at most 5 tries): false when none are left. The one write outside a commit plan:
   * a counter that decides in the same update that counts, and changes no state.
   */
  useChallengeAttempt(transferId: string, challengeId: string, maxAttempts: number): Promise<boolean>;
  statement(
    walletId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: StatementEntry[]; nextCursor?: string }>;
  /** Transfers in PROCESSING since before `before`, oldest first. */
  processing(before: string, limit: number): Promise<Transfer[]>;
  monthlyUsed(customerId: string, month: string): Promise<number>;
  getCase(caseId: string): Promise<Case | undefined>;
  /** Cases of one status, newest first; `kind` keeps only held transfers or only screenings. */
  listCases(
    status: string,
    limit: number,
    cursor?: string,
    kind?: CaseKind,
  ): Promise<{ items: Case[]; nextCursor?: string }>;
  systemBalance(account: SystemAccount): Promise<number>;
  /**
   * A sharded wallet's pending credits (functions/core/domain/inbox.ts), oldest first, at most
   * `limit`, read strongly consistent from its first `shards` inbox shards.
   */
  inbox(walletId: string, shards: number, limit: number): Promise<PendingCredit[]>;
  /** What waits in a wallet's inbox altogether: a read sums the shards (0 for a wallet without any). */
  pendingCredits(walletId: string, shards: number): Promise<PendingSum>;
  /** What the ledger recorded as moved over the switch on one of the switch's business days. */
  switchRecords(day: string): Promise<SwitchRecord[]>;
}

/** The credits waiting in one wallet's inbox: their sum, how many, and when the oldest was committed. */
export interface PendingSum {
  amount: number;
  count: number;
  oldestAt?: string;
}

export type { CommitPlan } from '../domain/commit-plan.ts';
export type { StatementEntry } from '../domain/ledger.ts';

import type { DailyCounters, TransactionGroup } from '../domain/authentication-class.ts';
import type { StatementEntry, SystemAccount } from '../domain/ledger.ts';
import type { RiskCase } from '../domain/risk-case.ts';
import type { Transfer, TransferStatus } from '../domain/transfer.ts';
import type { Wallet } from '../domain/wallet.ts';

export interface WalletChange {
  /** The wallet as read: the commit is conditional on its version. */
  wallet: Wallet;
  delta: number;
  /** Sending and receiving need an ACTIVE wallet; settling an accepted top-up or return does not. */
  requireActive: boolean;
  /** The day's counters after this transfer (RULES.md §2), when it counts toward them. */
  counters?: { day: string; group: TransactionGroup; next: DailyCounters };
  entry: { transferId: string; type: string; counterparty?: string; at: string };
}

/** One money movement: everything in it commits together in one TransactWriteItems, or nothing does. */
export interface CommitPlan {
  /** A new transfer (class A at creation), or a state change of an existing one. */
  transfer:
    | { create: Transfer }
    /** `amount` lets a completing transfer enter the large-value index (RULES.md §8). */
    | { update: { transferId: string; from: TransferStatus[]; set: Partial<Transfer>; amount?: number } };
  wallets: WalletChange[];
  system: { account: SystemAccount; amount: number; transferId: string; at: string }[];
  /** RULES.md §6 monthly cap: the customer's month total may not pass `cap`. */
  monthly?: { customerId: string; month: string; amount: number; cap: number };
  /** Derived from the transfer id and phase: a retried request is applied at most once. */
  token: string;
  /** A risk case opened by this commit, or the decision that closes one (only from OPEN). */
  riskCase?:
    | { open: RiskCase }
    | { close: { caseId: string; status: 'RELEASED' | 'REJECTED'; decidedBy: string; note: string; at: string } };
}

export type CommitOutcome = 'committed' | 'stale' | 'monthly-limit' | 'transfer-moved-on' | 'case-decided';

export interface Ledger {
  commit(plan: CommitPlan): Promise<CommitOutcome>;
  getTransfer(transferId: string): Promise<Transfer | undefined>;
  /** Writes a transfer that waits (authentication); fails if the id exists. */
  createTransfer(transfer: Transfer): Promise<void>;
  /** Conditional on the status; false when the transfer is elsewhere. */
  updateTransfer(transferId: string, from: TransferStatus[], set: Partial<Transfer>): Promise<boolean>;
  /** Uses one factor attempt of the challenge atomically; false when none are left. */
  useChallengeAttempt(transferId: string, challengeId: string, maxAttempts: number): Promise<boolean>;
  statement(
    walletId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: StatementEntry[]; nextCursor?: string }>;
  /** Transfers in PROCESSING created before `before`, oldest first. */
  processing(before: string, limit: number): Promise<Transfer[]>;
  monthlyUsed(customerId: string, month: string): Promise<number>;
  getCase(caseId: string): Promise<RiskCase | undefined>;
  listCases(status: string, limit: number, cursor?: string): Promise<{ items: RiskCase[]; nextCursor?: string }>;
  systemBalance(account: SystemAccount): Promise<number>;
}

export type { StatementEntry } from '../domain/ledger.ts';

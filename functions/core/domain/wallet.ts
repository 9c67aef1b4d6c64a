// Wallet states (API.md). A wallet moves no money until it is linked to its owner's own bank
// account or card (RULES.md §6, Decree 52 Art. 6).
import type { EssentialCategory } from './customer.ts';

export type WalletStatus = 'PENDING_LINK' | 'ACTIVE' | 'LOCKED' | 'FROZEN' | 'CLOSED';

export interface Wallet {
  walletId: string;
  ownerId: string;
  /** Organisation wallets follow groups II.1/II.2 and are exempt from the monthly cap. */
  ownerKind: 'INDIVIDUAL' | 'ORGANIZATION';
  /** A merchant's wallet receives PAYMENTs (its id is the `merchantId`). */
  merchant: boolean;
  /** An essential-service merchant's wallet (its owner's KYC declaration): payments to it count toward the essential cap. */
  essentialCategory?: EssentialCategory;
  status: WalletStatus;
  balance: number;
  currency: 'VND';
  createdAt: string;
  /** ACTIVE bank links; the last one cannot go while the wallet holds money. */
  activeLinks?: number;
  /** Bumped by every balance or counter change; commits are conditional on it (optimistic locking). */
  version: number;
  /** The Hanoi business day the counters belong to (RULES.md §2). */
  counterDay?: string;
  counters?: Partial<Record<string, { total: number; totalAB: number }>>;
  lockedReason?: string;
  /** When its owner locked it (RULES.md §7: lost credentials suspend the service at once). */
  lockedAt?: string;
  /** While FROZEN: the status a lifted freeze returns to (a wallet its owner locked stays LOCKED). */
  frozenFrom?: WalletStatus;
  frozenAt?: string;
  /** The pending self-unlock challenge (POST /v1/wallets/{id}/unlock): one at a time, 5 minutes, one use. */
  unlockChallenge?: UnlockChallenge;
  /**
   * A busy merchant's inbox (functions/core/domain/inbox.ts): credits land on this many shard items
   * and a sweeper folds them into the balance; absent or 0, credits update the wallet itself.
   */
  inboxShards?: number;
  /** The most shards the inbox ever had: where credits may still wait after the count was lowered. */
  inboxShardsSeen?: number;
}

export interface UnlockChallenge {
  challengeId: string;
  /** The trusted device that asked; only it may answer. */
  deviceId: string;
  expiresAt: string;
  /** Biometric tries used, right or wrong (RULES.md §3: at most 5). */
  attempts: number;
}

export const walletView = (w: Wallet) => ({
  walletId: w.walletId,
  status: w.status,
  balance: w.balance,
  currency: w.currency,
});

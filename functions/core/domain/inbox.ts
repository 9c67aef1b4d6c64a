// A wallet past DynamoDB's per-item ceiling (docs/merchants.md "A busy merchant's inbox",
// docs/performance.md "A merchant past the per-item ceiling"). A wallet configured with
// `inboxShards` takes every credit (a payment, a P2P, a credit from the switch, money returned)
// as an item of its own on one of its inbox shards, `WALLET#<id>#INBOX#<s>`, written by the
// commit that moves the money, without touching the wallet's item: payers of one merchant no
// longer conflict with each other. One sweeper per wallet at a time folds the credits into the
// balance in batches: the wallet at its version, one statement entry per credit numbered by the
// version it produces (as every entry is), and each credit deleted in the same transaction, so
// that a credit is applied once whatever is retried. Debits stay on the wallet's item and see
// only what was folded in: a credit is never spent before it is applied, nor twice.

import { createHash } from 'node:crypto';
import type { AuditRecord, CommitPlan } from './commit-plan.ts';
import { type EntryType, postings, sumsToZero } from './ledger.ts';
import { type Refusal, refusals } from './refusals.ts';
import type { Wallet } from './wallet.ts';

/** An operator may spread a wallet's credits over at most this many shards (docs/merchants.md). */
export const maxInboxShards = 64;

/** TransactWriteItems takes 100 items: the wallet's update, then per credit its entry and its delete. */
export const sweepBatch = 49;

/** A credit into a wallet's inbox, as a commit plan carries it (the plan's `at` is its time). */
export interface InboxCredit {
  walletId: string;
  shard: number;
  /** VND, positive: money in. */
  amount: number;
  /** The statement entry it becomes when it is applied. */
  entry: { transferId: string; type: EntryType; counterparty?: string; counterpartyKey?: string };
}

/** A credit waiting in the inbox: with the time of the commit that wrote it. */
export interface PendingCredit extends InboxCredit {
  at: string;
}

/** A batch of pending credits folded into the wallet as read (the commit is conditional on its version). */
export interface InboxSweep {
  wallet: Wallet;
  credits: PendingCredit[];
}

/** The shards new credits go to; 0: the wallet takes its credits itself. */
export const inboxShardsOf = (w: Pick<Wallet, 'inboxShards'>): number => w.inboxShards ?? 0;

/** The shards a credit may wait on: every shard the inbox ever had (its count may have been lowered since). */
export const inboxShardsToRead = (w: Pick<Wallet, 'inboxShards' | 'inboxShardsSeen'>): number =>
  Math.max(w.inboxShards ?? 0, w.inboxShardsSeen ?? 0);

/** The shard of a transfer's credit: derived from the transfer, so a retried commit writes the same item. */
export function inboxShard(transferId: string, shards: number): number {
  return Number.parseInt(createHash('sha256').update(transferId).digest('hex').slice(0, 8), 16) % shards;
}

/** Oldest first, then by transfer: the order in which the sweeper applies credits. */
export const oldestFirst = (a: PendingCredit, b: PendingCredit): number =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.entry.transferId < b.entry.transferId ? -1 : 1;

/**
 * The sweeper's plan: the oldest credits of the wallet (at most `sweepBatch`) folded into its
 * balance as read, one entry each. Nothing to do: undefined. Whatever the wallet's status: a
 * freeze or a lock stops money leaving, not arriving, and a credit to a wallet closed meanwhile
 * is applied too (kept visibly on the closed wallet, never lost: docs/merchants.md).
 */
export function planSweep(wallet: Wallet, pending: readonly PendingCredit[], at: string): CommitPlan | undefined {
  const credits = pending
    .filter((c) => c.walletId === wallet.walletId)
    .sort(oldestFirst)
    .slice(0, sweepBatch);
  if (!credits.length) return undefined;
  const total = credits.reduce((sum, c) => sum + c.amount, 0);
  // The postings of the fold: the inbox gives, the wallet takes (domain/ledger.ts).
  if (!sumsToZero(postings('INBOX_SWEEP', { walletId: wallet.walletId, amount: total })))
    throw new Error('INBOX_SWEEP does not sum to zero');
  return {
    at,
    token: `sweep:${wallet.walletId}@${wallet.version}`,
    wallets: [],
    system: [],
    sweep: { wallet, credits },
  };
}

/**
 * An operator spreads a wallet's credits over `shards` inbox shards (0: back to the wallet's own
 * item), with the audit record in the same transaction, conditional on the count as read. A
 * closed wallet takes no configuration.
 */
export function planInboxShards(
  wallet: Wallet,
  shards: number,
  audit: AuditRecord,
): { plan: CommitPlan; wallet: Wallet } | Refusal {
  if (wallet.status === 'CLOSED') return refusals.walletClosed();
  const seen = Math.max(inboxShardsToRead(wallet), shards);
  return {
    plan: {
      at: audit.at,
      token: `inbox:${wallet.walletId}:${audit.auditId}`,
      wallets: [],
      system: [],
      walletConfig: { wallet, inboxShards: shards, inboxShardsSeen: seen },
      audit,
    },
    wallet: { ...wallet, inboxShards: shards, inboxShardsSeen: seen },
  };
}

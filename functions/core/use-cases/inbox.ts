import {
  inboxShardsOf,
  inboxShardsToRead,
  maxInboxShards,
  planInboxShards,
  planSweep,
  sweepBatch,
} from '../domain/inbox.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import { type Wallet, walletView } from '../domain/wallet.ts';
import { logger } from '../observability/logger.ts';
import type { PendingSum } from '../ports/ledger.ts';
import type { Services } from '../ports/services.ts';
import { auditRecord } from './audit.ts';
import type { StaffChange } from './freeze-wallet.ts';
import { commitWithRetry } from './transfers/commit-loop.ts';

// A busy wallet's inbox (functions/core/domain/inbox.ts; docs/merchants.md "A busy merchant's
// inbox"): the sweeper that folds its credits in, the reads that sum its shards, and the
// operator's switch that turns it on.

/** How long one sweeper invocation keeps folding before it hands on (the function's timeout is 10 s). */
export const SWEEP_BUDGET_MS = 5_000;

export interface SweepResult {
  /** Credits folded into the wallet. */
  applied: number;
  batches: number;
  /** When the oldest credit folded in was committed: how far behind the sweeper is (a metric). */
  oldestAt?: string;
  /** Credits were still waiting when the time ran out: another sweep is asked for. */
  more: boolean;
}

/**
 * One batch: the wallet and its oldest credits read (strongly consistent), folded in by one
 * commit at the wallet's version. A conflict (a withdrawal or a refund moved the version, or
 * another sweeper got there first) reads again and decides again, in the money path's one loop.
 * No in-process wallet lock: the queue gives one sweeper per wallet, and a debit that commits
 * meanwhile costs the fold one more read.
 */
export async function sweepOnce(services: Services, walletId: string): Promise<{ applied: number; oldestAt?: string }> {
  return commitWithRetry<{ applied: number; oldestAt?: string }>(services, [], async () => {
    const wallet = (await services.ledger.read({ walletIds: [walletId] })).wallets[walletId];
    if (!wallet) return { answer: { applied: 0 } };
    const shards = inboxShardsToRead(wallet);
    const pending = shards ? await services.ledger.inbox(walletId, shards, sweepBatch) : [];
    const plan = planSweep(wallet, pending, services.clock.now().toISOString());
    if (!plan?.sweep) return { answer: { applied: 0 } };
    if (wallet.status === 'CLOSED') {
      // Kept visibly: the money is on the closed wallet's balance and statement, for an operator.
      logger.warn('inbox credits applied to a closed wallet', { walletId, credits: plan.sweep.credits.length });
    }
    const { credits } = plan.sweep;
    return { commit: plan, after: { applied: credits.length, oldestAt: credits[0]!.at } };
  });
}

/**
 * After a batch that was not full, the sweeper waits this long for more credits before it reads
 * again: folds of a few credits each would cost the wallet's read, a query per shard and a
 * transaction apiece. The statement lags by at most this much more; the balance read does not
 * (it sums the shards).
 */
export const SWEEP_LINGER_MS = 200;

/**
 * Folds a wallet's inbox until it is empty or `budgetMs` is spent, lingering after a partial
 * batch. One sweeper per wallet at a time is the queue's doing (a FIFO message group per wallet);
 * a second one would only conflict on the wallet's version, never apply a credit twice (each
 * credit's delete is in the fold).
 */
export async function sweepInbox(
  services: Services,
  walletId: string,
  { budgetMs = SWEEP_BUDGET_MS, lingerMs = SWEEP_LINGER_MS }: { budgetMs?: number; lingerMs?: number } = {},
): Promise<SweepResult> {
  const started = Date.now();
  let applied = 0;
  let batches = 0;
  let oldestAt: string | undefined;
  const result = (more: boolean): SweepResult => ({ applied, batches, more, ...(oldestAt ? { oldestAt } : {}) });
  for (;;) {
    const once = await sweepOnce(services, walletId);
    const n = once.applied;
    if (n === 0) return result(false);
    oldestAt ??= once.oldestAt;
    applied += n;
    batches += 1;
    if (Date.now() - started >= budgetMs) return result(true);
    if (n < sweepBatch && lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs));
  }
}

/**
 * The after-commit consumer asks for a sweep of every wallet whose inbox received credits in a
 * stream batch: one request per wallet, named by the batch's last credit of it, so that a retried
 * batch asks once more at most (the queue drops the duplicate) and a later batch asks again.
 */
export async function requestSweeps(
  services: Services,
  credits: readonly { walletId: string; sequence: string }[],
): Promise<number> {
  const last = new Map<string, string>();
  for (const c of credits) last.set(c.walletId, c.sequence);
  await services.sweepQueue.request(
    [...last].map(([walletId, sequence]) => ({ walletId, dedupId: `${walletId}:${sequence}` })),
  );
  return last.size;
}

/** What waits in a wallet's inbox (nothing for a wallet without one). */
export async function pendingOf(services: Services, wallet: Wallet): Promise<PendingSum> {
  const shards = inboxShardsToRead(wallet);
  return shards ? services.ledger.pendingCredits(wallet.walletId, shards) : { amount: 0, count: 0 };
}

/**
 * The wallet and what waits in its inbox at one moment: the shards are read between two reads of
 * the wallet at the same version, so no fold happened in between (a fold moves credits from the
 * inbox to the balance and bumps the version): nothing is counted twice or missed. Credits that
 * land meanwhile are counted or not, as a read a moment earlier or later would.
 */
export async function snapshotWithPending(
  services: Services,
  wallet: Wallet,
): Promise<{ wallet: Wallet; pending: PendingSum }> {
  let read = wallet;
  for (let attempt = 0; ; attempt++) {
    const pending = await pendingOf(services, read);
    if (!inboxShardsToRead(read)) return { wallet: read, pending };
    const again = await services.wallets.get(read.walletId);
    if (!again || again.version === read.version || attempt >= SNAPSHOT_TRIES) return { wallet: read, pending };
    read = again;
  }
}

/** A busy wallet folding all the time: reads of it give up on a perfect moment after this many tries. */
const SNAPSHOT_TRIES = 5;

/**
 * A wallet as its owner reads it (`GET /v1/wallets/{id}`): the balance sums the shards, i.e. the
 * folded balance plus the credits still waiting in the inbox, all of it the owner's money. Only
 * what is folded in can be spent; the statement lists what is folded in (docs/merchants.md).
 */
export async function walletWithPending(services: Services, wallet: Wallet) {
  const now = await snapshotWithPending(services, wallet);
  return { ...walletView(now.wallet), balance: now.wallet.balance + now.pending.amount };
}

/**
 * PUT /v1/ops/wallets/{walletId}/inbox: an operator spreads a busy wallet's credits over `shards`
 * inbox shards (0: back to its own item; credits already waiting are still folded in). The change
 * and its audit record are one transaction, conditional on the count as read.
 */
export async function setInboxShards(services: Services, walletId: string, shards: number, change: StaffChange) {
  if (!Number.isInteger(shards) || shards < 0 || shards > maxInboxShards)
    throw new Refusal('validation-failed', `An inbox has 0 to ${maxInboxShards} shards.`, {
      errors: [{ name: 'body.shards', reason: `an integer from 0 to ${maxInboxShards}` }],
    });
  return commitWithRetry(services, [], async () => {
    const wallet = await services.wallets.get(walletId);
    if (!wallet) throw refusals.walletNotFound();
    const audit = auditRecord(services, change.caller, 'WALLET_INBOX_CONFIG', [wallet.walletId, wallet.ownerId], {
      route: change.route,
      reason: change.reason,
      reference: change.reference,
    });
    const planned = planInboxShards(wallet, shards, audit);
    if (planned instanceof Refusal) throw planned;
    return {
      commit: planned.plan,
      after: {
        walletId,
        inboxShards: inboxShardsOf(planned.wallet),
        inboxShardsSeen: inboxShardsToRead(planned.wallet),
      },
    };
  });
}

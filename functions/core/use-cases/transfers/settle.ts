import { decide } from '../../domain/transfer-machine.ts';
import { logger } from '../../observability/logger.ts';
import type { BankOutcome } from '../../ports/bank.ts';
import type { MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import { instrumentOf } from '../bank-links.ts';
import { decideAndCommit } from './commit-loop.ts';
import { baseSnapshot, merged } from './snapshots.ts';

/** The bank did not say; the message goes back to the queue and is tried again later. */
export class BankOutcomeUnknown extends Error {
  constructor(readonly transferId: string) {
    super(`the bank's answer for ${transferId} is unknown`);
    this.name = 'BankOutcomeUnknown';
  }
}

const IN_PROCESS_TRIES = 3;

/**
 * The settlement worker's step for one transfer (DESIGN.md "Money movement"): call the bank with
 * the transfer id as its idempotency key, learn the truth on a timeout from `status`, then let the
 * planner post the answer. Safe to run twice: a settled transfer is left alone, the bank moves
 * money once. The owner hears of the outcome from the after-commit consumer.
 */
export async function settleTransfer(services: Services, transferId: string): Promise<'settled' | 'skipped'> {
  const t = await services.ledger.getTransfer(transferId);
  if (!t || t.status !== 'PROCESSING' || (t.type !== 'TOPUP' && t.type !== 'WITHDRAWAL')) return 'skipped';
  const link = await services.links.get(t.walletId, t.linkId!);
  if (!link) throw new Error(`transfer ${transferId} has no bank link`);
  const call = {
    idempotencyKey: t.transferId,
    instrument: await instrumentOf(services, link),
    amount: t.amount,
    description: t.type === 'TOPUP' ? `Nap tien vi ${t.walletId}` : `Rut tien vi ${t.walletId}`,
  };
  let outcome: BankOutcome | { outcome: 'NOT_FOUND' } = { outcome: 'NOT_FOUND' };
  for (let attempt = 0; attempt < IN_PROCESS_TRIES; attempt++) {
    outcome = t.type === 'TOPUP' ? await services.bank.pull(call) : await services.bank.push(call);
    if (outcome.outcome === 'UNKNOWN') outcome = await services.bank.status(t.transferId);
    if (outcome.outcome === 'APPLIED' || outcome.outcome === 'DECLINED') break;
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
  }
  if (outcome.outcome !== 'APPLIED' && outcome.outcome !== 'DECLINED') throw new BankOutcomeUnknown(transferId);
  const bank = outcome.outcome;
  const keys: MoneyKeys = { transferId, walletIds: [t.walletId] };
  let items = { ...(await services.ledger.read(keys)) };
  const settled = await decideAndCommit(services, {
    lock: [t.walletId],
    read: async (n) => {
      if (n > 0) items = merged(items, await services.ledger.read(keys), keys);
      return baseSnapshot(items, services.clock.now(), t.walletId);
    },
    event: { kind: 'bank-answer', outcome: bank },
  });
  const posted = settled.kind === 'commit';
  logger.info('transfer settled', { transferId, type: t.type, bank, posted });
  return 'settled';
}

/** Transfers stuck in PROCESSING (a crash between the commit and the enqueue) go back to the queue. */
export async function sweepStuckTransfers(services: Services, olderThanSeconds = 120): Promise<{ requeued: number }> {
  const now = services.clock.now();
  const stuckSince = new Date(now.getTime() - olderThanSeconds * 1000);
  const candidates = await services.ledger.processing(`${stuckSince.toISOString()}~`, 500);
  let requeued = 0;
  for (const t of candidates) {
    const d = decide({ now, transfer: t, monthlyUsed: 0 }, { kind: 'sweep', stuckSince });
    if (d.kind !== 'resend') continue;
    await services.queue.enqueue(t.transferId);
    requeued++;
  }
  if (requeued) logger.warn('re-enqueued transfers stuck in PROCESSING', { count: requeued });
  return { requeued };
}

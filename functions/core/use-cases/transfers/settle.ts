import { logger } from '../../observability/logger.ts';
import type { BankOutcome } from '../../ports/bank.ts';
import type { Services } from '../../ports/services.ts';
import { instrumentOf } from '../bank-links.ts';
import { notifyOutcome } from './notify.ts';
import { settleWithBank } from './post.ts';
import { recordMovement } from './risk.ts';

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
 * the transfer id as its idempotency key, learn the truth on a timeout from `status`, then post
 * the outcome. Safe to run twice: a settled transfer is left alone, the bank moves money once.
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
  const posted = await settleWithBank(services, t, outcome.outcome);
  logger.info('transfer settled', { transferId, type: t.type, bank: outcome.outcome, posted });
  if (posted) {
    const settled = await services.ledger.getTransfer(transferId);
    if (settled?.type === 'TOPUP' && settled.status === 'COMPLETED') await recordMovement(services, settled);
    if (settled) await notifyOutcome(services, settled);
  }
  return 'settled';
}

/** Transfers stuck in PROCESSING (a crash between the write and the enqueue) go back to the queue. */
export async function sweepStuckTransfers(services: Services, olderThanSeconds = 120): Promise<{ requeued: number }> {
  const before = new Date(services.clock.now().getTime() - olderThanSeconds * 1000).toISOString();
  const stuck = await services.ledger.processing(`${before}~`, 500);
  for (const t of stuck) await services.queue.enqueue(t.transferId);
  if (stuck.length) logger.warn('re-enqueued transfers stuck in PROCESSING', { count: stuck.length });
  return { requeued: stuck.length };
}

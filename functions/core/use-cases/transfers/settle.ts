import { maskNumber } from '../../domain/institutions.ts';
import type { Transfer } from '../../domain/transfer.ts';
import { decide } from '../../domain/transfer-machine.ts';
import { logger } from '../../observability/logger.ts';
import type { BankOutcome } from '../../ports/bank.ts';
import type { MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import type { CreditTransfer } from '../../ports/switch.ts';
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
  if (t?.status === 'PROCESSING' && t.type === 'EXTERNAL') return settleExternal(services, t);
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

/** The switch did not say; the message goes back to the queue and the status is asked again later. */
export class SwitchOutcomeUnknown extends Error {
  constructor(readonly transferId: string) {
    super(`the switch's answer for ${transferId} is unknown`);
    this.name = 'SwitchOutcomeUnknown';
  }
}

/**
 * An EXTERNAL transfer at the switch (API.md "Interoperable transfers"). The status of the
 * reference is asked first: a transfer sent before (an answer lost to a timeout, a worker that
 * crashed, the sweeper's resend) is never sent again, only learnt. Otherwise it is sent with the
 * sender's name and masked account (Circular 41/2025), and an unknown answer is resolved by asking
 * the status until it is final. Then the planner posts the answer: COMPLETED, or FAILED with the
 * money back in the wallet.
 */
async function settleExternal(services: Services, t: Transfer): Promise<'settled'> {
  let outcome = await services.switch.status(t.transferId);
  for (let attempt = 0; outcome.outcome === 'NOT_FOUND'; attempt++) {
    if (attempt >= IN_PROCESS_TRIES) throw new SwitchOutcomeUnknown(t.transferId);
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    const sent = await services.switch.sendCredit(await creditOf(services, t));
    // Lost to a timeout or a 5xx: what happened is what the switch says now.
    outcome = sent.outcome === 'UNKNOWN' ? await services.switch.status(t.transferId) : sent;
  }
  const answer = outcome;
  const keys: MoneyKeys = { transferId: t.transferId, walletIds: [t.walletId] };
  let items = { ...(await services.ledger.read(keys)) };
  const settled = await decideAndCommit(services, {
    lock: [t.walletId],
    read: async (n) => {
      if (n > 0) items = merged(items, await services.ledger.read(keys), keys);
      return baseSnapshot(items, services.clock.now(), t.walletId);
    },
    event:
      answer.outcome === 'APPLIED'
        ? { kind: 'switch-answer', outcome: 'APPLIED', settlementDate: answer.settlementDate }
        : { kind: 'switch-answer', outcome: 'DECLINED' },
  });
  logger.info('switch transfer settled', {
    transferId: t.transferId,
    switch: answer.outcome,
    posted: settled.kind === 'commit',
  });
  return 'settled';
}

/** The message to the switch: the payee decrypted here only, the sender named as Circular 41 asks. */
async function creditOf(services: Services, t: Transfer): Promise<CreditTransfer> {
  const ring = await services.keyRing();
  const payee = await ring.decrypt(t.payeeAccountEnc!);
  const number = payee.slice(payee.indexOf(':') + 1);
  const customer = await services.store.getCustomer(t.customerId);
  const name = customer?.organization?.legalName ?? customer?.identity?.fullName ?? '';
  return {
    reference: t.transferId,
    to: { institutionCode: t.counterparty!.institutionCode, number },
    amount: t.amount,
    sender: {
      institutionCode: services.institutionCode,
      name: asciiName(name),
      maskedAccount: maskNumber(customer?.phoneNumber ?? t.walletId),
    },
    description: t.description ?? `Chuyen tien tu vi ${maskNumber(t.walletId)}`,
  };
}

/** Switch messages carry names in upper-case ASCII, as NAPAS does. */
const asciiName = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toUpperCase();

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

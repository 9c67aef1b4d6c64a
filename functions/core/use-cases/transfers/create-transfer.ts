import { ulid } from 'ulid';
import type { StoredRefusal } from '../../domain/commit-plan.ts';
import type { DeviceProof } from '../../domain/device.ts';
import { Refusal, refusals } from '../../domain/refusals.ts';
import { firstView, requestFingerprint, type Transfer, transferIdFor, transferView } from '../../domain/transfer.ts';
import type { TransferRequest, TransferSnapshot } from '../../domain/transfer-machine.ts';
import { logger } from '../../observability/logger.ts';
import type { MoneyItems, MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import { issueChallenge } from './challenge.ts';
import { decideAndCommit, type Settled } from './commit-loop.ts';
import { baseSnapshot, callingDevice, merged, monthKey, riskInputs, type WatchKey, watchKeys } from './snapshots.ts';

export type { TransferRequest } from '../../domain/transfer-machine.ts';

interface CreateTransferInput {
  customerId: string;
  deviceId: string;
  idempotencyKey?: string;
  request: TransferRequest;
}

/** The payee wallet a request names: by id (P2P, PAYMENT), or the default wallet of a phone's owner. */
function payeeIdOf(r: TransferRequest, items?: MoneyItems): string | undefined {
  if (r.type === 'PAYMENT') return r.merchantId;
  if (r.type !== 'P2P') return undefined;
  return r.toWalletId ?? items?.customer?.defaultWalletId;
}

/** Round 1: everything whose key the request names. */
function firstKeys(input: CreateTransferInput, transferId: string, now: Date, watched: WatchKey[]): MoneyKeys {
  const r = input.request;
  const payeeId = payeeIdOf(r);
  return {
    transferId,
    customerId: input.customerId,
    device: { customerId: input.customerId, deviceId: input.deviceId },
    walletIds: [r.walletId, ...(payeeId ? [payeeId] : [])],
    ...(r.linkId && (r.type === 'TOPUP' || r.type === 'WITHDRAWAL')
      ? { link: { walletId: r.walletId, linkId: r.linkId } }
      : {}),
    monthly: monthKey(input.customerId, now),
    riskProfiles: [r.walletId, ...(payeeId ? [payeeId] : [])],
    watch: watched,
    ...(r.toPhoneNumber ? { phone: r.toPhoneNumber } : {}),
  };
}

/**
 * Rounds 2 and 3: what depends on round 1. The payer's phone (watch lists, failed sign-ins); the
 * linked account (watch lists); for P2P by phone the payee's customer, then its default wallet.
 */
async function dependentItems(services: Services, input: CreateTransferInput, first: MoneyItems) {
  const r = input.request;
  const ring = await services.keyRing();
  const account = first.link?.accountNumberEnc ? await ring.decrypt(first.link.accountNumberEnc) : undefined;
  const more = await watchKeys(services, [
    { side: 'payer', kind: 'PHONE', value: first.customer?.phoneNumber },
    // The linked account is where a withdrawal goes, and where a top-up comes from.
    { side: r.type === 'WITHDRAWAL' ? 'payee' : 'payer', kind: 'BANK_ACCOUNT', value: account },
  ]);
  const payeeOwner = r.toPhoneNumber ? first.phoneOwner : undefined;
  const second = await services.ledger.read({
    watch: more,
    ...(first.customer ? { signInPhone: first.customer.phoneNumber } : {}),
    ...(payeeOwner ? { customerId: payeeOwner } : {}),
  });
  let payee: MoneyItems | undefined;
  const payeeWalletId = payeeOwner ? second.customer?.defaultWalletId : undefined;
  if (payeeWalletId) {
    const payeeWatch = await watchKeys(services, [{ side: 'payee', kind: 'WALLET', value: payeeWalletId }]);
    payee = await services.ledger.read({
      walletIds: [payeeWalletId],
      riskProfiles: [payeeWalletId],
      watch: payeeWatch,
    });
    more.push(...payeeWatch);
  }
  return { second, payee, payeeWalletId, more };
}

/** The whole snapshot of a creation: round 1, then the rounds that depend on it. */
async function readCreation(services: Services, input: CreateTransferInput, transferId: string, now: Date) {
  const r = input.request;
  const payeeId = payeeIdOf(r);
  const watched = await watchKeys(services, [
    { side: 'payer', kind: 'WALLET', value: r.walletId },
    { side: 'payee', kind: 'WALLET', value: payeeId },
    { side: 'payee', kind: 'PHONE', value: r.toPhoneNumber },
  ]);
  const keys = firstKeys(input, transferId, now, watched);
  const first = await services.ledger.read(keys);
  if (first.transfer || first.refusal) return { items: first, keys, payeeId, watched };
  const { second, payee, payeeWalletId, more } = await dependentItems(services, input, first);
  const items: MoneyItems = {
    ...first,
    wallets: { ...first.wallets, ...payee?.wallets },
    riskProfiles: { ...first.riskProfiles, ...payee?.riskProfiles },
    watch: [...first.watch, ...second.watch, ...(payee?.watch ?? [])],
    ...(second.signIn ? { signIn: second.signIn } : {}),
  };
  return { items, keys, payeeId: payeeId ?? payeeWalletId, watched: [...watched, ...more] };
}

/** A retried key: the first answer again, or 422 if the key came with another request. */
function replay(items: MoneyItems, requestHash: string) {
  const stored: StoredRefusal | undefined = items.refusal;
  if (stored) {
    if (stored.requestHash !== requestHash) throw refusals.keyReused();
    throw new Refusal(stored.reason, stored.detail, stored.facts);
  }
  const t = items.transfer!;
  if (t.requestHash !== requestHash) throw refusals.keyReused();
  if (t.firstAnswer && 'refusal' in t.firstAnswer) {
    const { reason, detail, facts } = t.firstAnswer.refusal;
    throw new Refusal(reason, detail, facts);
  }
  return firstView(t);
}

/**
 * POST /v1/transfers: the planner classifies (RULES.md §1–2), runs the risk engine (§7) and
 * either commits at once (class A), or stores the transfer waiting for the factors its class
 * needs (§3), or refuses. Idempotent per Idempotency-Key by the transfer id itself.
 */
export async function createTransfer(
  services: Services,
  customerId: string,
  deviceId: string,
  request: TransferRequest,
  /**
   * The caller's Idempotency-Key: the transfer id derives from it, so that the commit itself
   * refuses a second transfer for one key, even after a timeout lost the first answer.
   * (Internal callers without a key get a fresh one: no retry protection.)
   */
  idempotencyKey?: string,
  /** The request's DPoP proof: a device bound to a key counts as itself only with it (RULES.md §4). */
  proof?: DeviceProof,
) {
  const input: CreateTransferInput = { customerId, deviceId, request, ...(idempotencyKey ? { idempotencyKey } : {}) };
  const now = services.clock.now();
  const transferId = transferIdFor(input.customerId, input.idempotencyKey ?? ulid(now.getTime()));
  const requestHash = requestFingerprint(input.request);
  const read = await readCreation(services, input, transferId, now);
  let items = read.items;
  if (items.transfer || items.refusal) return replay(items, requestHash);
  const volatile: MoneyKeys = {
    transferId,
    walletIds: [input.request.walletId, ...(read.payeeId ? [read.payeeId] : [])],
    monthly: read.keys.monthly!,
  };
  const device = callingDevice(items, proof, services.devicePolicy);
  const snapshot = (at: Date): TransferSnapshot => ({
    ...baseSnapshot(items, at, input.request.walletId, read.payeeId, device),
    risk: riskInputs(items, read.watched),
  });
  const settled = await decideAndCommit(services, {
    lock: [input.request.walletId, read.payeeId],
    read: async (attempt) => {
      if (attempt > 0) items = merged(items, await services.ledger.read(volatile), volatile);
      if (items.transfer || items.refusal) throw new Replay();
      return snapshot(attempt > 0 ? services.clock.now() : now);
    },
    event: {
      kind: 'create',
      transferId,
      customerId: input.customerId,
      deviceId: input.deviceId,
      request: input.request,
      requestHash,
    },
    challenge: (cls, methods) =>
      issueChallenge(
        services,
        { transferId, type: input.request.type, amount: input.request.amount },
        cls,
        methods,
        items.customer!.phoneNumber,
      ),
  }).catch((error: unknown) => {
    if (error instanceof Replay) return undefined;
    throw error;
  });
  if (!settled) return replay(items, requestHash);
  return answer(services, settled);
}

/** A duplicate of this key got there first: answer what it was answered. */
class Replay extends Error {}

/** The answer of a settled decision, after handing a transfer that waits for the bank to the worker. */
export async function answer(services: Services, settled: Settled) {
  switch (settled.kind) {
    case 'refuse':
      throw settled.refusal;
    case 'unchanged':
    case 'resend':
      return transferView(settled.transfer);
    case 'verify':
      throw new Error('a verify decision has no answer of its own');
    case 'commit':
      if (settled.toBank && settled.transfer) await handToBank(services, settled.transfer);
      if (settled.refusal) throw settled.refusal;
      return transferView(settled.transfer!);
  }
}

/** Bank legs go to the settlement worker; if the enqueue fails, the sweeper finds the transfer later. */
export async function handToBank(services: Services, t: Transfer): Promise<void> {
  try {
    await services.queue.enqueue(t.transferId);
  } catch (error) {
    logger.error('settlement enqueue failed; the sweeper will pick the transfer up', {
      transferId: t.transferId,
      error: error as Error,
    });
  }
}

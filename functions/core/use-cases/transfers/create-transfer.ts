import { ulid } from 'ulid';
import type { StoredRefusal } from '../../domain/commit-plan.ts';
import type { Customer } from '../../domain/customer.ts';
import type { DeviceProof } from '../../domain/device.ts';
import { inboxShardsOf } from '../../domain/inbox.ts';
import { Refusal, refusals } from '../../domain/refusals.ts';
import { firstView, requestFingerprint, type Transfer, transferIdFor, transferView } from '../../domain/transfer.ts';
import type { TransferRequest, TransferSnapshot } from '../../domain/transfer-machine.ts';
import { logger } from '../../observability/logger.ts';
import type { MoneyItems, MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import { issueChallenge } from './challenge.ts';
import { decideAndCommit, type Settled } from './commit-loop.ts';
import {
  baseSnapshot,
  callingDevice,
  identifiersOf,
  merchantKeys,
  merged,
  monthKey,
  readOnce,
  riskInputs,
  type Side,
  type WatchKey,
  watchKeys,
} from './snapshots.ts';

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
  if (r.type === 'REFUND') return r.toWalletId;
  if (r.type !== 'P2P') return undefined;
  return r.toWalletId ?? items?.customer?.defaultWalletId;
}

/** How the payer named the payee: a wallet id or a phone number (nothing for bank legs). */
function payeeAddressOf(r: TransferRequest): string | undefined {
  const walletId = payeeIdOf(r);
  if (walletId) return `WALLET#${walletId}`;
  return r.type === 'P2P' && r.toPhoneNumber ? `PHONE#${r.toPhoneNumber}` : undefined;
}

/**
 * Who owns a payee address, as this process last read it: a hint that lets round 1 read the
 * payee's customer with everything else, so that the payee's own phone and ID number are screened
 * in round 2 rather than a third round. A hint is used only where the same round confirms it (the
 * payee wallet's `ownerId`, which never changes, or the phone guard, which changes with a phone
 * change): a stale hint costs one item read, never a wrong answer. Bounded; oldest out first.
 */
const ownerHints = new Map<string, string>();
const OWNER_HINTS = 10_000;

function rememberOwner(address: string, ownerId: string): void {
  if (ownerHints.get(address) === ownerId) return;
  ownerHints.delete(address);
  if (ownerHints.size >= OWNER_HINTS) ownerHints.delete(ownerHints.keys().next().value!);
  ownerHints.set(address, ownerId);
}

/** Round 1: everything whose key the request names (and the payee's customer, when a hint names it). */
function firstKeys(
  input: CreateTransferInput,
  transferId: string,
  now: Date,
  watched: WatchKey[],
  payeeHint: string | undefined,
): MoneyKeys {
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
    watch: readOnce(watched),
    ...(r.toPhoneNumber ? { phone: r.toPhoneNumber } : {}),
    ...(payeeHint ? { payeeCustomerId: payeeHint } : {}),
    ...merchantKeys(r),
    ...(r.type === 'EXTERNAL' && r.nameInquiryId ? { nameInquiryId: r.nameInquiryId } : {}),
  };
}

/**
 * Round 2 and, only where it cannot be helped, round 3: what depends on round 1 (RULES.md §5, §7:
 * both sides screened by every identifier they have). The payer's phone and ID number (from its
 * customer item), failed sign-ins, the linked account (decrypted, then screened). The payee's
 * owner: for an own-wallet transfer that is the payer, already screened on the payer's side, so
 * nothing more is read; else its customer item (phone, an organisation's phone, ID number) comes
 * from round 1 when a hint named it, or is read in round 2 and its entries in round 3. For P2P by
 * phone, the payee's default wallet (and its entry and risk profile) is read with the entries of
 * its owner.
 */
async function dependentItems(services: Services, input: CreateTransferInput, first: MoneyItems) {
  const r = input.request;
  const byPhone = r.type === 'P2P' && !!r.toPhoneNumber;
  const payeeId = payeeIdOf(r);
  const payeeOwner = byPhone ? first.phoneOwner : payeeId ? first.wallets[payeeId]?.ownerId : undefined;
  const address = payeeAddressOf(r);
  if (address && payeeOwner) rememberOwner(address, payeeOwner);
  const own = payeeOwner !== undefined && payeeOwner === input.customerId;
  let payeeCustomer = own
    ? first.customer
    : payeeOwner !== undefined && first.payeeCustomer?.customerId === payeeOwner
      ? first.payeeCustomer
      : undefined;

  /** The payee's identifiers (an own wallet's are the payer's) and, by phone, its default wallet. */
  const payeeSide = async (customer: Customer | undefined) => {
    const walletId = byPhone ? customer?.defaultWalletId : undefined;
    const watch = await watchKeys(services, [
      ...(own ? [] : identifiersOf('payee', customer)),
      { side: 'payee', kind: 'WALLET', value: walletId },
    ]);
    return { walletId, watch, keys: walletId ? { walletIds: [walletId], riskProfiles: [walletId] } : {} };
  };

  const ring = await services.keyRing();
  const account = first.link?.accountNumberEnc ? await ring.decrypt(first.link.accountNumberEnc) : undefined;
  // EXTERNAL: the payee's account (or other wallet's phone) by the keyed hash its inquiry kept.
  const inquiry = first.nameInquiry?.customerId === input.customerId ? first.nameInquiry : undefined;
  const more = await watchKeys(services, [
    ...identifiersOf('payer', first.customer),
    // The linked account is where a withdrawal goes, and where a top-up comes from.
    { side: r.type === 'WITHDRAWAL' ? 'payee' : 'payer', kind: 'BANK_ACCOUNT', value: account },
    ...(inquiry ? [{ side: 'payee' as const, kind: inquiry.watch.kind, valueHash: inquiry.watch.valueHash }] : []),
  ]);
  const payee = payeeCustomer ? await payeeSide(payeeCustomer) : undefined;
  const readOwner = payeeOwner !== undefined && !payeeCustomer;
  const second = await services.ledger.read({
    watch: readOnce([...more, ...(payee?.watch ?? [])]),
    ...(first.customer ? { signInPhone: first.customer.phoneNumber } : {}),
    ...(readOwner ? { customerId: payeeOwner } : {}),
    ...payee?.keys,
  });
  let third: MoneyItems | undefined;
  let late: Awaited<ReturnType<typeof payeeSide>> | undefined;
  if (readOwner && second.customer) {
    payeeCustomer = second.customer;
    late = await payeeSide(payeeCustomer);
    third = await services.ledger.read({ watch: readOnce(late.watch), ...late.keys });
  }
  const cleared: Partial<Record<Side, readonly string[] | undefined>> = {
    payer: first.customer?.screeningCleared,
    payee: payeeCustomer?.screeningCleared,
  };
  return {
    items: [second, ...(third ? [third] : [])],
    payeeWalletId: payee?.walletId ?? late?.walletId,
    watched: [...more, ...(payee?.watch ?? []), ...(late?.watch ?? [])],
    cleared,
  };
}

/** The whole snapshot of a creation: round 1, then the rounds that depend on it. */
async function readCreation(services: Services, input: CreateTransferInput, transferId: string, now: Date) {
  const r = input.request;
  const payeeId = payeeIdOf(r);
  const address = payeeAddressOf(r);
  const hint = address ? ownerHints.get(address) : undefined;
  const watched = await watchKeys(services, [
    { side: 'payer', kind: 'WALLET', value: r.walletId },
    { side: 'payee', kind: 'WALLET', value: payeeId },
    { side: 'payee', kind: 'PHONE', value: r.toPhoneNumber },
  ]);
  const keys = firstKeys(input, transferId, now, watched, hint !== input.customerId ? hint : undefined);
  const first = await services.ledger.read(keys);
  if (first.transfer || first.refusal) return { items: first, keys, payeeId, watched, cleared: {} };
  const rest = await dependentItems(services, input, first);
  const items: MoneyItems = {
    ...first,
    wallets: Object.assign({}, first.wallets, ...rest.items.map((i) => i.wallets)),
    riskProfiles: Object.assign({}, first.riskProfiles, ...rest.items.map((i) => i.riskProfiles)),
    watch: [...first.watch, ...rest.items.flatMap((i) => i.watch)],
    ...(rest.items[0]?.signIn ? { signIn: rest.items[0].signIn } : {}),
  };
  return {
    items,
    keys,
    payeeId: payeeId ?? rest.payeeWalletId,
    watched: [...watched, ...rest.watched],
    cleared: rest.cleared,
  };
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
  request: TransferRequest | MerchantRequest,
  /**
   * The caller's Idempotency-Key: the transfer id derives from it, so that the commit itself
   * refuses a second transfer for one key, even after a timeout lost the first answer.
   * (Internal callers without a key get a fresh one: no retry protection.)
   */
  idempotencyKey?: string,
  /** The request's DPoP proof: a device bound to a key counts as itself only with it (RULES.md §4). */
  proof?: DeviceProof,
) {
  const input: CreateTransferInput = {
    customerId,
    deviceId,
    request: await resolveMerchantRequest(services, request),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  const now = services.clock.now();
  const transferId = transferIdFor(input.customerId, input.idempotencyKey ?? ulid(now.getTime()));
  const requestHash = requestFingerprint(request);
  const read = await readCreation(services, input, transferId, now);
  let items = read.items;
  if (items.transfer || items.refusal) return replay(items, requestHash);
  const volatile: MoneyKeys = {
    transferId,
    walletIds: [input.request.walletId, ...(read.payeeId ? [read.payeeId] : [])],
    monthly: read.keys.monthly!,
    ...merchantKeys(input.request),
  };
  const device = callingDevice(items, proof, services.devicePolicy);
  const snapshot = (at: Date): TransferSnapshot => ({
    ...baseSnapshot(items, at, input.request.walletId, read.payeeId, device),
    risk: riskInputs(items, read.watched, read.cleared),
  });
  // A payee with inbox shards is credited in its inbox, its item untouched: nothing to queue behind.
  const payee = read.payeeId ? items.wallets[read.payeeId] : undefined;
  const settled = await decideAndCommit(services, {
    lock: [input.request.walletId, payee && inboxShardsOf(payee) > 0 ? undefined : read.payeeId],
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

/** A PAYMENT of a payment request may leave out its amount (API.md v1.1): the request's is meant. */
type MerchantRequest = Omit<TransferRequest, 'amount'> & { amount?: number };

/**
 * What a merchant's payment or refund names, resolved to the wallets it moves money between: a
 * PAYMENT of a payment request pays the request's wallet its amount; a REFUND goes to the wallet
 * that made the payment. The planner checks the request or the payment again as read with the rest
 * (an unknown one is refused there), and the commit checks them once more.
 */
async function resolveMerchantRequest(
  services: Services,
  r: TransferRequest | MerchantRequest,
): Promise<TransferRequest> {
  if (r.type === 'PAYMENT' && r.paymentRequestId) {
    const request = await services.paymentRequests.get(r.paymentRequestId);
    return { ...r, merchantId: request?.walletId ?? '', amount: r.amount ?? request?.amount ?? 0 };
  }
  if (r.type === 'REFUND' && r.originalTransferId) {
    const payment = await services.ledger.getTransfer(r.originalTransferId);
    return { ...r, amount: r.amount ?? 0, ...(payment ? { toWalletId: payment.walletId } : {}) };
  }
  return { ...r, amount: r.amount ?? 0 };
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

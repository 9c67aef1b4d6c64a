import { normalizeAccountNumber, normalizePhoneNumber, watchlistMacInput } from '../../domain/identifiers.ts';
import { institutionOf, maskNumber } from '../../domain/institutions.ts';
import type { IncomingSwitchCredit } from '../../domain/name-inquiry.ts';
import type { RefusalReason } from '../../domain/refusals.ts';
import { requestFingerprint, transferIdFor } from '../../domain/transfer.ts';
import { logger } from '../../observability/logger.ts';
import type { MoneyItems, MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import type { IncomingCredit } from '../../ports/switch.ts';
import { decideAndCommit } from './commit-loop.ts';
import { baseSnapshot, merged } from './snapshots.ts';

export interface CreditAnswer {
  reference: string;
  status: 'CREDITED' | 'RETURNED';
  /** Why a credit was returned. */
  reason?: RefusalReason;
}

/** The transfer id of a switch reference: the same reference always names the same transfer. */
export const incomingTransferId = (reference: string) => transferIdFor('switch', reference);

/**
 * A credit the switch delivers (API.md "Interoperable transfers", the message's signature checked
 * by the caller): into the default wallet of the phone's owner as EXTERNAL_IN, at most once per
 * reference. An unknown phone or a wallet that is not ACTIVE (locked, frozen, pending its link,
 * closed) is RETURNED, and the refusal is kept under the same id: asked again, the switch gets the
 * same answer. The sender is shown masked and known to the risk profile by a keyed hash, so the
 * payee side of the risk engine (many distinct senders: the mule pattern) counts these credits.
 */
export async function receiveSwitchCredit(services: Services, credit: IncomingCredit): Promise<CreditAnswer> {
  const transferId = incomingTransferId(credit.reference);
  const requestHash = requestFingerprint(credit);
  const phone = normalizePhoneNumber(credit.toPhoneNumber);
  let items = await services.ledger.read({ transferId, ...(phone ? { phone } : {}) });
  const earlier = answered(items, credit, requestHash);
  if (earlier) return earlier;

  const owner = items.phoneOwner;
  const customer = owner ? (await services.ledger.read({ customerId: owner })).customer : undefined;
  const walletId = customer?.defaultWalletId;
  if (customer) items = { ...items, customer };
  if (walletId) items = { ...items, wallets: (await services.ledger.read({ walletIds: [walletId] })).wallets };

  const facts = await creditFacts(services, credit);
  const again: MoneyKeys = { transferId, ...(walletId ? { walletIds: [walletId] } : {}) };
  const settled = await decideAndCommit(services, {
    lock: [walletId],
    read: async (n) => {
      if (n > 0) items = merged(items, await services.ledger.read(again), again);
      // The same reference delivered twice at once: the other delivery decided; answer as it did.
      if (items.transfer || items.refusal) throw new Replay();
      return baseSnapshot(items, services.clock.now(), undefined, walletId);
    },
    event: { kind: 'incoming-credit', transferId, credit: facts, requestHash },
  }).catch((error: unknown) => {
    if (error instanceof Replay) return undefined;
    throw error;
  });
  if (!settled) return answered(items, credit, requestHash)!;
  if (settled.kind !== 'commit') throw new Error(`an incoming credit was decided ${settled.kind}`);
  const answer: CreditAnswer = settled.refusal
    ? { reference: credit.reference, status: 'RETURNED', reason: settled.refusal.reason }
    : { reference: credit.reference, status: 'CREDITED' };
  logger.info('switch credit', { transferId, status: answer.status, reason: answer.reason });
  return answer;
}

class Replay extends Error {}

/** The answer already given to this reference, if any (a replayed or retried message). */
function answered(items: MoneyItems, credit: IncomingCredit, requestHash: string): CreditAnswer | undefined {
  const first = items.transfer ?? items.refusal;
  if (!first) return undefined;
  if (first.requestHash !== requestHash) {
    // The switch reused a reference for another credit: the first one stands, nothing moves twice.
    logger.error('switch reference reused with another message', { transferId: first.transferId });
  }
  return items.refusal
    ? { reference: credit.reference, status: 'RETURNED', reason: items.refusal.reason }
    : { reference: credit.reference, status: 'CREDITED' };
}

/** The sender masked for the statement, and by the keyed hash of its canonical number for the risk profile. */
async function creditFacts(services: Services, c: IncomingCredit): Promise<IncomingSwitchCredit> {
  const kind = institutionOf(c.fromInstitutionCode)?.kind === 'WALLET' ? 'PHONE' : 'BANK_ACCOUNT';
  const number = (kind === 'PHONE' ? normalizePhoneNumber : normalizeAccountNumber)(c.fromAccountNumber);
  const mac = number ? watchlistMacInput(kind, number) : undefined;
  const ring = await services.keyRing();
  const key = mac ? `${kind}#${await ring.mac(mac.purpose, mac.value)}` : `RAW#${c.fromInstitutionCode}`;
  return {
    reference: c.reference,
    fromInstitutionCode: c.fromInstitutionCode,
    maskedNumber: maskNumber(number ?? c.fromAccountNumber),
    ...(c.senderName ? { senderName: c.senderName } : {}),
    counterpartyKey: key,
    amount: c.amount,
    settlementDate: c.settlementDate,
  };
}

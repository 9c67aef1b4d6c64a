import { refusals } from '../../domain/refusals.ts';
import { transferView } from '../../domain/transfer.ts';
import type { MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import { decideAndCommit } from './commit-loop.ts';
import { answer } from './create-transfer.ts';
import { baseSnapshot, merged } from './snapshots.ts';

/**
 * GET /v1/transfers/{id}: another customer's transfer does not exist (API.md "Ownership"). A
 * transfer whose authentication window closed is ended as EXPIRED on the way (RULES.md §3).
 */
export async function getTransfer(services: Services, customerId: string, transferId: string) {
  const slot: MoneyKeys = { transferId };
  let items = await services.ledger.read(slot);
  const t = items.transfer;
  if (!t || t.customerId !== customerId) throw refusals.transferNotFound();
  if (t.status !== 'REQUIRES_AUTHENTICATION') return transferView(t);
  const settled = await decideAndCommit(services, {
    lock: [],
    read: async (n) => {
      if (n > 0) items = merged(items, await services.ledger.read(slot), slot);
      return baseSnapshot(items, services.clock.now());
    },
    event: { kind: 'expire' },
  });
  return answer(services, settled);
}

import { inboxShardsToRead } from '../domain/inbox.ts';
import { refusals } from '../domain/refusals.ts';
import type { WalletOrder } from '../domain/wallet-control.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import { audited } from './audit.ts';
import { snapshotWithPending } from './inbox.ts';

/**
 * GET /v1/ops/wallets/{walletId}: what an operator needs before freezing or unfreezing (the
 * operations console's wallet look-up): status, balance, owner, and every freeze and unfreeze
 * order with who entered it and why. Staff reads are audited before the answer (RULES.md §9),
 * filed under the wallet and its owner.
 */
export async function lookUpWallet(services: Services, caller: Caller, walletId: string, route: string) {
  const read = await services.wallets.get(walletId);
  if (!read) throw refusals.walletNotFound();
  const [orders, { wallet, pending }] = await Promise.all([
    services.walletControl.ordersSince(walletId, ''),
    snapshotWithPending(services, read),
  ]);
  const sharded = inboxShardsToRead(wallet) > 0;
  await audited(services, caller, 'WALLET_READ', [wallet.walletId, wallet.ownerId], { route });
  return {
    walletId: wallet.walletId,
    status: wallet.status,
    // A busy wallet's balance sums its inbox shards, as its owner sees it (docs/merchants.md).
    balance: wallet.balance + pending.amount,
    currency: wallet.currency,
    ownerId: wallet.ownerId,
    ownerKind: wallet.ownerKind,
    merchant: wallet.merchant,
    createdAt: wallet.createdAt,
    ...(sharded
      ? {
          inbox: {
            shards: wallet.inboxShards ?? 0,
            pendingCredits: pending.amount,
            pendingCount: pending.count,
            ...(pending.oldestAt ? { oldestPendingAt: pending.oldestAt } : {}),
          },
        }
      : {}),
    orders: orders.map(
      (o: WalletOrder) =>
        ({
          orderId: o.orderId,
          action: o.action,
          authority: o.authority,
          actor: o.actor,
          reason: o.reason,
          reference: o.reference,
          ...(o.requestId ? { requestId: o.requestId } : {}),
          ...(o.caseId ? { caseId: o.caseId } : {}),
          previousStatus: o.previousStatus,
          status: o.status,
          at: o.at,
        }) satisfies Omit<WalletOrder, 'walletId'>,
    ),
  };
}

import { refusals } from '../domain/refusals.ts';
import type { WalletOrder } from '../domain/wallet-control.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import { audited } from './audit.ts';

/**
 * GET /v1/ops/wallets/{walletId}: what an operator needs before freezing or unfreezing (the
 * operations console's wallet look-up): status, balance, owner, and every freeze and unfreeze
 * order with who entered it and why. Staff reads are audited before the answer (RULES.md §9),
 * filed under the wallet and its owner.
 */
export async function lookUpWallet(services: Services, caller: Caller, walletId: string, route: string) {
  const wallet = await services.wallets.get(walletId);
  if (!wallet) throw refusals.walletNotFound();
  const orders = await services.walletControl.ordersSince(walletId, '');
  await audited(services, caller, 'WALLET_READ', [wallet.walletId, wallet.ownerId], { route });
  return {
    walletId: wallet.walletId,
    status: wallet.status,
    balance: wallet.balance,
    currency: wallet.currency,
    ownerId: wallet.ownerId,
    ownerKind: wallet.ownerKind,
    merchant: wallet.merchant,
    createdAt: wallet.createdAt,
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

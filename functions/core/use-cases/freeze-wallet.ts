import { ulid } from 'ulid';
import type { AuditRecord } from '../domain/commit-plan.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import type { Wallet, WalletStatus } from '../domain/wallet.ts';
import { freezeWrite, planUnfreeze, unfreezeWrite, type WalletOrder } from '../domain/wallet-control.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import { auditRecord } from './audit.ts';
import { revokeSessions } from './sign-in.ts';
import { commitWithRetry } from './transfers/commit-loop.ts';

/** Who orders and why: the operator's own decision (`OPERATOR`) or an authority's written order. */
export interface OrderInput {
  authority: string;
  /** The staff member entering it (Cognito `sub`). */
  actor: string;
  reason: string;
  reference: string;
  requestId?: string;
  /** The screening case it executes (a watch-list import, RULES.md §5). */
  caseId?: string;
}

async function walletOrRefuse({ wallets }: Services, walletId: string): Promise<Wallet> {
  const wallet = await wallets.get(walletId);
  if (!wallet) throw refusals.walletNotFound();
  return wallet;
}

/** The order as it is kept with the wallet: who, on whose authority, why, from which status to which. */
export function orderOf(
  services: Services,
  wallet: Wallet,
  action: WalletOrder['action'],
  to: WalletStatus,
  input: OrderInput,
): WalletOrder {
  const now = services.clock.now();
  return {
    orderId: ulid(now.getTime()),
    walletId: wallet.walletId,
    action,
    authority: input.authority,
    actor: input.actor,
    reason: input.reason,
    reference: input.reference,
    ...(input.requestId ? { requestId: input.requestId } : {}),
    ...(input.caseId ? { caseId: input.caseId } : {}),
    previousStatus: wallet.status,
    status: to,
    at: now.toISOString(),
  };
}

export interface StaffChange {
  caller: Caller;
  route: string;
  reason: string;
  reference: string;
}

/**
 * An operator's freeze or unfreeze (RULES.md §7): the status change, its order and the audit
 * record are one transaction, conditional on the wallet being as read; read again on a conflict.
 */
async function order(services: Services, walletId: string, change: StaffChange, action: 'FREEZE' | 'UNFREEZE') {
  const input = {
    authority: 'OPERATOR',
    actor: change.caller.subject,
    reason: change.reason,
    reference: change.reference,
  };
  return commitWithRetry(services, [], async () => {
    const wallet = await walletOrRefuse(services, walletId);
    const to = action === 'FREEZE' ? 'FROZEN' : ((planUnfreeze(wallet) as { to?: WalletStatus }).to ?? wallet.status);
    const o = orderOf(services, wallet, action, to, input);
    const write = action === 'FREEZE' ? freezeWrite(wallet, o) : unfreezeWrite(wallet, o);
    if (write instanceof Refusal) throw write;
    const audit: AuditRecord = auditRecord(
      services,
      change.caller,
      action === 'FREEZE' ? 'WALLET_FREEZE' : 'WALLET_UNFREEZE',
      [wallet.walletId, wallet.ownerId],
      { route: change.route, reason: change.reason, reference: change.reference },
    );
    const after: Wallet = write.set
      ? { ...wallet, ...write.set, ...(action === 'UNFREEZE' ? { frozenFrom: undefined, frozenAt: undefined } : {}) }
      : wallet;
    return {
      commit: { at: o.at, token: `order:${o.orderId}`, wallets: [], system: [], walletOrders: [write], audit },
      after: { wallet: after, previousStatus: wallet.status, order: o },
    };
  });
}

/** A freeze also ends the owner's sessions (API.md v1.1: refresh tokens revoked on freeze). */
export async function freezeWallet(services: Services, walletId: string, change: StaffChange) {
  const done = await order(services, walletId, change, 'FREEZE');
  await revokeSessions(services, done.wallet.ownerId);
  return done;
}

export const unfreezeWallet = (services: Services, walletId: string, change: StaffChange) =>
  order(services, walletId, change, 'UNFREEZE');

import { ulid } from 'ulid';
import type { Wallet, WalletStatus } from '../domain/wallet.ts';
import { planFreeze, planUnfreeze } from '../domain/wallet-control.ts';
import { notFound, Problem } from '../http/problem.ts';
import type { Services } from '../ports/services.ts';
import type { WalletOrder } from '../ports/wallet-control.ts';

/** Who orders and why: the operator's own decision (`OPERATOR`) or an authority's written order. */
export interface OrderInput {
  authority: string;
  /** The staff member entering it (Cognito `sub`). */
  actor: string;
  reason: string;
  reference: string;
  requestId?: string;
}

/** Tries before giving up when the wallet keeps changing under us (each try re-reads it). */
const MAX_TRIES = 8;

const closed = () => new Problem(422, 'wallet-not-active', 'This wallet is closed.');

async function walletOrThrow({ wallets }: Services, walletId: string): Promise<Wallet> {
  const wallet = await wallets.get(walletId);
  if (!wallet) throw notFound('No such wallet.');
  return wallet;
}

function order(services: Services, wallet: Wallet, action: WalletOrder['action'], to: WalletStatus, input: OrderInput) {
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
    previousStatus: wallet.status,
    status: to,
    at: now.toISOString(),
  } satisfies WalletOrder;
}

/**
 * Freezes a wallet (RULES.md §7): ACTIVE, LOCKED and PENDING_LINK wallets become FROZEN and
 * remember where they were; a wallet already FROZEN stays so and the order is recorded with it.
 * The change and its order commit together, conditional on the wallet being as read.
 */
export async function freezeWallet(services: Services, walletId: string, input: OrderInput) {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const wallet = await walletOrThrow(services, walletId);
    const plan = planFreeze(wallet);
    if (plan.kind === 'closed') throw closed();
    const o = order(services, wallet, 'FREEZE', 'FROZEN', input);
    const outcome =
      plan.kind === 'freeze'
        ? await services.walletControl.freeze(wallet, o)
        : await services.walletControl.recordOrder(wallet, o);
    if (outcome === 'done') {
      return {
        wallet: {
          ...wallet,
          status: 'FROZEN' as const,
          frozenFrom: plan.kind === 'freeze' ? wallet.status : wallet.frozenFrom,
        },
        previousStatus: wallet.status,
        order: o,
      };
    }
  }
  throw new Error('the wallet kept changing; it was not frozen');
}

/** Lifts a freeze: back to LOCKED if its owner locked it, else ACTIVE or PENDING_LINK by its bank links. */
export async function unfreezeWallet(services: Services, walletId: string, input: OrderInput) {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const wallet = await walletOrThrow(services, walletId);
    const plan = planUnfreeze(wallet);
    if (plan.kind === 'not-frozen') throw new Problem(409, 'wallet-not-frozen', 'This wallet is not frozen.');
    const o = order(services, wallet, 'UNFREEZE', plan.to, input);
    if ((await services.walletControl.unfreeze(wallet, o)) === 'done') {
      const { frozenFrom: _f, frozenAt: _a, ...rest } = wallet;
      return { wallet: { ...rest, status: plan.to }, previousStatus: wallet.status, order: o };
    }
  }
  throw new Error('the wallet kept changing; it was not unfrozen');
}

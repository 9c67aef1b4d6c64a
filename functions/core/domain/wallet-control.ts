import type { WalletOrderWrite } from './commit-plan.ts';
import { Refusal, refusals } from './refusals.ts';
import type { Wallet, WalletStatus } from './wallet.ts';

// Who may stop a wallet and how it comes back (API.md wallet statuses; RULES.md §7):
// - its owner LOCKs it (lost credentials, fraud): at once, from any device; unlocking needs a
//   biometric match on a trusted device;
// - an operator or a law-enforcement order FREEZEs it; only an unfreeze lifts that, and a wallet its
//   owner had locked (before or during the freeze) comes back LOCKED.
// A FROZEN or LOCKED wallet neither sends nor receives: transfers need ACTIVE wallets on both sides.

/** A self-unlock challenge lives 5 minutes (RULES.md §3, like every other challenge). */
export const unlockChallengeSeconds = 5 * 60;
/** Biometric tries per unlock challenge, right or wrong (RULES.md §3: lock after at most 5). */
export const unlockMaxAttempts = 5;

/** Where a lifted lock or freeze goes: ACTIVE with a bank link, PENDING_LINK without (RULES.md §6). */
export const releasedStatus = (wallet: Pick<Wallet, 'activeLinks'>): 'ACTIVE' | 'PENDING_LINK' =>
  (wallet.activeLinks ?? 0) > 0 ? 'ACTIVE' : 'PENDING_LINK';

export type FreezePlan =
  /** Set FROZEN, remembering `from` (the status read: the update is conditional on it). */
  | { kind: 'freeze'; from: 'ACTIVE' | 'LOCKED' | 'PENDING_LINK' }
  /** Already frozen: the new order is recorded, the wallet stays as it is. */
  | { kind: 'already-frozen' }
  | { kind: 'closed' };

export function planFreeze(wallet: Pick<Wallet, 'status'>): FreezePlan {
  switch (wallet.status) {
    case 'ACTIVE':
    case 'LOCKED':
    case 'PENDING_LINK':
      return { kind: 'freeze', from: wallet.status };
    case 'FROZEN':
      return { kind: 'already-frozen' };
    default:
      return { kind: 'closed' };
  }
}

export type UnfreezePlan = { kind: 'unfreeze'; to: WalletStatus } | { kind: 'not-frozen' };

/** A freeze lifted: back to LOCKED if the owner locked it, else ACTIVE or PENDING_LINK by its links now. */
export function planUnfreeze(wallet: Pick<Wallet, 'status' | 'frozenFrom' | 'activeLinks'>): UnfreezePlan {
  if (wallet.status !== 'FROZEN') return { kind: 'not-frozen' };
  return { kind: 'unfreeze', to: wallet.frozenFrom === 'LOCKED' ? 'LOCKED' : releasedStatus(wallet) };
}

export type LockPlan =
  /** Set LOCKED from this status (conditional on it). */
  | { kind: 'lock'; from: 'ACTIVE' | 'PENDING_LINK' }
  /** Already LOCKED, or FROZEN with the lock already remembered: nothing to change. */
  | { kind: 'already-locked' }
  /** FROZEN: it stays FROZEN, and comes back LOCKED when the freeze is lifted. */
  | { kind: 'lock-under-freeze' }
  | { kind: 'closed' };

export function planLock(wallet: Pick<Wallet, 'status' | 'frozenFrom'>): LockPlan {
  switch (wallet.status) {
    case 'ACTIVE':
    case 'PENDING_LINK':
      return { kind: 'lock', from: wallet.status };
    case 'LOCKED':
      return { kind: 'already-locked' };
    case 'FROZEN':
      return wallet.frozenFrom === 'LOCKED' ? { kind: 'already-locked' } : { kind: 'lock-under-freeze' };
    default:
      return { kind: 'closed' };
  }
}

export type UnlockPlan =
  | { kind: 'unlock'; to: 'ACTIVE' | 'PENDING_LINK' }
  | { kind: 'not-locked' | 'frozen' | 'closed' };

/** Only a LOCKED wallet unlocks; a FROZEN one waits for its unfreeze (which brings the lock back). */
export function planUnlock(wallet: Pick<Wallet, 'status' | 'activeLinks'>): UnlockPlan {
  switch (wallet.status) {
    case 'LOCKED':
      return { kind: 'unlock', to: releasedStatus(wallet) };
    case 'FROZEN':
      return { kind: 'frozen' };
    case 'CLOSED':
      return { kind: 'closed' };
    default:
      return { kind: 'not-locked' };
  }
}

/** A freeze or unfreeze order, kept with the wallet (who, on whose authority, why, under which reference). */
export interface WalletOrder {
  orderId: string;
  walletId: string;
  action: 'FREEZE' | 'UNFREEZE';
  /** `OPERATOR` for the provider's own decision, else the authority named in the written order. */
  authority: string;
  /** The staff member who entered it (Cognito `sub`). */
  actor: string;
  reason: string;
  reference: string;
  /** The law-enforcement request it executes, if any. */
  requestId?: string;
  /** The watch-list screening case it executes, if any (RULES.md §5). */
  caseId?: string;
  previousStatus: WalletStatus;
  status: WalletStatus;
  at: string;
}

/** What a freeze order writes on one wallet (RULES.md §7), or why it cannot. */
export function freezeWrite(wallet: Wallet, order: WalletOrder): WalletOrderWrite | Refusal {
  const plan = planFreeze(wallet);
  if (plan.kind === 'closed') return refusals.walletClosed();
  if (plan.kind === 'already-frozen') return { wallet, order };
  return {
    wallet,
    set: { status: 'FROZEN', frozenFrom: plan.from, frozenAt: order.at },
    remove: ['unlockChallenge'],
    order,
  };
}

/** What lifting a freeze writes: back where it was (LOCKED if its owner locked it), or why it cannot. */
export function unfreezeWrite(wallet: Wallet, order: WalletOrder): WalletOrderWrite | Refusal {
  const plan = planUnfreeze(wallet);
  if (plan.kind === 'not-frozen') return new Refusal('wallet-not-frozen', 'This wallet is not frozen.');
  return { wallet, set: { status: plan.to }, remove: ['frozenFrom', 'frozenAt'], order };
}

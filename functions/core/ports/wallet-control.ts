import type { UnlockChallenge, Wallet, WalletStatus } from '../domain/wallet.ts';
import type { WalletOrder } from '../domain/wallet-control.ts';

export type { WalletOrder } from '../domain/wallet-control.ts';

/**
 * Customers' own status changes of a wallet (self-lock and unlock; freezes and unfreezes are
 * commit plans, functions/core/domain/wallet-control.ts). Every change is conditional on the wallet's
 * status, `frozenFrom` and `activeLinks` being as read: 'conflict' means it changed meanwhile (read
 * again and re-plan), so no concurrent change is lost. Balances are never touched here.
 */
export interface WalletControl {
  /** LOCKED, or (FROZEN) remembered as locked for when the freeze is lifted. Drops a pending unlock. */
  lock(wallet: Wallet, lock: { reason?: string; at: string }): Promise<'done' | 'conflict'>;
  /** Replaces the pending unlock challenge of a LOCKED wallet. */
  setUnlockChallenge(wallet: Wallet, challenge: UnlockChallenge): Promise<'done' | 'conflict'>;
  /** Uses one try of the pending challenge atomically; false when it is not pending or none are left. */
  useUnlockAttempt(walletId: string, challengeId: string, maxAttempts: number): Promise<boolean>;
  /**
   * LOCKED → `to`, consuming the pending challenge (one use): only while it is this challenge, for
   * this device, not expired at `now`.
   */
  unlock(
    wallet: Wallet,
    challengeId: string,
    deviceId: string,
    to: WalletStatus,
    now: Date,
  ): Promise<'done' | 'conflict'>;
  /** The freeze and unfreeze orders of a wallet entered at or after `since`, oldest first. */
  ordersSince(walletId: string, since: string): Promise<WalletOrder[]>;
}

// The inputs of the real-time risk engine (RULES.md §7, Circular 40 Art. 28: criteria by time,
// amount, frequency and failed logins; RULES.md §8 for the AML dormancy rule). Every feature is a
// counter or a sketch that the caller keeps up to date as money moves and reads in O(1) on the
// transfer path (DESIGN.md "Identity, step-up and risk": no scans on the hot path). Amounts in VND.

import type { TransferType } from '../authentication-class.ts';
import type { RiskConfig } from './config.ts';

/** A watch-list entry's severity (RULES.md §7; the SBV SIMO database, the MPS list, internal). */
export type WatchlistSeverity = 'WARN' | 'BLOCK';

/** The transfer being decided, before it is committed. */
export interface TransferFeatures {
  type: TransferType;
  amount: number;
  /** When the transfer is created: the engine has no clock of its own. */
  at: Date;
  /** The wallet whose money moves out; for a TOPUP, the wallet being topped up. */
  payerWalletId: string;
  /** The receiving wallet of a P2P or PAYMENT (for a PAYMENT, the merchant's wallet). */
  payeeWalletId?: string;
  /** EXTERNAL: the payee outside the wallet, by the keyed hash of its account (never the number). */
  payeeKey?: string;
}

/**
 * The worst severity found on each side's wallet, phone number and bank account (RULES.md §7);
 * absent when that side is on no list.
 */
export interface WatchlistFeatures {
  payer?: WatchlistSeverity;
  payee?: WatchlistSeverity;
}

/** The acting customer's wallet, device and history (the topped-up wallet for a TOPUP). */
export interface PayerFeatures {
  /** The device is new: first seen less than 24 h ago, or trusted less than 24 h ago (RULES.md §4). */
  newDevice: boolean;
  /** Failed sign-ins of the customer in the last 24 h. */
  failedLoginsLast24h: number;
  /** The wallet has never paid this payee before (false for transfers without a payee). */
  newPayee: boolean;
  /** The wallet's usual outgoing amount: an exponentially weighted mean of past outgoing transfers, 0 without history. */
  usualAmount: number;
  /** Past outgoing transfers counted in `usualAmount`. */
  historyCount: number;
  /** Money received from others (P2P, PAYMENT and switch credits in; top-ups excluded) in the last 24 h. */
  receivedLast24h: number;
  /** Distinct sender wallets behind `receivedLast24h`. */
  distinctSendersLast24h: number;
  /** Money sent out of the wallet (P2P, PAYMENT, WITHDRAWAL) in the last hour, before this transfer. */
  sentLastHour: number;
  /** When the wallet was opened: a wallet that never moved money has been idle since then. */
  openedAt: Date;
  /**
   * The last time the wallet moved money (in or out) before today's Hanoi day; undefined = never.
   * Before today, so that the second transfer of the day that wakes a dormant wallet still sees it
   * dormant (RULES.md §8 counts the day's total).
   */
  lastActivityBeforeToday?: Date;
  /** Money moved in and out of the wallet today (Hanoi day), top-ups included, before this transfer. */
  movedToday: number;
}

/**
 * A merchant wallet's receipts (PAYMENTs in) over the last 24 h, before this transfer, and what it
 * withdrew in the last hour. Kept per merchant wallet with `isRoundAmount` and `isNightInHanoi`.
 */
export interface MerchantFeatures {
  paymentsLast24h: number;
  distinctPayersLast24h: number;
  /** Payments whose amount is a multiple of the round unit (`isRoundAmount`). */
  roundAmountPaymentsLast24h: number;
  /** Payments made at night in Hanoi (`isNightInHanoi`). */
  nightPaymentsLast24h: number;
  /** The total amount of `paymentsLast24h`. */
  receivedLast24h: number;
  /** Withdrawn to the bank in the last hour, before this transfer. */
  withdrawnLastHour: number;
}

export interface RiskFeatures {
  transfer: TransferFeatures;
  watchlist: WatchlistFeatures;
  payer: PayerFeatures;
  /**
   * The merchant wallet this transfer involves: the payee of a PAYMENT, or the payer of a
   * WITHDRAWAL from a merchant wallet. Absent otherwise (and ignored for TOPUP and P2P).
   */
  merchant?: MerchantFeatures;
}

const hanoiOffsetMs = 7 * 60 * 60 * 1000; // Asia/Ho_Chi_Minh is UTC+7 with no daylight saving since 1975

/** The hour (0–23) of the Hanoi wall clock at `at`. */
export const hanoiHour = (at: Date): number => new Date(at.getTime() + hanoiOffsetMs).getUTCHours();

/**
 * A payment counts in `nightPaymentsLast24h` when made from nightStartHour (inclusive) to
 * nightEndHour (exclusive), Hanoi time; a window such as 22 → 5 wraps over midnight.
 */
export function isNightInHanoi(at: Date, config: RiskConfig): boolean {
  const hour = hanoiHour(at);
  const { nightStartHour: start, nightEndHour: end } = config.merchantNight;
  return start <= end ? hour >= start && hour < end : hour >= start || hour < end;
}

/** A payment counts in `roundAmountPaymentsLast24h` when its amount is a whole multiple of the round unit. */
export const isRoundAmount = (amount: number, config: RiskConfig): boolean =>
  amount > 0 && amount % config.merchantRoundAmounts.roundUnit === 0;

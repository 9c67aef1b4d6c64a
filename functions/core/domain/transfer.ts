import type {
  AuthenticationClass,
  DailyCounters,
  Factor,
  TransactionGroup,
  TransferType,
} from './authentication-class.ts';
import { businessDay } from './calendar.ts';

// Transfers and their life (API.md "Resources and status values"; TigerBeetle-style: the transfer
// id is the idempotency key everywhere, a pending transfer is posted or voided exactly once).

export type TransferStatus =
  | 'REQUIRES_AUTHENTICATION'
  | 'PROCESSING'
  | 'HELD'
  | 'COMPLETED'
  | 'FAILED'
  | 'REJECTED'
  | 'EXPIRED'
  | 'REVERSED';

export interface Challenge {
  challengeId: string;
  class: AuthenticationClass;
  methods: Factor[];
  expiresAt: string;
  /** Keyed hash of the SMS OTP, when the challenge asks for one. */
  otpHash?: string;
  /** Factor tries used, right or wrong (RULES.md §3: lock after at most 5). */
  attempts: number;
}

export interface Transfer {
  transferId: string;
  type: TransferType;
  status: TransferStatus;
  walletId: string;
  /** The customer whose wallet pays (or, for a top-up, receives). */
  customerId: string;
  customerKind: 'INDIVIDUAL' | 'ORGANIZATION';
  amount: number;
  group: TransactionGroup;
  /** The class the rules gave at creation; `challenge.class` may be higher after a re-challenge. */
  class: AuthenticationClass;
  /** The device that created the transfer: its soft OTP secret computes the OCRA answer. */
  deviceId: string;
  linkId?: string;
  toWalletId?: string;
  payeeCustomerId?: string;
  merchantId?: string;
  description?: string;
  challenge?: Challenge;
  /** The highest class whose factors were verified; commits need it ≥ the actual class. */
  authenticatedClass?: AuthenticationClass;
  failureCode?: string;
  warnings?: string[];
  /** When it started waiting for the bank: the sweeper re-enqueues transfers stuck since long. */
  processingSince?: string;
  /** The risk engine's verdict at creation and the rules that fired (kept for operators). */
  riskDecision?: 'ALLOW' | 'STEP_UP' | 'HOLD' | 'BLOCK';
  ruleHits?: { rule: string; score: number; reason: string }[];
  caseId?: string;
  createdAt: string;
  completedAt?: string;
}

export const finalStatuses: readonly TransferStatus[] = ['COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED', 'REVERSED'];

/** Authentication must be done within this (RULES.md §3: an SMS OTP lives at most 5 minutes). */
export const challengeSeconds = 5 * 60;

/** The wallet's counters for the day of `at`: yesterday's do not count (RULES.md §2, Hanoi day). */
export function countersOn(
  wallet: { counterDay?: string; counters?: Partial<Record<TransactionGroup, DailyCounters>> },
  group: TransactionGroup,
  at: Date,
): DailyCounters {
  if (wallet.counterDay !== businessDay(at)) return { total: 0, totalAB: 0 };
  return wallet.counters?.[group] ?? { total: 0, totalAB: 0 };
}

/** Top-ups are left out of T and Tksth (RULES.md §2). */
export const countsTowardDailyTotals = (type: TransferType): boolean => type !== 'TOPUP';

/**
 * RULES.md §6, Circular 40 Art. 26: P2P to another owner and payments from personal wallets count
 * toward the monthly cap; own-wallet moves, top-ups and withdrawals do not; organisations are exempt.
 */
export const countsTowardMonthlyCap = (t: {
  type: TransferType;
  group: TransactionGroup;
  customerKind: string;
}): boolean => t.customerKind === 'INDIVIDUAL' && ((t.type === 'P2P' && t.group === 'I.3') || t.type === 'PAYMENT');

export function transferView(t: Transfer) {
  return {
    transferId: t.transferId,
    type: t.type,
    status: t.status,
    walletId: t.walletId,
    amount: t.amount,
    ...(t.status === 'REQUIRES_AUTHENTICATION' && t.challenge
      ? {
          authentication: {
            class: t.challenge.class,
            methods: t.challenge.methods,
            challengeId: t.challenge.challengeId,
            expiresAt: t.challenge.expiresAt,
          },
        }
      : {}),
    ...(t.linkId ? { linkId: t.linkId } : {}),
    ...(t.toWalletId ? { toWalletId: t.toWalletId } : {}),
    ...(t.merchantId ? { merchantId: t.merchantId } : {}),
    ...(t.description ? { description: t.description } : {}),
    ...(t.failureCode ? { failureCode: t.failureCode } : {}),
    ...(t.warnings?.length ? { warnings: t.warnings } : {}),
    createdAt: t.createdAt,
    ...(t.completedAt ? { completedAt: t.completedAt } : {}),
  };
}

import { createHash } from 'node:crypto';
import type {
  AuthenticationClass,
  DailyCounters,
  Factor,
  TransactionGroup,
  TransferType,
} from './authentication-class.ts';
import { requiredFactors } from './authentication-class.ts';
import { businessDay } from './calendar.ts';
import { type EssentialCategory, essentialCap, monthlyCap } from './customer.ts';
import type { RefusalReason } from './refusals.ts';

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
  /** EXTERNAL, EXTERNAL_IN: the other side at the switch, as the customer sees it. */
  counterparty?: SwitchCounterparty;
  /**
   * EXTERNAL: the payee's account or card number (a phone at another provider's wallet),
   * encrypted under the key ring: only the settlement worker decrypts it, to send.
   */
  payeeAccountEnc?: string;
  /** EXTERNAL: the name inquiry that named the payee. */
  nameInquiryId?: string;
  /** EXTERNAL, EXTERNAL_IN: a keyed hash naming the other side for the risk profile (never the number). */
  counterpartyKey?: string;
  /** EXTERNAL_IN: the switch's reference of the credit (EXTERNAL: the transfer id is the reference). */
  switchReference?: string;
  /** PAYMENT to an essential-service merchant: counts toward the essential cap, not the monthly one. */
  essentialCategory?: EssentialCategory;
  /** PAYMENT: the payment request it pays (payee and amount are the request's). */
  paymentRequestId?: string;
  /** REFUND: the merchant's COMPLETED payment it gives (part of) back. */
  originalTransferId?: string;
  /** PAYMENT: the sum of its refunds so far, never above `amount` (raised by each refund's commit). */
  refundedAmount?: number;
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
  /** The Hanoi month whose cap counted this transfer (a rejected hold gives that month's room back). */
  monthCounted?: string;
  /** Fingerprint of the creating request: the same Idempotency-Key with another body is refused. */
  requestHash?: string;
  /** What the creating request was answered: a retry with the same key is answered the same. */
  firstAnswer?: FirstAnswer;
  createdAt: string;
  completedAt?: string;
}

/** The other side of a switch transfer: its institution, its masked number and the holder's name. */
export interface SwitchCounterparty {
  institutionCode: string;
  maskedNumber: string;
  name?: string;
}

/** The first answer to `POST /v1/transfers`, kept small: the rest of the view comes from the transfer. */
export type FirstAnswer =
  | { status: TransferStatus; challenge?: Pick<Challenge, 'challengeId' | 'class' | 'expiresAt'> }
  | { refusal: { reason: RefusalReason; detail: string; facts: Record<string, unknown> } };

export const finalStatuses: readonly TransferStatus[] = ['COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED', 'REVERSED'];

/**
 * The life of a transfer: which status may follow which. Money that waits is two-phase: a
 * reservation (PROCESSING at the bank, HELD for review) is later posted on or voided back.
 */
export const transitions: Readonly<Record<TransferStatus, readonly TransferStatus[]>> = {
  // A stronger challenge replaces a weaker one when the day's counters rose meanwhile.
  REQUIRES_AUTHENTICATION: ['REQUIRES_AUTHENTICATION', 'PROCESSING', 'HELD', 'COMPLETED', 'FAILED', 'EXPIRED'],
  PROCESSING: ['COMPLETED', 'FAILED'],
  HELD: ['PROCESSING', 'COMPLETED', 'REJECTED'],
  COMPLETED: ['REVERSED'],
  FAILED: [],
  REJECTED: [],
  EXPIRED: [],
  REVERSED: [],
};

export const mayFollow = (from: TransferStatus, to: TransferStatus): boolean => transitions[from].includes(to);

export const isFinal = (status: TransferStatus): boolean => finalStatuses.includes(status);

/**
 * The transfer an Idempotency-Key creates (TigerBeetle: the id is the idempotency key): the same
 * caller and key always name the same transfer, so the commit itself refuses a second one, even
 * when the first answer was lost. 26 characters of Crockford base32, like a ULID.
 */
export function transferIdFor(customerId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`transfer\u0000${customerId}\u0000${idempotencyKey}`).digest();
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let id = '';
  for (let i = 0; i < 26; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = ((digest[byte] ?? 0) << 8) | (digest[byte + 1] ?? 0);
    id += alphabet[(word >> (11 - (bit & 7))) & 31];
  }
  return id;
}

/** A request body's fingerprint, whatever the order of its members. */
export function requestFingerprint(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('base64url');
}

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
 * RULES.md §6, Circular 40 Art. 26: P2P to another owner, payments and transfers over the switch
 * from personal wallets count toward the monthly cap; own-wallet moves, top-ups, withdrawals and
 * money received do not; organisations are exempt.
 */
export const countsTowardMonthlyCap = (t: {
  type: TransferType;
  group: TransactionGroup;
  customerKind: string;
  essentialCategory?: EssentialCategory;
}): boolean =>
  t.customerKind === 'INDIVIDUAL' &&
  ((t.type === 'P2P' && t.group === 'I.3') || (t.type === 'PAYMENT' && !t.essentialCategory) || t.type === 'EXTERNAL');

/**
 * RULES.md §6, Circular 40 Art. 26(2) as raised by Circular 41/2025: payments from personal wallets
 * to essential-service merchants count toward their own 300,000,000 VND monthly cap instead.
 */
export const countsTowardEssentialCap = (t: {
  type: TransferType;
  customerKind: string;
  essentialCategory?: EssentialCategory;
}): boolean => t.customerKind === 'INDIVIDUAL' && t.type === 'PAYMENT' && t.essentialCategory !== undefined;

/** The month counter a transfer takes room from (and gives back when it does not go through), if any. */
export function capCounterOf(t: Parameters<typeof countsTowardMonthlyCap>[0]): CapCounter | undefined {
  if (countsTowardEssentialCap(t)) return { counter: 'ESSENTIAL', cap: essentialCap };
  if (countsTowardMonthlyCap(t)) return { counter: 'MONTHLY', cap: monthlyCap };
  return undefined;
}

export interface CapCounter {
  counter: 'MONTHLY' | 'ESSENTIAL';
  cap: number;
}

/** The transfer as the creating request was first answered (status and challenge of that moment). */
export function firstView(t: Transfer): ReturnType<typeof transferView> {
  const first = t.firstAnswer;
  if (!first || 'refusal' in first) return transferView(t);
  // What changed after the first answer is not part of it: the end of the transfer unless it had
  // ended then, and the refunds of a payment made since (a replay is the first body: API.md).
  const { completedAt: _c, failureCode: _f, challenge: _ch, refundedAmount: _r, ...rest } = t;
  const final = isFinal(first.status);
  return transferView({
    ...rest,
    status: first.status,
    ...(first.challenge
      ? {
          challenge: {
            ...first.challenge,
            methods: requiredFactors(first.challenge.class, t.customerKind),
            attempts: 0,
          },
        }
      : {}),
    ...(final && t.completedAt ? { completedAt: t.completedAt } : {}),
    ...(final && t.failureCode ? { failureCode: t.failureCode } : {}),
  });
}

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
    ...(t.nameInquiryId ? { nameInquiryId: t.nameInquiryId } : {}),
    ...(t.counterparty ? { counterparty: t.counterparty } : {}),
    ...(t.paymentRequestId ? { paymentRequestId: t.paymentRequestId } : {}),
    ...(t.originalTransferId ? { originalTransferId: t.originalTransferId } : {}),
    ...(t.type === 'PAYMENT' && t.status === 'COMPLETED' ? { refundedAmount: t.refundedAmount ?? 0 } : {}),
    ...(t.description ? { description: t.description } : {}),
    ...(t.failureCode ? { failureCode: t.failureCode } : {}),
    ...(t.warnings?.length ? { warnings: t.warnings } : {}),
    createdAt: t.createdAt,
    ...(t.completedAt ? { completedAt: t.completedAt } : {}),
  };
}

// Transaction groups and authentication classes of online payments (RULES.md §1–3: Circular
// 50/2024/TT-NHNN, Appendix 01 for groups and classes, Appendix 02 for the methods of each
// class). Pure functions: no I/O, no clock; the caller keeps the day's counters.

import type { CustomerKind } from './customer.ts';

export type TransactionGroup = 'I.1' | 'I.2' | 'I.3' | 'II.1' | 'II.2';
export type AuthenticationClass = 'A' | 'B' | 'C' | 'D';
/**
 * `EXTERNAL`: to any bank account, card or other provider's wallet over the switch; `EXTERNAL_IN`:
 * credited by the switch (Circular 40 Art. 25 as amended, since 2025-07-01).
 */
/** `REFUND`: a merchant organisation gives (part of) one of its payments back to the payer (API.md v1.1). */
export type TransferType = 'TOPUP' | 'WITHDRAWAL' | 'P2P' | 'PAYMENT' | 'EXTERNAL' | 'EXTERNAL_IN' | 'REFUND';
export type Factor = 'OTP' | 'BIOMETRIC' | 'SOFT_OTP';

/**
 * The amount lines of Circular 50, Appendix 01 (RULES.md §2), in VND. Every line is inclusive:
 * an amount equal to the line stays in the lower class. G = this transaction's amount,
 * T = the day's total of the group before G, Tksth = the day's class A and B total since the
 * last class C or D.
 */
export const classThresholds = {
  /** Group I.2, payments for goods and services, on G+T. */
  payment: {
    classA: 5_000_000,
    classB: 100_000_000,
    classC: 1_500_000_000,
  },
  /** Group I.3, transfers to another owner, top-ups and withdrawals. */
  transfer: {
    /** G up to this may be class A or B (with G+Tksth within `classABDaily`). */
    classABPerTransaction: 10_000_000,
    /** G+Tksth up to this may be class A or B. */
    classABDaily: 20_000_000,
    /** G above this is class D whatever the day's totals. */
    classCPerTransaction: 500_000_000,
    /** G+T above this is class D. */
    classCDaily: 1_500_000_000,
  },
  /** Group II.2, organisations' transactions other than between their own wallets. */
  organisation: {
    classCPerTransaction: 1_000_000_000,
    classCDaily: 10_000_000_000,
  },
} as const;

/**
 * RULES.md §1 (Circular 50, Appendix 01). ownWallet = P2P between two wallets of the same owner.
 * customerKind of the payer (for TOPUP: of the wallet owner). Household/micro businesses are
 * individuals (callers pass INDIVIDUAL).
 */
export function transactionGroup(input: {
  type: TransferType;
  customerKind: CustomerKind;
  ownWallet: boolean;
}): TransactionGroup {
  const betweenOwnWallets = input.type === 'P2P' && input.ownWallet;
  if (input.customerKind === 'ORGANIZATION') return betweenOwnWallets ? 'II.1' : 'II.2'; // II.1 / II.2
  if (betweenOwnWallets) return 'I.1'; // I.1: between one customer's own wallets
  if (input.type === 'PAYMENT') return 'I.2'; // I.2: goods and services
  return 'I.3'; // I.3: to another owner, top-up, withdrawal
}

/**
 * The day's counters of one wallet for one group, as stored (RULES.md §2): T = today's total of
 * that group before G (top-ups excluded: callers never add top-ups to T or Tksth), Tksth =
 * today's total of class A and B transactions of that group since the last C/D (reset at the
 * start of the Hanoi day and right after a C or D).
 */
export interface DailyCounters {
  total: number;
  totalAB: number;
}

/** RULES.md §2, I.2 row: classed by G+T alone. */
function paymentClass(amount: number, counters: DailyCounters): AuthenticationClass {
  const { classA, classB, classC } = classThresholds.payment;
  const dayTotal = amount + counters.total;
  if (dayTotal <= classA) return 'A'; // G+T ≤ 5M
  if (dayTotal <= classB) return 'B'; // 5M < G+T ≤ 100M
  if (dayTotal <= classC) return 'C'; // 100M < G+T ≤ 1.5B
  return 'D'; // G+T > 1.5B
}

/** RULES.md §2, I.3 row: G, G+Tksth and G+T; class A only with the owner's linked bank. */
function transferClass(amount: number, counters: DailyCounters, linkedBank: boolean): AuthenticationClass {
  const { classABPerTransaction, classABDaily, classCPerTransaction, classCDaily } = classThresholds.transfer;
  if (amount > classCPerTransaction) return 'D'; // G > 500M
  const withinAB = amount <= classABPerTransaction && amount + counters.totalAB <= classABDaily;
  if (withinAB) return linkedBank ? 'A' : 'B'; // G ≤ 10M and G+Tksth ≤ 20M
  // Here (G ≤ 10M and G+Tksth > 20M) or 10M < G ≤ 500M: C or D on G+T alone.
  return amount + counters.total <= classCDaily ? 'C' : 'D'; // G+T ≤ 1.5B : G+T > 1.5B
}

/** RULES.md §2, II.2 row: no class A or B. */
function organisationClass(amount: number, counters: DailyCounters): AuthenticationClass {
  const { classCPerTransaction, classCDaily } = classThresholds.organisation;
  const withinC = amount <= classCPerTransaction && amount + counters.total <= classCDaily;
  return withinC ? 'C' : 'D'; // G ≤ 1B and G+T ≤ 10B : otherwise
}

/**
 * RULES.md §2 exactly, boundaries inclusive as written. linkedBank = a TOPUP or WITHDRAWAL with
 * the owner's linked bank (I.3 class A case); it means nothing outside I.3.
 */
export function authenticationClass(input: {
  group: TransactionGroup;
  amount: number;
  counters: DailyCounters;
  linkedBank: boolean;
}): AuthenticationClass {
  switch (input.group) {
    case 'I.1':
    case 'II.1':
      return 'A'; // own wallets: always A
    case 'I.2':
      return paymentClass(input.amount, input.counters);
    case 'I.3':
      return transferClass(input.amount, input.counters, input.linkedBank);
    case 'II.2':
      return organisationClass(input.amount, input.counters);
  }
}

/**
 * The counters after committing a transaction of this class (RULES.md §2: counted when
 * authorised and committed; a class C or D resets Tksth to 0, A and B add to both). Callers
 * don't call this for top-ups, which count in neither.
 */
export function countersAfter(counters: DailyCounters, amount: number, cls: AuthenticationClass): DailyCounters {
  const total = counters.total + amount;
  return cls === 'A' || cls === 'B' ? { total, totalAB: counters.totalAB + amount } : { total, totalAB: 0 };
}

const individualFactors: Record<AuthenticationClass, readonly Factor[]> = {
  A: [],
  B: ['OTP'],
  C: ['OTP', 'BIOMETRIC'],
  D: ['SOFT_OTP', 'BIOMETRIC'],
};

const organisationFactors: Record<AuthenticationClass, readonly Factor[]> = {
  A: [],
  B: ['OTP'],
  C: ['SOFT_OTP'],
  D: ['SOFT_OTP'],
};

/**
 * The factors the `authorize` call must bring for a class (RULES.md §3, Circular 50 Appendix 02;
 * API.md `authentication.methods`).
 *
 * Individuals: A nothing beyond the session; B one factor, SMS OTP; C (SMS OTP or basic soft OTP)
 * and a biometric match, here OTP + BIOMETRIC; D (transaction-bound soft OTP or FIDO) and a
 * biometric match, here SOFT_OTP + BIOMETRIC.
 *
 * Organisations, from the organisation column of RULES.md §3, with this wallet's factors (no
 * FIDO, no separate second channel):
 * - B: "SMS OTP, or the legal representative's device biometric" → OTP.
 * - C: "basic soft OTP or two-channel" → SOFT_OTP. Our soft OTP is always transaction-bound
 *   (OCRA over the challenge id), which is the class D method and so satisfies C ("a stronger
 *   class's method satisfies a weaker class").
 * - D: "transaction-bound soft OTP or FIDO" → SOFT_OTP.
 * The organisation column asks for no biometric match in C or D (unlike the individual column,
 * which says "and a biometric match"), so BIOMETRIC is not required of organisations; the legal
 * representative's biometric is only one of the alternatives for B, where OTP is chosen.
 */
export function requiredFactors(cls: AuthenticationClass, customerKind: CustomerKind): Factor[] {
  if (customerKind === 'ORGANIZATION') return [...organisationFactors[cls]];
  return [...individualFactors[cls]];
}

const strength: Record<AuthenticationClass, number> = { A: 0, B: 1, C: 2, D: 3 };

/** "A stronger class's method satisfies a weaker class" (RULES.md §3): A < B < C < D. */
export const strongerOrEqual = (a: AuthenticationClass, b: AuthenticationClass): boolean => strength[a] >= strength[b];

/** The stronger of two classes, e.g. to raise a class to at least C (RULES.md §7). */
export const maxClass = (a: AuthenticationClass, b: AuthenticationClass): AuthenticationClass =>
  strongerOrEqual(a, b) ? a : b;

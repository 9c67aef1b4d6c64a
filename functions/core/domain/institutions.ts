// The institutions a wallet may send to over the switch (Circular 40 Art. 25 as amended, in force
// 2025-07-01; API.md "Interoperable transfers"): every domestic bank of the NAPAS/VietQR list, and
// other payment intermediaries' wallets by their own code, where the "account number" is the
// wallet's phone number. A configuration list, like banks.ts: add a provider here, nothing else.

import { banks, passesLuhn } from './banks.ts';
import { normalizeAccountNumber, normalizePhoneNumber } from './identifiers.ts';

export interface Institution {
  code: string;
  kind: 'BANK' | 'WALLET';
  name: string;
}

/** Other providers' wallets reachable over the switch. */
export const walletProviders: readonly Institution[] = [
  { code: 'MOMO', kind: 'WALLET', name: 'MoMo' },
  { code: 'ZALOPAY', kind: 'WALLET', name: 'ZaloPay' },
  { code: 'VNPTPAY', kind: 'WALLET', name: 'VNPT Money' },
  { code: 'VIETTELMONEY', kind: 'WALLET', name: 'Viettel Money' },
  { code: 'SHOPEEPAY', kind: 'WALLET', name: 'ShopeePay' },
  { code: 'VNPAY', kind: 'WALLET', name: 'VNPAY' },
];

export const institutions: readonly Institution[] = [
  ...banks.map((b): Institution => ({ code: b.code, kind: 'BANK', name: b.name })),
  ...walletProviders,
];

export const institutionOf = (code: string): Institution | undefined => institutions.find((i) => i.code === code);

/** What a name inquiry asks the switch about: an account or card at a bank, or a wallet's phone. */
export type SwitchPayee =
  | { institution: Institution; kind: 'ACCOUNT'; number: string }
  | { institution: Institution; kind: 'CARD'; number: string }
  | { institution: Institution; kind: 'WALLET_PHONE'; number: string };

/** Why a payee cannot be asked about, in words for `validation-failed`. */
export type PayeeProblem = { field: string; reason: string };

/**
 * The payee of a name inquiry in its canonical form (identifiers.ts: account numbers without
 * separators, phones in E.164), or what is wrong with it. An institution must be on the list and
 * not this provider (its own wallets are paid by P2P); a card needs a valid check digit; at a
 * wallet provider the number is a phone.
 */
export function switchPayeeOf(
  input: { institutionCode: string; accountNumber?: string; cardNumber?: string },
  ownCode: string,
): SwitchPayee | PayeeProblem {
  const institution = institutionOf(input.institutionCode);
  if (!institution) return { field: 'institutionCode', reason: 'not an institution reachable over the switch' };
  if (institution.code === ownCode)
    return { field: 'institutionCode', reason: "this provider's own wallets are paid by P2P" };
  if (input.cardNumber !== undefined) {
    if (institution.kind !== 'BANK') return { field: 'cardNumber', reason: 'cards are issued by banks' };
    const number = normalizeAccountNumber(input.cardNumber);
    if (!number || !passesLuhn(number)) return { field: 'cardNumber', reason: 'not a valid card number (Luhn)' };
    return { institution, kind: 'CARD', number };
  }
  const raw = input.accountNumber ?? '';
  if (institution.kind === 'WALLET') {
    const phone = normalizePhoneNumber(raw);
    if (!phone) return { field: 'accountNumber', reason: "at a wallet provider, the wallet's phone number" };
    return { institution, kind: 'WALLET_PHONE', number: phone };
  }
  const number = normalizeAccountNumber(raw);
  if (!number || !/^\d{6,19}$/.test(number)) return { field: 'accountNumber', reason: '6-19 digits' };
  return { institution, kind: 'ACCOUNT', number };
}

export const isPayeeProblem = (p: SwitchPayee | PayeeProblem): p is PayeeProblem => 'reason' in p;

/** The last four digits, the rest hidden: `******7890` (what statements and answers show). */
export function maskNumber(number: string): string {
  const digits = number.replace(/^\+84/, '0');
  return `${'*'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
}

/** A name inquiry is good for this long (API.md: valid 10 minutes). */
export const nameInquirySeconds = 10 * 60;

/** The watch-list kind a switch payee is screened as (RULES.md §7): accounts and cards, or phones. */
export const watchKindOf = (p: SwitchPayee): 'BANK_ACCOUNT' | 'PHONE' =>
  p.kind === 'WALLET_PHONE' ? 'PHONE' : 'BANK_ACCOUNT';

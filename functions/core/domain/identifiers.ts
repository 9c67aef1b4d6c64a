// Identifiers as the watch lists match them (RULES.md §5, §7; Circular 27/2025 list screening):
// one canonical form per identifier, used both when a list is imported and when a value is looked
// up, so that however a list or a payer wrote it, one phone, ID number, account or wallet is one
// key. Pure: no I/O, no keys (the keyed hash is taken of the canonical form by the caller).

/** The kinds of identifier a watch list names (API.md `POST /v1/ops/watchlist`). */
export type IdentifierKind = 'WALLET' | 'PHONE' | 'BANK_ACCOUNT' | 'ID_NUMBER';

/** Spaces (any Unicode space), dots, dashes (ASCII and typographic), slashes and parentheses. */
const SEPARATORS = /[\s.\-\u2010-\u2015\u2212/()]/gu;

/**
 * A phone number in E.164, whatever separators and prefix it was written with: Vietnamese numbers
 * as `0912345678`, `+84 912 345 678`, `84912345678`, `(+84) 912.345.678`, `+84 (0) 912 345 678`,
 * `0084912345678`, or without the trunk 0 (`912345678`, as a spreadsheet keeps it) all give
 * `+84912345678`; landlines too (`024 3987 6543` → `+842439876543`). Numbers of other countries
 * keep their `+` (or `00`) form. Undefined when it is no phone number.
 */
export function normalizePhoneNumber(input: string): string | undefined {
  let s = input.trim().replace(SEPARATORS, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!/^\+?\d+$/.test(s)) return undefined;
  let national: string;
  if (s.startsWith('+84')) national = s.slice(3);
  else if (s.startsWith('+')) return /^\+[1-9]\d{6,14}$/.test(s) ? s : undefined;
  else if (s.startsWith('84') && (s.length === 11 || s.length === 12)) national = s.slice(2);
  else if (s.startsWith('0')) national = s.slice(1);
  else national = s;
  // `+84 (0) 91…`: the trunk 0 written after the country code.
  if (national.startsWith('0')) national = national.slice(1);
  // The national significant number: 9 digits for mobiles (3, 5, 7, 8, 9…), 10 for landlines (2…).
  return /^[1-9]\d{8,9}$/.test(national) ? `+84${national}` : undefined;
}

/**
 * An ID document number (12-digit CCCD, 9- or 12-digit CMND, a passport number) without
 * separators, letters upper-cased. All-digit numbers a spreadsheet shortened by dropping leading
 * zeros are restored: 10 or 11 digits are a 12-digit CCCD (its province code starts with 0), 8
 * digits a 9-digit CMND; no ID document has those lengths. Undefined when nothing is left.
 */
export function normalizeIdNumber(input: string): string | undefined {
  const s = input.trim().replace(SEPARATORS, '').toUpperCase();
  if (!/^[0-9A-Z]{1,20}$/.test(s)) return undefined;
  if (/^\d+$/.test(s)) {
    if (s.length === 10 || s.length === 11) return s.padStart(12, '0');
    if (s.length === 8) return s.padStart(9, '0');
  }
  return s;
}

/**
 * A bank account (or card) number without separators, letters upper-cased. Leading zeros are
 * kept: account numbers have no fixed length, so a dropped zero cannot be told from none.
 */
export function normalizeAccountNumber(input: string): string | undefined {
  const s = input.trim().replace(SEPARATORS, '').toUpperCase();
  return /^[0-9A-Z]{1,34}$/.test(s) ? s : undefined;
}

/** A wallet id as it is issued (a ULID: Crockford base32, upper case), trimmed and upper-cased. */
export function normalizeWalletId(input: string): string | undefined {
  const s = input.trim().toUpperCase();
  return /^[0-9A-Z_-]{1,64}$/.test(s) ? s : undefined;
}

/** The canonical form of a watch-list value of this kind; undefined when it is not one. */
export function normalizeIdentifier(kind: IdentifierKind, value: string): string | undefined {
  switch (kind) {
    case 'PHONE':
      return normalizePhoneNumber(value);
    case 'ID_NUMBER':
      return normalizeIdNumber(value);
    case 'BANK_ACCOUNT':
      return normalizeAccountNumber(value);
    case 'WALLET':
      return normalizeWalletId(value);
  }
}

/** The purpose of the keyed hash of an ID number: the customer's `identity.idNumberHash` and the identity guard. */
export const idNumberMacPurpose = 'id-number';

/**
 * What a watch-list entry is keyed by: the keyed hash (`mac(purpose, value)`) of the canonical
 * value. ID_NUMBER entries use the very hash a customer's identity is kept under
 * (`identity.idNumberHash`, the `IDENTITY#<hash>` guard; KYC accepts only the canonical 12
 * digits): a transfer screens the payee's ID number from the customer item without decrypting it,
 * and an import finds the customer through the guard without a scan. The other kinds have a
 * purpose of their own (`watchlist:<kind>`).
 */
export function watchlistMacInput(kind: IdentifierKind, value: string): { purpose: string; value: string } | undefined {
  const canonical = normalizeIdentifier(kind, value);
  if (canonical === undefined) return undefined;
  return { purpose: kind === 'ID_NUMBER' ? idNumberMacPurpose : `watchlist:${kind}`, value: canonical };
}

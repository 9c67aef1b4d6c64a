// Know-your-customer rules for opening a wallet (RULES.md §5: Circular 40 Art. 18, 21, 22;
// Circular 41; Decree 52 Art. 8). Pure functions: no I/O, no clock of their own.

/** Customers under 15 need a guardian to open a wallet (not supported yet). */
export const minimumAge = 15;

/** Warn this many days before the ID expires (RULES.md §5). */
export const expiryWarningDays = 30;

/** Full years between a `YYYY-MM-DD` birth date and a `YYYY-MM-DD` business day. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * A chip ID card (CCCD) number: 12 digits, the first three a province code 001–096
 * (Circular 59/2021/TT-BCA). The remaining digits encode century, sex and birth year, which we
 * do not cross-check: the eKYC provider has read the chip and signs the number it found.
 */
export function isCccdNumber(idNumber: string): boolean {
  if (!/^\d{12}$/.test(idNumber)) return false;
  const province = Number(idNumber.slice(0, 3));
  return province >= 1 && province <= 96;
}

/** An ID is valid through its expiry date and expired from the day after (RULES.md §5). */
export const isIdExpired = (idExpiryDate: string, today: string): boolean => today > idExpiryDate;

/** "Nguyễn Văn An" and "NGUYEN VAN AN" are the same name: no diacritics, no case, single spaces. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export const namesMatch = (a: string, b: string): boolean => normalizeName(a) === normalizeName(b);

export interface SubmittedIdentity {
  fullName: string;
  dateOfBirth: string;
  idNumber: string;
}

/** Where an eKYC provider matched the live face (RULES.md §3: chip, VNeID, or its own verified database). */
export type BiometricSource = 'CCCD_CHIP' | 'VNEID' | 'PROVIDER_DB';

export interface BiometricVerdict extends SubmittedIdentity {
  faceMatch: boolean;
  liveness: boolean;
  nonce?: string;
}

/**
 * RULES.md §5: opening a wallet electronically needs a match against the chip or VNeID; a match
 * against the provider's own database never passes KYC (API.md v1.1).
 */
export const opensWallet = (source: BiometricSource): boolean => source === 'CCCD_CHIP' || source === 'VNEID';

/**
 * RULES.md §4: a match against the provider's own database trusts a device only together with an
 * SMS OTP (the one sent for the trust challenge).
 */
export const needsOtpToTrust = (source: BiometricSource): boolean => !opensWallet(source);

/** Who a customer is, as fixed by the first KYC: its kind and the person verified (an organisation's representative). */
export interface FixedIdentity {
  kind: 'INDIVIDUAL' | 'ORGANIZATION';
  idNumberHash: string;
  fullName: string;
  dateOfBirth: string;
  /** An organisation's enterprise code: its uniqueness guard. */
  enterpriseCode?: string;
}

/**
 * RULES.md §5, API.md v1.1 "KYC is done once": re-verification (a renewed ID) is by the same person
 * with the same ID number, name and date of birth, and a customer's kind never changes. The ID's
 * expiry date, and an organisation's other particulars, may be new.
 */
export const sameIdentity = (stored: FixedIdentity, submitted: FixedIdentity): boolean =>
  stored.kind === submitted.kind &&
  stored.idNumberHash === submitted.idNumberHash &&
  namesMatch(stored.fullName, submitted.fullName) &&
  stored.dateOfBirth === submitted.dateOfBirth &&
  (stored.enterpriseCode ?? '') === (submitted.enterpriseCode ?? '');

/**
 * RULES.md §3, §5: a biometric match counts only if the face matched a live person and the
 * provider's identity is the submitted one (and, for a challenge, carries its nonce).
 */
export function biometricProblems(verdict: BiometricVerdict, identity: SubmittedIdentity, nonce?: string): string[] {
  const problems: string[] = [];
  if (!verdict.faceMatch) problems.push('the face does not match');
  if (!verdict.liveness) problems.push('liveness was not proven');
  if (verdict.idNumber !== identity.idNumber) problems.push('the ID number differs');
  if (!namesMatch(verdict.fullName, identity.fullName)) problems.push('the name differs');
  if (verdict.dateOfBirth !== identity.dateOfBirth) problems.push('the date of birth differs');
  if (nonce !== undefined && verdict.nonce !== nonce) problems.push('the assertion is for another challenge');
  return problems;
}

export type KycRejection = 'guardian-required' | 'id-expired' | 'watchlist-blocked';

/** The policy reasons to refuse an identity that is otherwise genuine. */
export function kycRejections(
  identity: { dateOfBirth: string; idExpiryDate: string },
  today: string,
  watchlisted: boolean,
): KycRejection[] {
  const reasons: KycRejection[] = [];
  if (ageOn(identity.dateOfBirth, today) < minimumAge) reasons.push('guardian-required');
  if (isIdExpired(identity.idExpiryDate, today)) reasons.push('id-expired');
  if (watchlisted) reasons.push('watchlist-blocked'); // RULES.md §5: screen against watch lists at opening
  return reasons;
}

/** Shown instead of an ID number: the last three digits. */
export const maskIdNumber = (idNumber: string): string => `*********${idNumber.slice(-3)}`;

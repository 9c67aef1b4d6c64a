import { normalizePhone, type PhoneNumber } from './phone.ts';
import { Refusal } from './refusals.ts';

// Changing the phone number (RULES.md §5; Circular 77/2025 amending Circular 50, in force
// 2026-03-01): a biometric match plus an OTP sent to the NEW number, both bound to one challenge
// (API.md v1.1 "Changing the phone number"). The number moves atomically: the new number's
// guard is created only if absent, the old one deleted, the customer updated, in one transaction
// (functions/core/adapters/dynamodb/phone-changes.ts). Pure: no clock, no I/O.

/** The challenge lives 5 minutes, like every OTP (RULES.md §3). */
export const phoneChangeSeconds = 5 * 60;

export type PhoneChangeStatus = 'PENDING' | 'DONE';

export interface PhoneChange {
  changeId: string;
  customerId: string;
  /** Both numbers in E.164 (functions/core/domain/phone.ts). */
  oldPhone: PhoneNumber;
  newPhone: PhoneNumber;
  /** The nonce the biometric assertion carries; the OTP is hashed with it. */
  challengeId: string;
  otpHash: string;
  expiresAt: string;
  /** Tries used, right or wrong (RULES.md §3: at most 5 per challenge). */
  attempts: number;
  status: PhoneChangeStatus;
  createdAt: string;
  completedAt?: string;
}

/**
 * The number a customer asks to move to, normalised to E.164 (`0912 345 678`, `+84912345678`… are
 * one number), or why not: not a Vietnamese mobile number, or the number they already have.
 */
export function phoneChangeTarget(current: string, requested: string): PhoneNumber | Refusal {
  const phone = normalizePhone(requested);
  if (!phone) {
    return new Refusal('validation-failed', 'newPhoneNumber is not a Vietnamese mobile number.', {
      errors: [{ name: 'body.newPhoneNumber', reason: 'a Vietnamese mobile number, 0xxxxxxxxx or +84xxxxxxxxx' }],
    });
  }
  if (phone === normalizePhone(current)) {
    return new Refusal('validation-failed', 'This is already the phone number of the account.', {
      errors: [{ name: 'body.newPhoneNumber', reason: 'a number other than the current one' }],
    });
  }
  return phone;
}

/** What an authorize may do with the change as read. */
export function phoneChangeState(change: PhoneChange, now: Date): 'usable' | 'expired' | 'done' {
  if (change.status === 'DONE') return 'done';
  if (now.getTime() >= new Date(change.expiresAt).getTime()) return 'expired';
  return 'usable';
}

/** `+84*****5678`: enough for the owner to recognise, nothing for anyone else. */
export const maskPhone = (phone: string): string =>
  phone.length > 7 ? `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}` : '****';

/** The SMS to the OLD number once the change is done (RULES.md §3: no link in a message). */
export const phoneChangedNotice = (newPhone: string): string =>
  `So dien thoai cua vi dien tu da duoc doi sang ${maskPhone(newPhone)}. Neu khong phai ban, hay goi ngay tong dai ho tro de khoa vi.`;

/** The OTP message to the NEW number (RULES.md §3: what it is for, valid how long, no link). */
export const phoneChangeOtpText = (otp: string): string =>
  `${otp} la ma xac thuc doi so dien thoai cho vi dien tu, hieu luc 5 phut. Khong chia se ma nay voi bat ky ai.`;

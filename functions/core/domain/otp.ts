import { randomInt, timingSafeEqual } from 'node:crypto';

// SMS OTP rules (RULES.md §3, Circular 50 Appendix 02): valid at most 5 minutes, stored hashed
// (a keyed hash: KeyRing.mac), the factor locked after at most 10 wrong entries; we lock after 5.
export const otpPolicy = {
  digits: 6,
  validForSeconds: 5 * 60,
  maxAttempts: 5,
} as const;

/**
 * A customer's SMS OTP factor (API.md v1.1): 5 wrong entries across all challenges lock it for
 * 30 minutes (RULES.md §3 allows up to 10).
 */
export const otpFactorPolicy = {
  maxTries: 5,
  lockSeconds: 30 * 60,
  // Tries checked at the same moment (a customer may rightly authorise several transfers at
  // once): never more than the wrong entries still allowed, so that however many arrive together
  // at most 5 wrong ones are judged before the lock (API.md v1.1 "Lock-outs hold under concurrency").
  judgingAtOnce: 5,
} as const;

export function generateOtp(): string {
  return String(randomInt(0, 10 ** otpPolicy.digits)).padStart(otpPolicy.digits, '0');
}

/** What is hashed: the code bound to what it is for, so one purpose's code never verifies another. */
export const otpMacInput = (reference: string, otp: string): string => `${reference}:${otp}`;

export const isExpired = (expiresAt: string | Date, now: Date): boolean =>
  now.getTime() >= new Date(expiresAt).getTime();

/** Constant-time comparison of two hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

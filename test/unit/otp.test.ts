import { describe, expect, it } from 'vitest';
import { generateOtp, isExpired, otpPolicy, sameHash } from '../../functions/core/domain/otp.ts';

describe('SMS OTP policy (RULES.md §3)', () => {
  it('lives at most 5 minutes and allows at most 10 tries', () => {
    expect(otpPolicy.validForSeconds).toBeLessThanOrEqual(300);
    expect(otpPolicy.maxAttempts).toBeLessThanOrEqual(10);
  });

  it('generates six digits, leading zeros kept', () => {
    const codes = Array.from({ length: 2000 }, generateOtp);
    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1900);
  });

  it('expires at its instant, not a millisecond later', () => {
    const expiresAt = new Date('2026-11-28T10:05:00Z');
    expect(isExpired(expiresAt, new Date('2026-11-28T10:04:59.999Z'))).toBe(false);
    expect(isExpired(expiresAt, new Date('2026-11-28T10:05:00Z'))).toBe(true);
  });

  it('compares hashes exactly', () => {
    expect(sameHash('abc', 'abc')).toBe(true);
    expect(sameHash('abc', 'abd')).toBe(false);
    expect(sameHash('abc', 'abcd')).toBe(false);
  });
});

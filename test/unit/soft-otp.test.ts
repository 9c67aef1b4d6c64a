import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, newSoftOtpSecret, ocra } from '../../functions/core/domain/soft-otp.ts';

describe('transaction-bound soft OTP (OCRA-1:HOTP-SHA1-6:QA64)', () => {
  it('matches the vector of API.md', () => {
    expect(ocra('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '01JDX3Q9ZK8M4V6T2R5B7N0C1E')).toBe('423953');
  });

  it('differs for another challenge, so it cannot be replayed', () => {
    expect(ocra('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '01JDX3Q9ZK8M4V6T2R5B7N0C1F')).not.toBe('423953');
  });

  it('issues 160-bit base32 secrets that round-trip', () => {
    const secret = newSoftOtpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
  });

  it('decodes RFC 4648 test vectors', () => {
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });
});

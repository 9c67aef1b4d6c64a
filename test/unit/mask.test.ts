import { describe, expect, it } from 'vitest';
import { maskText, maskValue } from '../../functions/core/observability/mask.ts';

describe('personal data masking in logs (RULES.md §9)', () => {
  it('keeps only the last digits of phone numbers in both forms', () => {
    expect(maskText('sms to +84912345678 and 0912345678')).toBe('sms to ***678 and ***678');
  });

  it('masks 12-digit ID numbers', () => {
    expect(maskText('id 079123456789 ok')).toBe('id *********789 ok');
  });

  it('masks card numbers to BIN and last four', () => {
    expect(maskText('card 9704361234561234')).toBe('card 970436******1234');
  });

  it('leaves amounts and ids alone', () => {
    expect(maskText('amount 100000000 transfer 01JDX3Q9ZK8M4V6T2R5B7N0C1E')).toBe(
      'amount 100000000 transfer 01JDX3Q9ZK8M4V6T2R5B7N0C1E',
    );
  });

  it('redacts secrets by field name', () => {
    expect(maskValue('password', 'hunter2')).toBe('[redacted]');
    expect(maskValue('otp', '123456')).toBe('[redacted]');
    expect(maskValue('accessToken', 'eyJ...')).toBe('[redacted]');
    expect(maskValue('status', 'ACTIVE')).toBe('ACTIVE');
  });
});

import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../functions/core/domain/phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['+84912345678', '+84912345678'],
    ['0312 345 678', '+84312345678'],
    ['+84 971-234-567', '+84971234567'],
  ])('accepts %s as %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['12345', '091234567', '09123456789', '+8491234567', '0212345678', '+1912345678', 'abcdefghij', ''])(
    'refuses %s',
    (input) => {
      expect(normalizePhone(input)).toBeUndefined();
    },
  );
});

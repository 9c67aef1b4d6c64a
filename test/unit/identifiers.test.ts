import { describe, expect, it } from 'vitest';
import {
  normalizeAccountNumber,
  normalizeIdentifier,
  normalizeIdNumber,
  normalizePhoneNumber,
  normalizeWalletId,
  watchlistMacInput,
} from '../../functions/core/domain/identifiers.ts';

// RULES.md §5: watch-list matching on normalised identifiers. One canonical form per identifier,
// whatever a list or a payer wrote (functions/core/domain/identifiers.ts); no I/O.

describe('normalizePhoneNumber: every written form of one phone is one E.164 number', () => {
  it.each([
    '0922653285',
    '+84922653285',
    '84922653285',
    '+84 922 653 285',
    '0922 653 285',
    '0922.653.285',
    '0922-653-285',
    '092-265-3285',
    '(+84) 922 653 285',
    '(84) 922653285',
    '+84 (0) 922 653 285',
    '+840922653285',
    '0084922653285',
    '00 84 922 653 285',
    '922653285',
    '  0922653285  ',
    '0922\u00a0653\u00a0285',
    '0922–653–285',
    '+84-922-653-285',
    '84 922 653 285',
    '0922/653/285',
  ])('%s → +84922653285', (input) => {
    expect(normalizePhoneNumber(input)).toBe('+84922653285');
  });

  it.each([
    ['0312 345 678', '+84312345678'],
    ['+84 971-234-567', '+84971234567'],
    ['0845123456', '+84845123456'],
    ['84845123456', '+84845123456'],
    ['845123456', '+84845123456'],
  ])('mobiles of every network: %s → %s', (input, expected) => {
    expect(normalizePhoneNumber(input)).toBe(expected);
  });

  it.each([
    ['024 3987 6543', '+842439876543'],
    ['(024) 3987.6543', '+842439876543'],
    ['+84 24 3987 6543', '+842439876543'],
    ['842439876543', '+842439876543'],
    ['02439876543', '+842439876543'],
  ])('landlines (an organisation declares one): %s → %s', (input, expected) => {
    expect(normalizePhoneNumber(input)).toBe(expected);
  });

  it.each([
    ['+1 (415) 555-0100', '+14155550100'],
    ['0044 20 7946 0958', '+442079460958'],
  ])('keeps another country as its E.164: %s → %s', (input, expected) => {
    expect(normalizePhoneNumber(input)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'abc',
    '0922 653 28x',
    '12345',
    '+84',
    '+84 12',
    '091234567890123',
    '++84922653285',
    '+0922653285',
  ])('is no phone: %j', (input) => {
    expect(normalizePhoneNumber(input)).toBeUndefined();
  });
});

describe('normalizeIdNumber: ID numbers without separators', () => {
  it.each([
    '079123456789',
    '079 123 456 789',
    '079.123.456.789',
    '079-123-456-789',
    ' 0791 2345 6789 ',
    '079\u00a0123\u00a0456\u00a0789',
    '079–123–456–789',
    '79123456789', // a spreadsheet dropped the leading 0 of the province code
  ])('%s → 079123456789', (input) => {
    expect(normalizeIdNumber(input)).toBe('079123456789');
  });

  it('restores the two zeros of a Hà Nội CCCD (province 001) a spreadsheet dropped', () => {
    expect(normalizeIdNumber('1090012345')).toBe('001090012345');
    expect(normalizeIdNumber('001 090 012 345')).toBe('001090012345');
  });

  it.each([
    ['012 345 678', '012345678'],
    ['12345678', '012345678'], // a 9-digit CMND whose leading 0 was dropped
    ['b 1234567', 'B1234567'], // a passport number
    ['c1234567', 'C1234567'],
  ])('CMND and passports: %s → %s', (input, expected) => {
    expect(normalizeIdNumber(input)).toBe(expected);
  });

  it.each(['', ' - . ', '079#123', '079123456789012345678'])('is no ID number: %j', (input) => {
    expect(normalizeIdNumber(input)).toBeUndefined();
  });
});

describe('normalizeAccountNumber: account numbers without separators, zeros kept', () => {
  it.each([
    ['1012-345-678', '1012345678'],
    ['1012 345 678', '1012345678'],
    ['1012.345.678', '1012345678'],
    ['0011-0012-34567', '0011001234567'],
    ['00110012 34567', '0011001234567'],
    ['vn12-abc', 'VN12ABC'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAccountNumber(input)).toBe(expected);
  });

  it.each(['', '---', '1012#345', '1'.repeat(35)])('is no account number: %j', (input) => {
    expect(normalizeAccountNumber(input)).toBeUndefined();
  });
});

describe('normalizeWalletId: as issued (ULID, upper case)', () => {
  it.each([
    ['01JDX3Q9ZK8M4V6T2R5B7N0C1E', '01JDX3Q9ZK8M4V6T2R5B7N0C1E'],
    ['01jdx3q9zk8m4v6t2r5b7n0c1e', '01JDX3Q9ZK8M4V6T2R5B7N0C1E'],
    ['  01JDX3Q9ZK8M4V6T2R5B7N0C1E\t', '01JDX3Q9ZK8M4V6T2R5B7N0C1E'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeWalletId(input)).toBe(expected);
  });

  it.each(['', '01JDX 3Q9Z', '01JDX3Q9Z!'])('is no wallet id: %j', (input) => {
    expect(normalizeWalletId(input)).toBeUndefined();
  });
});

describe('watchlistMacInput: what an entry is keyed by, on import and on lookup alike', () => {
  it('keys every written form of one value by one canonical value, per kind', () => {
    const forms = ['0922653285', '+84 922 653 285', '84922653285', '0922.653.285'];
    expect(new Set(forms.map((f) => JSON.stringify(watchlistMacInput('PHONE', f))))).toEqual(
      new Set([JSON.stringify({ purpose: 'watchlist:PHONE', value: '+84922653285' })]),
    );
    expect(watchlistMacInput('BANK_ACCOUNT', '1012-345-678')).toEqual({
      purpose: 'watchlist:BANK_ACCOUNT',
      value: '1012345678',
    });
    expect(watchlistMacInput('WALLET', '01jdx3q9zk8m4v6t2r5b7n0c1e ')).toEqual({
      purpose: 'watchlist:WALLET',
      value: '01JDX3Q9ZK8M4V6T2R5B7N0C1E',
    });
  });

  it("keys an ID number by the customer identity's own hash purpose (no decryption to screen a customer)", () => {
    expect(watchlistMacInput('ID_NUMBER', '079 123 456 789')).toEqual({ purpose: 'id-number', value: '079123456789' });
  });

  it('has no key for a value that is no identifier of its kind', () => {
    expect(watchlistMacInput('PHONE', 'not a phone')).toBeUndefined();
    expect(normalizeIdentifier('ID_NUMBER', '---')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  ageOn,
  biometricProblems,
  isCccdNumber,
  isIdExpired,
  kycRejections,
  maskIdNumber,
  namesMatch,
} from '../../functions/core/domain/kyc.ts';

describe('age (RULES.md §5; under 15 needs a guardian)', () => {
  it('counts a birthday on the day itself', () => {
    expect(ageOn('2011-11-28', '2026-11-28')).toBe(15);
    expect(ageOn('2011-11-29', '2026-11-28')).toBe(14);
  });

  it('handles 29 February', () => {
    expect(ageOn('2008-02-29', '2023-02-28')).toBe(14);
    expect(ageOn('2008-02-29', '2023-03-01')).toBe(15);
  });
});

describe('CCCD number', () => {
  it.each(['079123456789', '001099000001', '096200123456'])('accepts %s', (n) => expect(isCccdNumber(n)).toBe(true));
  it.each(['07912345678', '0791234567890', '000123456789', '097123456789', '07912345678X', ' 79123456789'])(
    'refuses %s',
    (n) => expect(isCccdNumber(n)).toBe(false),
  );
});

describe('ID expiry', () => {
  it('is valid through its expiry date', () => {
    expect(isIdExpired('2026-11-28', '2026-11-28')).toBe(false);
    expect(isIdExpired('2026-11-28', '2026-11-29')).toBe(true);
  });
});

describe('name matching', () => {
  it.each([
    ['Nguyễn Văn An', 'NGUYEN VAN AN'],
    ['Đặng Thị Ngọc Ánh', 'dang thi ngoc anh'],
    ['  Trần   Hưng Đạo ', 'TRAN HUNG DAO'],
  ])('%s = %s', (a, b) => expect(namesMatch(a, b)).toBe(true));

  it('tells different names apart', () => {
    expect(namesMatch('Nguyễn Văn An', 'Nguyễn Văn Anh')).toBe(false);
  });
});

describe('biometric verdicts', () => {
  const person = { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-04-12', idNumber: '079123456789' };
  const verdict = { ...person, faceMatch: true, liveness: true };

  it('accepts a matching live face of the same person', () => {
    expect(biometricProblems(verdict, person)).toEqual([]);
  });

  it('names every problem', () => {
    expect(
      biometricProblems({ ...verdict, faceMatch: false, liveness: false, idNumber: '079000000000' }, person),
    ).toHaveLength(3);
    expect(biometricProblems({ ...verdict, dateOfBirth: '1990-04-13' }, person)).toEqual(['the date of birth differs']);
  });

  it('binds to a challenge through the nonce', () => {
    expect(biometricProblems({ ...verdict, nonce: 'c1' }, person, 'c1')).toEqual([]);
    expect(biometricProblems({ ...verdict, nonce: 'c2' }, person, 'c1')).toHaveLength(1);
    expect(biometricProblems(verdict, person, 'c1')).toHaveLength(1);
  });
});

describe('policy rejections', () => {
  it('lists each reason that applies', () => {
    expect(kycRejections({ dateOfBirth: '2015-01-01', idExpiryDate: '2020-01-01' }, '2026-11-28', true)).toEqual([
      'guardian-required',
      'id-expired',
      'watchlist-blocked',
    ]);
    expect(kycRejections({ dateOfBirth: '1990-01-01', idExpiryDate: '2040-01-01' }, '2026-11-28', false)).toEqual([]);
  });

  it('masks an ID number to its last three digits', () => {
    expect(maskIdNumber('079123456789')).toBe('*********789');
  });
});

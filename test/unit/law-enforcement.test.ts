import { describe, expect, it } from 'vitest';
import { normalizePeriod, resolvedCustomer, withinPeriod } from '../../functions/core/domain/law-enforcement.ts';

// Law-enforcement requests (RULES.md §7, Decree 52 Art. 11): the period of an INFORMATION request.

describe('the period of an information request', () => {
  it('takes days as whole Hanoi days', () => {
    expect(normalizePeriod({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
      from: '2026-02-28T17:00:00.000Z',
      to: '2026-03-31T16:59:59.999Z',
    });
  });

  it('takes instants as given, in UTC', () => {
    expect(normalizePeriod({ from: '2026-03-01T08:00:00+07:00', to: '2026-03-01T02:00:00.250Z' })).toEqual({
      from: '2026-03-01T01:00:00.000Z',
      to: '2026-03-01T02:00:00.250Z',
    });
  });

  it('refuses a period that ends before it starts', () => {
    expect(normalizePeriod({ from: '2026-03-02', to: '2026-03-01' })).toBeUndefined();
    expect(normalizePeriod({ from: 'not a date', to: '2026-03-01' })).toBeUndefined();
  });

  it('includes both ends, and everything without a period', () => {
    const period = { from: '2026-03-01T01:00:00.000Z', to: '2026-03-01T02:00:00.000Z' };
    expect(withinPeriod('2026-03-01T01:00:00.000Z', period)).toBe(true);
    expect(withinPeriod('2026-03-01T02:00:00.000Z', period)).toBe(true);
    expect(withinPeriod('2026-03-01T00:59:59.999Z', period)).toBe(false);
    expect(withinPeriod('2026-03-01T02:00:00.001Z', period)).toBe(false);
    expect(withinPeriod('2020-01-01T00:00:00.000Z', undefined)).toBe(true);
  });
});

describe('the subject of a request', () => {
  it('is one customer, however many identifiers name them', () => {
    expect(resolvedCustomer(['c1', undefined, 'c1'])).toBe('c1');
    expect(resolvedCustomer([undefined, undefined])).toBe('none');
    expect(resolvedCustomer(['c1', 'c2'])).toBe('ambiguous');
  });
});

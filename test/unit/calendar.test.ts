import { describe, expect, it } from 'vitest';
import { businessDay, businessMonth } from '../../functions/core/domain/calendar.ts';

describe('business calendar in Asia/Ho_Chi_Minh', () => {
  it('starts the Vietnamese day at 17:00 UTC the day before', () => {
    expect(businessDay(new Date('2026-11-27T16:59:59.999Z'))).toBe('2026-11-27');
    expect(businessDay(new Date('2026-11-27T17:00:00Z'))).toBe('2026-11-28');
  });

  it('turns the month at midnight in Hanoi', () => {
    expect(businessMonth(new Date('2026-11-30T16:59:59Z'))).toBe('2026-11');
    expect(businessMonth(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12');
    expect(businessMonth(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01');
  });
});

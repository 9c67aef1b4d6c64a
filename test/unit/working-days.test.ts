import { describe, expect, it } from 'vitest';
import { suspiciousReportOf } from '../../functions/core/domain/suspicious-report.ts';
import {
  addWorkingDays,
  endOfHanoiDay,
  isWorkingDay,
  workingDayDeadline,
} from '../../functions/core/domain/working-days.ts';

// RULES.md §8 (Circular 27/2025): a suspicious-transaction report is due within N working days of
// detection, counted in Asia/Ho_Chi_Minh, weekends skipped. Pure arithmetic: no I/O, no clock.

describe('working days in Asia/Ho_Chi_Minh', () => {
  it('knows weekends', () => {
    expect(isWorkingDay('2026-03-06')).toBe(true); // Friday
    expect(isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(isWorkingDay('2026-03-09', new Set(['2026-03-09']))).toBe(false); // a holiday passed in
  });

  it('counts from the day after detection: Monday + 3 is Thursday', () => {
    expect(addWorkingDays(new Date('2026-03-02T03:00:00Z'), 3)).toBe('2026-03-05');
  });

  it('skips the weekend: Friday + 3 is Wednesday, Thursday + 1 is Friday, Friday + 1 is Monday', () => {
    expect(addWorkingDays(new Date('2026-03-06T03:00:00Z'), 3)).toBe('2026-03-11');
    expect(addWorkingDays(new Date('2026-03-05T03:00:00Z'), 1)).toBe('2026-03-06');
    expect(addWorkingDays(new Date('2026-03-06T03:00:00Z'), 1)).toBe('2026-03-09');
  });

  it('a detection on Saturday or Sunday counts from Monday', () => {
    expect(addWorkingDays(new Date('2026-03-07T03:00:00Z'), 1)).toBe('2026-03-09');
    expect(addWorkingDays(new Date('2026-03-08T03:00:00Z'), 3)).toBe('2026-03-11');
  });

  it('takes the Hanoi day, not the UTC one: Friday 23:30 in Hanoi is still Friday', () => {
    // 2026-03-06T16:30Z is Friday 23:30 in Hanoi; 17:00Z is already Saturday there.
    expect(addWorkingDays(new Date('2026-03-06T16:30:00Z'), 1)).toBe('2026-03-09');
    expect(addWorkingDays(new Date('2026-03-06T17:00:00Z'), 1)).toBe('2026-03-09');
    // Thursday 23:59 Hanoi + 1 is Friday; one minute later (Friday 00:00) + 1 is Monday.
    expect(addWorkingDays(new Date('2026-03-05T16:59:00Z'), 1)).toBe('2026-03-06');
    expect(addWorkingDays(new Date('2026-03-05T17:00:00Z'), 1)).toBe('2026-03-09');
  });

  it('skips holidays it is given, and crosses months and years', () => {
    expect(addWorkingDays(new Date('2026-04-29T03:00:00Z'), 1, ['2026-04-30', '2026-05-01'])).toBe('2026-05-04');
    expect(addWorkingDays(new Date('2026-12-31T03:00:00Z'), 1)).toBe('2027-01-01');
    expect(addWorkingDays(new Date('2027-01-01T03:00:00Z'), 1)).toBe('2027-01-04');
  });

  it('0 days is the day itself; a negative or fractional count is a bug', () => {
    expect(addWorkingDays(new Date('2026-03-07T03:00:00Z'), 0)).toBe('2026-03-07');
    expect(() => addWorkingDays(new Date(), -1)).toThrow();
    expect(() => addWorkingDays(new Date(), 1.5)).toThrow();
  });

  it('a deadline ends at 23:59:59.999 in Hanoi', () => {
    expect(endOfHanoiDay('2026-03-11')).toBe('2026-03-11T16:59:59.999Z');
    expect(workingDayDeadline(new Date('2026-03-06T03:00:00Z'), 3)).toEqual({
      dueDate: '2026-03-11',
      dueAt: '2026-03-11T16:59:59.999Z',
    });
  });
});

describe('a suspicious-transaction report (RULES.md §8)', () => {
  const heldCase = {
    caseId: 'C1',
    transferId: 'T1',
    walletId: 'W1',
    customerId: 'U1',
    amount: 9_000_000,
    ruleHits: [{ rule: 'accountTakeover', score: 80, reason: 'new device' }],
  };

  it('judged on a Friday evening in Hanoi is due the Wednesday after, at 23:59:59.999 +07:00', () => {
    const report = suspiciousReportOf(heldCase, {
      reportId: 'R1',
      reason: 'takeover',
      reportedBy: 'ops',
      detectedAt: new Date('2026-03-06T15:00:00Z'), // Friday 22:00 in Hanoi
      workingDays: 3,
    });
    expect(report).toMatchObject({ status: 'OPEN', dueDate: '2026-03-11', dueAt: '2026-03-11T16:59:59.999Z' });
  });

  it('follows the configured figure: 1 working day where the law says so', () => {
    const report = suspiciousReportOf(heldCase, {
      reportId: 'R2',
      reason: 'x',
      reportedBy: 'ops',
      detectedAt: new Date('2026-03-06T15:00:00Z'),
      workingDays: 1,
    });
    expect(report.dueDate).toBe('2026-03-09');
  });
});

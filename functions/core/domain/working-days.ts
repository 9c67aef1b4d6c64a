import { businessDay } from './calendar.ts';

// Working days in Asia/Ho_Chi_Minh, for deadlines the law counts in them (RULES.md §8: a
// suspicious-transaction report within 3 working days of detection, 1 where the law says so;
// Circular 27/2025). Saturdays and Sundays are not working days; public holidays are passed in by
// the caller (configuration) when it knows them. Pure: no clock, no I/O.

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` → the weekday of that calendar date, 0 = Sunday … 6 = Saturday. */
const weekday = (day: string): number => new Date(`${day}T00:00:00Z`).getUTCDay();

const nextDay = (day: string): string =>
  new Date(new Date(`${day}T00:00:00Z`).getTime() + DAY_MS).toISOString().slice(0, 10);

export const isWorkingDay = (day: string, holidays: ReadonlySet<string> = new Set()): boolean =>
  weekday(day) !== 0 && weekday(day) !== 6 && !holidays.has(day);

/**
 * The Hanoi day that is `days` working days after the day containing `from` (that day itself does
 * not count: a report due "within 3 working days" of a Friday detection is due on Wednesday).
 * `days` = 0 is the day itself.
 */
export function addWorkingDays(from: Date, days: number, holidays: readonly string[] = []): string {
  if (!Number.isInteger(days) || days < 0) throw new Error(`working days must be a whole number ≥ 0, not ${days}`);
  const off = new Set(holidays);
  let day = businessDay(from);
  for (let left = days; left > 0; ) {
    day = nextDay(day);
    if (isWorkingDay(day, off)) left--;
  }
  return day;
}

/** The last instant of a Hanoi day (23:59:59.999 +07:00), as an ISO instant in UTC. */
export const endOfHanoiDay = (day: string): string =>
  new Date(new Date(`${day}T00:00:00+07:00`).getTime() + DAY_MS - 1).toISOString();

/** A deadline `days` working days after `from`: its Hanoi day and the instant it ends. */
export function workingDayDeadline(from: Date, days: number, holidays: readonly string[] = []) {
  const dueDate = addWorkingDays(from, days, holidays);
  return { dueDate, dueAt: endOfHanoiDay(dueDate) };
}

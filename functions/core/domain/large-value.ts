import { businessDay } from './calendar.ts';
import type { Transfer } from './transfer.ts';

// RULES.md §8 (Law 14/2022 on AML, Decree 19/2023, Decision 11/2023): domestic electronic
// transfers of 500,000,000 VND or more are reported. The report reads a sparse index (gsi2 of the
// wallet table) that holds only COMPLETED transfers at or above the threshold, so it never scans.

export const largeValueThreshold = 500_000_000;

/** The gsi2 partition of the transfers completed on one Hanoi business day at or above the threshold. */
export const largeValueIndexPartition = (day: string): string => `LARGE#${day}`;

export const isLargeValue = (t: Pick<Transfer, 'amount' | 'status'>): boolean =>
  t.status === 'COMPLETED' && t.amount >= largeValueThreshold;

/**
 * The gsi2 attributes to write with a transfer as it becomes COMPLETED: `{ gsi2pk, gsi2sk }` when
 * it is a large-value transfer, `{}` otherwise (the index stays sparse). The day is the Hanoi
 * business day of `completedAt`; the sort key orders the day's transfers by completion.
 */
export function largeValueIndexAttributes(
  t: Pick<Transfer, 'transferId' | 'amount' | 'status' | 'completedAt'>,
): { gsi2pk: string; gsi2sk: string } | Record<string, never> {
  if (!isLargeValue(t) || !t.completedAt) return {};
  return {
    gsi2pk: largeValueIndexPartition(businessDay(new Date(t.completedAt))),
    gsi2sk: `${t.completedAt}#${t.transferId}`,
  };
}

/** The Hanoi day `YYYY-MM-DD` as an instant range, for checks: [00:00+07:00, next 00:00+07:00). */
export function hanoiDayRange(day: string): { from: Date; until: Date } {
  const from = new Date(`${day}T00:00:00+07:00`);
  return { from, until: new Date(from.getTime() + 24 * 60 * 60 * 1000) };
}

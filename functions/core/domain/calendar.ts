// Business days and months are counted in Asia/Ho_Chi_Minh (API.md conventions; Circular 40
// Art. 26 monthly cap; Circular 50 daily counters). Vietnam has had no daylight saving since 1975,
// so a fixed +07:00 offset is exact.
const OFFSET_MS = 7 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of the Vietnamese business day containing `at`. */
export function businessDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM` of the Vietnamese calendar month containing `at`. */
export function businessMonth(at: Date): string {
  return businessDay(at).slice(0, 7);
}

/** The calendar day `days` after (or before) a `YYYY-MM-DD` day. */
export function addDays(day: string, days: number): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  return new Date(t + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

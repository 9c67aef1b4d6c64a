import { refusals } from './refusals.ts';

/**
 * A page of a short list read whole (a customer's wallets, a wallet's links: a handful each), in
 * the order of `keyOf` (API.md "Pagination": `limit` 1–100, an opaque `cursor`, `nextCursor`
 * absent on the last page). The cursor is the last key of the page before, marked and base64url.
 */
const CURSOR_PREFIX = 'after:';

export function pageOf<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  cursor?: string,
): { items: T[]; nextCursor?: string } {
  const decoded = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
  const after = decoded?.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : undefined;
  if (cursor !== undefined && (!after || Buffer.from(decoded ?? '').toString('base64url') !== cursor)) {
    throw refusals.badCursor();
  }
  const sorted = [...all].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  const more = last !== undefined && rest.length > limit;
  return { items, ...(more ? { nextCursor: Buffer.from(CURSOR_PREFIX + keyOf(last)).toString('base64url') } : {}) };
}

import { describe, expect, it } from 'vitest';
import { pageOf } from '../../functions/core/domain/page.ts';

// API.md "Pagination" over a short list read whole (a customer's wallets, a wallet's links).
describe('pageOf', () => {
  const ids = ['W3', 'W1', 'W5', 'W2', 'W4'].map((id) => ({ id }));
  const key = (x: { id: string }) => x.id;

  it('walks the list in key order, limit by limit, and ends without a cursor', () => {
    const first = pageOf(ids, key, 2);
    expect(first.items.map(key)).toEqual(['W1', 'W2']);
    const second = pageOf(ids, key, 2, first.nextCursor);
    expect(second.items.map(key)).toEqual(['W3', 'W4']);
    const last = pageOf(ids, key, 2, second.nextCursor);
    expect(last).toEqual({ items: [{ id: 'W5' }] });
  });

  it('gives no cursor when the page holds the rest exactly', () => {
    expect(pageOf(ids, key, 5)).toEqual({ items: [...ids].sort((a, b) => (a.id < b.id ? -1 : 1)) });
  });

  it('refuses a cursor it did not issue with validation-failed', () => {
    expect(() => pageOf(ids, key, 2, '%%not-base64%%')).toThrow(
      expect.objectContaining({ reason: 'validation-failed' }),
    );
    expect(() => pageOf(ids, key, 2, '')).toThrow(expect.objectContaining({ reason: 'validation-failed' }));
    expect(() => pageOf(ids, key, 2, 'not-ours')).toThrow(expect.objectContaining({ reason: 'validation-failed' }));
  });
});

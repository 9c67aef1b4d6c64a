import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { normalizeIdentifier, watchlistMacInput } from '../../domain/identifiers.ts';
import { Refusal } from '../../domain/refusals.ts';
import type { KeyRing } from '../../ports/key-ring.ts';
import type { Watchlist, WatchlistEntry, WatchlistKind, WatchlistSeverity } from '../../ports/watchlist.ts';
import { batchGet, dynamo } from './client.ts';
import { type Key, keys } from './keys.ts';

const notAnIdentifier = (kind: WatchlistKind) =>
  new Refusal('validation-failed', `The value is not a ${kind.toLowerCase().replace('_', ' ')}.`, {
    errors: [{ name: 'body.entries.value', reason: `a ${kind}` }],
  });

/**
 * Entries are keyed by a keyed hash of the canonical value (functions/core/domain/identifiers.ts):
 * the list itself holds no ID or phone numbers, and `0912 345 678`, `+84912345678` and
 * `84912345678` are one entry. The transfer path computes the same keys
 * (functions/core/use-cases/transfers/snapshots.ts `watchKeys`).
 */
export class DynamoWatchlist implements Watchlist {
  readonly #db = dynamo();
  constructor(
    private readonly table: string,
    private readonly keyRing: () => Promise<KeyRing>,
  ) {}

  async #key(kind: WatchlistKind, value: string): Promise<Key> {
    const input = watchlistMacInput(kind, value);
    if (!input) throw notAnIdentifier(kind);
    return keys.watchlist(kind, await (await this.keyRing()).mac(input.purpose, input.value));
  }

  async lookup(kind: WatchlistKind, value: string): Promise<WatchlistSeverity | undefined> {
    if (!watchlistMacInput(kind, value)) return undefined;
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: await this.#key(kind, value), ConsistentRead: true }),
    );
    return out.Item?.severity as WatchlistSeverity | undefined;
  }

  async upsert(entries: WatchlistEntry[], now: Date): Promise<number> {
    const items = await Promise.all(
      entries.map(async (e) => ({
        ...(await this.#key(e.kind, e.value)),
        kind: e.kind,
        severity: e.severity,
        source: e.source,
        reason: e.reason,
        updatedAt: now.toISOString(),
      })),
    );
    // Keyed by kind and canonical value, so an import repeated is the same import (idempotent);
    // one value named twice in one import (two written forms of one phone) is BLOCK if either is.
    const byKey = new Map<string, (typeof items)[number]>();
    for (const item of items) {
      const before = byKey.get(item.pk);
      if (!before || (before.severity === 'WARN' && item.severity === 'BLOCK')) byKey.set(item.pk, item);
    }
    const unique = [...byKey.values()];
    for (let i = 0; i < unique.length; i += 25) {
      let request: Record<string, unknown[]> | undefined = {
        [this.table]: unique.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; request && Object.keys(request).length && attempt < 8; attempt++) {
        const out = await this.#db.send(new BatchWriteCommand({ RequestItems: request as never }));
        request = out.UnprocessedItems as Record<string, unknown[]> | undefined;
        if (request && Object.keys(request).length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
      if (request && Object.keys(request).length) throw new Error('BatchWriteItem kept leaving watch-list entries');
    }
    return unique.length;
  }

  async customersNamed(entries: readonly Pick<WatchlistEntry, 'kind' | 'value'>[]) {
    const ring = await this.keyRing();
    // The item that names the customer, and the attribute that does.
    const wanted = await Promise.all(
      entries.map(async (e): Promise<{ key: Key; field: string } | undefined> => {
        const canonical = normalizeIdentifier(e.kind, e.value);
        if (canonical === undefined) return undefined;
        switch (e.kind) {
          case 'PHONE':
            return canonical.startsWith('+84') ? { key: keys.phone(canonical), field: 'customerId' } : undefined;
          case 'ID_NUMBER': {
            const input = watchlistMacInput(e.kind, canonical)!;
            const hash = await ring.mac(input.purpose, input.value);
            return { key: keys.identityGuard('IDENTITY', hash), field: 'customerId' };
          }
          case 'WALLET':
            return { key: keys.wallet(canonical), field: 'ownerId' };
          case 'BANK_ACCOUNT':
            return undefined;
        }
      }),
    );
    const present = wanted.filter((w): w is { key: Key; field: string } => w !== undefined);
    const found = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < present.length; i += 100) {
      const page = await batchGet(
        this.table,
        present.slice(i, i + 100).map((w) => w.key),
      );
      for (const [k, v] of page) found.set(k, v);
    }
    return wanted.map((w) => {
      const value = w ? found.get(`${w.key.pk}|${w.key.sk}`)?.[w.field] : undefined;
      return typeof value === 'string' ? value : undefined;
    });
  }
}

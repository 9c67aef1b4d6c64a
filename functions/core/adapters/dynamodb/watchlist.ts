import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyRing } from '../../ports/key-ring.ts';
import type { Watchlist, WatchlistEntry, WatchlistKind, WatchlistSeverity } from '../../ports/watchlist.ts';
import { dynamo } from './client.ts';
import { keys } from './keys.ts';

/** Entries are keyed by a keyed hash of the value: the list itself holds no ID or phone numbers. */
export class DynamoWatchlist implements Watchlist {
  readonly #db = dynamo();
  constructor(
    private readonly table: string,
    private readonly keyRing: () => Promise<KeyRing>,
  ) {}

  async #key(kind: WatchlistKind, value: string) {
    return keys.watchlist(kind, await (await this.keyRing()).mac(`watchlist:${kind}`, value.trim()));
  }

  async lookup(kind: WatchlistKind, value: string): Promise<WatchlistSeverity | undefined> {
    const out = await this.#db.send(new GetCommand({ TableName: this.table, Key: await this.#key(kind, value) }));
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
    // Keyed by kind and value, so an import repeated is the same import (idempotent).
    const unique = [...new Map(items.map((i) => [i.pk, i])).values()];
    for (let i = 0; i < unique.length; i += 25) {
      let request: Record<string, unknown[]> | undefined = {
        [this.table]: unique.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; request && Object.keys(request).length && attempt < 8; attempt++) {
        const out = await this.#db.send(new BatchWriteCommand({ RequestItems: request as never }));
        request = out.UnprocessedItems as Record<string, unknown[]> | undefined;
        if (request && Object.keys(request).length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    return unique.length;
  }
}

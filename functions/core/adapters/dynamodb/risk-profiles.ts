import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProfileChange, RiskLookup, RiskProfile, RiskProfiles, RiskSnapshot } from '../../ports/risk-profiles.ts';
import type { WatchlistKind, WatchlistSeverity } from '../../ports/watchlist.ts';
import { dynamo } from './client.ts';
import { keys } from './keys.ts';

const emptyMaps = {
  inbound: {},
  outbound: {},
  withdrawn: {},
  payments: {},
  roundPayments: {},
  nightPayments: {},
  senders: {},
  payees: {},
  usualAmount: 0,
  historyCount: 0,
  movedToday: 0,
};

export class DynamoRiskProfiles implements RiskProfiles {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async snapshot(lookup: RiskLookup): Promise<RiskSnapshot> {
    const wanted = [
      ...lookup.walletIds.map((id) => ({ tag: `profile:${id}`, key: keys.riskProfile(id) })),
      ...(lookup.deviceOf
        ? [{ tag: 'device', key: keys.device(lookup.deviceOf.customerId, lookup.deviceOf.deviceId) }]
        : []),
      ...(lookup.signInPhone ? [{ tag: 'signin', key: keys.signInGuard(lookup.signInPhone) }] : []),
      ...lookup.watch.map((w) => ({ tag: `watch:${w.kind}:${w.valueHash}`, key: keys.watchlist(w.kind, w.valueHash) })),
    ];
    const unique = [...new Map(wanted.map((w) => [`${w.key.pk}|${w.key.sk}`, w])).values()];
    const found = new Map<string, Record<string, unknown>>();
    type Request = Record<string, { Keys: Record<string, unknown>[] }>;
    let request: Request | undefined = unique.length
      ? { [this.table]: { Keys: unique.map((w) => ({ pk: w.key.pk, sk: w.key.sk })) } }
      : undefined;
    // One BatchGetItem; unprocessed keys (throttling) are asked again.
    for (let attempt = 0; request && attempt < 5; attempt++) {
      const out = await this.#db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[this.table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      request =
        out.UnprocessedKeys && Object.keys(out.UnprocessedKeys).length
          ? (out.UnprocessedKeys as unknown as Request)
          : undefined;
    }
    const itemOf = (key: { pk: string; sk: string }) => found.get(`${key.pk}|${key.sk}`);
    const profiles: Record<string, RiskProfile | undefined> = {};
    for (const id of lookup.walletIds) profiles[id] = itemOf(keys.riskProfile(id)) as RiskProfile | undefined;
    const device = lookup.deviceOf
      ? itemOf(keys.device(lookup.deviceOf.customerId, lookup.deviceOf.deviceId))
      : undefined;
    const signIn = lookup.signInPhone ? itemOf(keys.signInGuard(lookup.signInPhone)) : undefined;
    const watch = lookup.watch.flatMap((w) => {
      const item = itemOf(keys.watchlist(w.kind, w.valueHash));
      return item
        ? [{ kind: w.kind as WatchlistKind, valueHash: w.valueHash, severity: item.severity as WatchlistSeverity }]
        : [];
    });
    return {
      profiles,
      ...(device ? { device: device as NonNullable<RiskSnapshot['device']> } : {}),
      ...(signIn ? { signIn: signIn as RiskSnapshot['signIn'] } : {}),
      watch,
    };
  }

  async apply(change: ProfileChange): Promise<void> {
    if (!change.before) {
      await this.#db
        .send(
          new PutCommand({
            TableName: this.table,
            Item: { ...keys.riskProfile(change.walletId), ...emptyMaps },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch((error: Error) => {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
        });
    }
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    let n = 0;
    const name = (value: string) => {
      const alias = `#n${n++}`;
      names[alias] = value;
      return alias;
    };
    for (const [map, add] of Object.entries(change.add)) {
      if (!add) continue;
      const path = `${name(map)}.${name(add.bucket)}`;
      const value = `:a${n}`;
      values[value] = add.amount;
      values[':zero'] = 0;
      sets.push(`${path} = if_not_exists(${path}, :zero) + ${value}`);
    }
    if (change.counterparty) {
      values[':cpAt'] = change.counterparty.at;
      sets.push(`${name(change.counterparty.map)}.${name(change.counterparty.walletId)} = :cpAt`);
    }
    for (const [field, value] of Object.entries(change.set)) {
      const alias = name(field);
      values[`:s${n}`] = value;
      sets.push(`${alias} = :s${n}`);
    }
    const touched = new Set([
      ...Object.entries(change.add).map(([m, a]) => `${m}.${a?.bucket}`),
      ...(change.counterparty ? [`${change.counterparty.map}.${change.counterparty.walletId}`] : []),
    ]);
    for (const p of change.prune) {
      if (!touched.has(`${p.map}.${p.key}`)) removes.push(`${name(p.map)}.${name(p.key)}`);
    }
    if (!sets.length && !removes.length) return;
    await this.#db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.riskProfile(change.walletId),
        UpdateExpression: `${sets.length ? `SET ${sets.join(', ')}` : ''}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

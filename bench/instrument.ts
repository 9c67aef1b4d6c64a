// SDK middleware on every DynamoDB client of this process (the wallet's single `dynamo()` client
// and any other DynamoDBClient that sends, e.g. the Powertools idempotency layer's): counts commands, optionally asks for
// ReturnConsumedCapacity TOTAL and sums it, records a trace, and counts the commit conflicts
// (TransactionCanceledException with ConditionalCheckFailed, TransactionConflict).
//
// DynamoDB Local reports capacity for single-item calls as AWS does (GSI writes included), but
// not for multi-item TransactWriteItems (see `probeLocalCapacity`), so for those the harness also
// computes what AWS bills from the item images: 2 WRU per started KB of every item written or
// condition-checked, plus the index writes.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { dynamo } from '../functions/core/adapters/dynamodb/client.ts';
import { walletTable } from '../functions/resources.ts';

export const CAPACITY_COMMANDS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export interface Call {
  command: string;
  table: string;
  /** `pk prefix / sk prefix` of the (first) item, e.g. `WALLET# / RISK`; transactions list every item. */
  keys: string;
  /** Capacity as DynamoDB Local reported it (reads: RCU; writes: WCU). */
  rcu: number;
  wcu: number;
  /** TransactWriteItems only: the WRU AWS bills, computed from the item images. */
  wruModel?: number;
  /** Sandbox stand-ins (sandbox bank table, sandbox SMS outbox): not in a production deployment. */
  sandbox: boolean;
  error?: string;
  ms: number;
  /** Start, ms after the trace began: calls that overlap ran in parallel. */
  at: number;
  /**
   * Made by the after-commit consumer (the wallet stream's handler, run by the stream poller in
   * this process), not by the request: off the request path.
   */
  afterCommit?: true;
}

const afterCommitScope = new AsyncLocalStorage<true>();

/**
 * Runs `start` in the after-commit scope: every DynamoDB call made from what it starts (the stream
 * poller's loop and the consumer it calls) is marked `afterCommit` in the trace, even while a
 * request is being traced at the same time.
 */
export function asAfterCommit<T>(start: () => T): T {
  return afterCommitScope.run(true, start);
}

interface Meter {
  /** Ask for ReturnConsumedCapacity and model transactional writes (sequential phases only). */
  capacity: boolean;
  trace?: Call[];
  traceStart: number;
  calls: number;
  /** TransactWriteItems cancelled by a ConditionalCheckFailed (the ledger's version condition: a stale read). */
  txConditionFailed: number;
  /** TransactWriteItems cancelled by TransactionConflict (DynamoDB Local never reports it). */
  txConflict: number;
  txCommitted: number;
}

export const meter: Meter = {
  capacity: false,
  traceStart: 0,
  calls: 0,
  txConditionFailed: 0,
  txConflict: 0,
  txCommitted: 0,
};

/**
 * Round trips one after the other on the request path (after-commit calls left out): calls are
 * grouped while they overlap (Promise.all), so this is how many DynamoDB latencies add up on the
 * request path. (Capacity modelling adds time inside a
 * TransactWriteItems but no calls.)
 */
export function sequentialRounds(calls: readonly Call[]): number {
  let rounds = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const c of [...calls].filter((x) => !x.afterCommit).sort((a, b) => a.at - b.at)) {
    if (c.at >= end) {
      rounds++;
      end = c.at + c.ms;
    } else end = Math.max(end, c.at + c.ms);
  }
  return rounds;
}

export function resetCounters(): void {
  meter.calls = 0;
  meter.txConditionFailed = 0;
  meter.txConflict = 0;
  meter.txCommitted = 0;
}

/** Records every DynamoDB call made while `work` runs (nothing else may run meanwhile). */
export async function traced<T>(work: () => Promise<T>): Promise<{ result: T; calls: Call[] }> {
  const calls: Call[] = [];
  meter.trace = calls;
  meter.traceStart = performance.now();
  meter.capacity = true;
  try {
    const result = await work();
    return { result, calls };
  } finally {
    meter.trace = undefined;
    meter.capacity = false;
  }
}

// An uninstrumented client, for reading the item images the capacity model needs.
const rawBase = new DynamoDBClient({ maxAttempts: 4 });
const raw = DynamoDBDocumentClient.from(rawBase, { marshallOptions: { removeUndefinedValues: true } });
const instrumented = new WeakSet<object>([rawBase]);

type Attr = Record<string, unknown>;
const str = (v: unknown): string =>
  typeof v === 'string' ? v : v && typeof v === 'object' && 'S' in v ? String((v as { S: unknown }).S) : '';
const prefix = (s: string) => (s.includes('#') ? `${s.slice(0, s.indexOf('#') + 1)}` : s);
const keyLabel = (key: Attr | undefined) =>
  key ? `${prefix(str(key.pk ?? key.id))}/${prefix(str(key.sk ?? ''))}` : '';
const isSandbox = (table: string, key: Attr | undefined) =>
  table.includes('sandbox') || str(key?.pk).startsWith('SANDBOX#');

function describe(command: string, input: Attr): { table: string; keys: string; sandbox: boolean } {
  if (command === 'TransactWriteItems' || command === 'TransactGetItems') {
    const items = (input.TransactItems as Attr[]) ?? [];
    const parts = items.map((item) => {
      const [op, body] = Object.entries(item)[0] as [string, Attr];
      return `${op}:${keyLabel((body.Key ?? body.Item) as Attr)}`;
    });
    const first = Object.values(items[0] ?? {})[0] as Attr | undefined;
    const table = String(first?.TableName ?? '');
    return { table, keys: parts.join(' '), sandbox: isSandbox(table, (first?.Key ?? first?.Item) as Attr | undefined) };
  }
  if (command === 'BatchGetItem' || command === 'BatchWriteItem') {
    const requests = (input.RequestItems as Record<string, unknown[]>) ?? {};
    const table = Object.keys(requests)[0] ?? '';
    const entries = Object.values(requests)[0] as unknown;
    const keysOf = Array.isArray(entries)
      ? (entries as Attr[]).map((e) => (e.PutRequest as Attr)?.Item ?? (e.DeleteRequest as Attr)?.Key)
      : (((entries as Attr)?.Keys as Attr[]) ?? []);
    return {
      table,
      keys: [...new Set((keysOf as Attr[]).map((k) => keyLabel(k)))].join(' '),
      sandbox: isSandbox(table, undefined),
    };
  }
  const table = String(input.TableName ?? '');
  const key = (input.Key ?? input.Item) as Attr | undefined;
  const queryKey =
    command === 'Query'
      ? `${String(input.IndexName ?? 'table')}:${prefix(str(Object.values((input.ExpressionAttributeValues as Attr) ?? {})[0]))}`
      : '';
  return { table, keys: queryKey || keyLabel(key), sandbox: isSandbox(table, key) };
}

function capacityOf(output: Attr | undefined): number {
  const consumed = output?.ConsumedCapacity as Attr | Attr[] | undefined;
  if (!consumed) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((s, c) => s + Number(c.CapacityUnits ?? 0), 0);
}

// ---- DynamoDB item sizes (Developer Guide, "Item sizes and formats") ----

function valueSize(v: Attr): number {
  if ('S' in v) return Buffer.byteLength(String(v.S));
  if ('N' in v) {
    const digits = String(v.N).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if ('B' in v) return (v.B as Uint8Array).length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('M' in v)
    return (
      3 +
      Object.entries(v.M as Record<string, Attr>).reduce((s, [k, x]) => s + Buffer.byteLength(k) + valueSize(x) + 1, 0)
    );
  if ('L' in v) return 3 + (v.L as Attr[]).reduce((s, x) => s + valueSize(x) + 1, 0);
  if ('SS' in v) return (v.SS as string[]).reduce((s, x) => s + Buffer.byteLength(x), 0);
  if ('NS' in v) return (v.NS as string[]).reduce((s, x) => s + valueSize({ N: x }), 0);
  return 0;
}

/** Bytes of an item as DynamoDB counts them: attribute names plus values. */
export function itemSize(item: Attr | undefined): number {
  if (!item) return 0;
  const av = marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }) as unknown as Record<
    string,
    Attr
  >;
  return Object.entries(av).reduce((s, [name, value]) => s + Buffer.byteLength(name) + valueSize(value), 0);
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

async function image(table: string, key: Attr): Promise<Attr | undefined> {
  const out = await raw.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return out.Item;
}

/**
 * What AWS bills for one TransactWriteItems: every item (Put, Update, Delete, ConditionCheck) costs
 * 2 WRU per started KB of the larger of its before and after images; each global secondary index
 * whose keys the item has before or after costs one standard write per KB (two when its key moves).
 */
async function modelTransactWrite(input: Attr, run: () => Promise<unknown>): Promise<number> {
  const items = ((input.TransactItems as Attr[]) ?? []).map((item) => {
    const [op, body] = Object.entries(item)[0] as [string, Attr];
    const table = String(body.TableName);
    const key = (body.Key ?? { pk: (body.Item as Attr).pk, sk: (body.Item as Attr).sk }) as Attr;
    return { op, body, table, key };
  });
  const before = await Promise.all(items.map((i) => image(i.table, i.key)));
  await run();
  const after = await Promise.all(
    items.map((i) =>
      i.op === 'Put'
        ? Promise.resolve(i.body.Item as Attr)
        : i.op === 'Update'
          ? image(i.table, i.key)
          : Promise.resolve(undefined),
    ),
  );
  let wru = 0;
  items.forEach((item, n) => {
    const b = before[n];
    const a = after[n];
    wru += 2 * kb(Math.max(itemSize(b), itemSize(a)));
    if (item.table !== walletTable.name) return;
    for (const index of walletTable.globalSecondaryIndexes) {
      const keyOf = (x: Attr | undefined) =>
        x && x[index.partitionKey.name] !== undefined && x[index.sortKey.name] !== undefined
          ? `${x[index.partitionKey.name]}|${x[index.sortKey.name]}`
          : undefined;
      const kb4 = keyOf(b);
      const ka = keyOf(a);
      if (kb4 && ka) wru += kb4 === ka ? kb(itemSize(a)) : kb(itemSize(b)) + kb(itemSize(a));
      else if (kb4) wru += kb(itemSize(b));
      else if (ka) wru += kb(itemSize(a));
    }
  });
  return wru;
}

// biome-ignore lint/suspicious/noExplicitAny: SDK middleware signatures are generic over every command.
type Next = (args: any) => Promise<any>;

function meterMiddleware(next: Next, context: { commandName?: string }): Next {
  return async (args: { input: Attr }) => {
    const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    meter.calls++;
    const trace = meter.trace;
    const capacity = meter.capacity && CAPACITY_COMMANDS.has(command);
    if (capacity) args.input.ReturnConsumedCapacity = 'TOTAL';
    const started = performance.now();
    const afterCommit = afterCommitScope.getStore() === true;
    const record = (output: Attr | undefined, error?: string, wruModel?: number) => {
      if (!trace) return;
      const units = capacityOf(output);
      trace.push({
        command,
        ...describe(command, args.input),
        rcu: READS.has(command) ? units : 0,
        wcu: READS.has(command) ? 0 : units,
        ...(wruModel === undefined ? {} : { wruModel }),
        ...(error ? { error } : {}),
        ms: performance.now() - started,
        at: started - meter.traceStart,
        ...(afterCommit ? { afterCommit: true as const } : {}),
      });
    };
    try {
      let output: { output?: Attr } | undefined;
      let wruModel: number | undefined;
      if (capacity && command === 'TransactWriteItems') {
        wruModel = await modelTransactWrite(args.input, async () => {
          output = await next(args);
        });
      } else {
        output = await next(args);
      }
      if (command === 'TransactWriteItems') meter.txCommitted++;
      record(output?.output, undefined, wruModel);
      return output;
    } catch (error) {
      const e = error as Error & { CancellationReasons?: { Code?: string }[] };
      if (command === 'TransactWriteItems' && e.name === 'TransactionCanceledException') {
        const codes = (e.CancellationReasons ?? []).map((r) => r.Code);
        if (codes.includes('TransactionConflict')) meter.txConflict++;
        else if (codes.includes('ConditionalCheckFailed')) meter.txConditionFailed++;
      }
      record(undefined, e.name);
      throw error;
    }
  };
}

function instrument(client: { middlewareStack: { add: (mw: unknown, options: unknown) => void } }): void {
  if (instrumented.has(client)) return;
  instrumented.add(client);
  client.middlewareStack.add(meterMiddleware, { step: 'initialize', name: 'benchMeter', override: true });
}

let installed = false;

/** Instruments the wallet's `dynamo()` client and every DynamoDBClient that sends from now on. */
export function installMeter(): void {
  if (installed) return;
  installed = true;
  instrument(dynamo() as unknown as Parameters<typeof instrument>[0]);
  const proto = DynamoDBClient.prototype as unknown as { send: (...args: unknown[]) => unknown };
  const send = proto.send;
  proto.send = function (this: Parameters<typeof instrument>[0], ...args: unknown[]) {
    instrument(this);
    return send.apply(this, args);
  };
}

/**
 * What DynamoDB Local reports for transactional writes, against the AWS rule (2 WRU per KB per
 * item): returned as a sentence for the report.
 */
export async function probeLocalCapacity(
  table: string,
): Promise<{ cases: { items: number; local: number; aws: number }[]; note: string }> {
  const cases: { items: number; local: number; aws: number }[] = [];
  for (const n of [1, 2, 5]) {
    const out = await raw.send(
      new TransactWriteCommand({
        TransactItems: Array.from({ length: n }, (_, i) => ({
          Put: { TableName: table, Item: { pk: `BENCHPROBE#${n}#${i}#${Date.now()}`, sk: 'PROBE' } },
        })),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    cases.push({ items: n, local: capacityOf(out as Attr), aws: 2 * n });
  }
  const doubled = cases[0]?.local === 2;
  const summed = cases.every((c) => c.local === c.aws);
  const note = summed
    ? 'DynamoDB Local reports transactional writes as AWS bills them (2 WRU per item per KB).'
    : `DynamoDB Local applies the 2x transactional factor${doubled ? '' : ' inconsistently'} but does not add up the items of a multi-item TransactWriteItems (${cases
        .map((c) => `${c.items} item(s): Local ${c.local}, AWS ${c.aws}`)
        .join('; ')}), so transactional WRU are computed from the item images.`;
  return { cases, note };
}

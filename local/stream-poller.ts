import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { walletStreamFilters } from '../functions/resources.ts';

// The local stand-in for Lambda's DynamoDB Streams event source: reads every shard of a table's
// stream in order, keeps the records `walletStreamFilters` lets through, and hands them to the
// consumer in batches. A batch that fails is handed again (after a pause) before anything after
// it, as Lambda does; nothing is skipped.

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>;

export interface StreamPoller {
  /** Resolves once every record written before the call has been handed to the consumer and settled. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

const matches = (r: _Record): boolean => {
  const pk = r.dynamodb?.Keys?.pk?.S ?? '';
  const sk = r.dynamodb?.Keys?.sk?.S ?? '';
  return walletStreamFilters.some(
    (f) =>
      (f.eventNames as readonly string[]).includes(r.eventName ?? '') &&
      pk.startsWith(f.partitionKeyPrefix) &&
      ('equals' in f.sortKey ? sk === f.sortKey.equals : sk.startsWith(f.sortKey.prefix)),
  );
};

const IDLE_MS = 50;
const RETRY_MS = 500;

export function startStreamPoller(options: {
  endpoint: string;
  table: string;
  handler: () => Promise<StreamHandler>;
  onError?: (error: unknown) => void;
}): StreamPoller {
  const common = { endpoint: options.endpoint };
  const db = new DynamoDBClient(common);
  const streams = new DynamoDBStreamsClient(common);
  const iterators = new Map<string, string | undefined>();
  let streamArn = '';
  let running = true;
  /** Passes started so far, and the callers of `drain` with the pass after which they may go. */
  let passes = 0;
  let waiters: { after: number; done: () => void }[] = [];

  async function discoverShards() {
    if (!streamArn) {
      const table = await db.send(new DescribeTableCommand({ TableName: options.table }));
      streamArn = table.Table?.LatestStreamArn ?? '';
      if (!streamArn) throw new Error(`table ${options.table} has no stream`);
    }
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of described.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const it = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      iterators.set(shard.ShardId, it.ShardIterator);
    }
  }

  async function deliver(records: _Record[]) {
    const event: DynamoDBStreamEvent = {
      Records: records.map((r) => ({ ...r, eventSourceARN: streamArn }) as unknown as DynamoDBRecord),
    };
    const context = { functionName: 'local-money-events', awsRequestId: crypto.randomUUID() } as unknown as Context;
    for (;;) {
      try {
        await (await options.handler())(event, context);
        return;
      } catch (error) {
        options.onError?.(error);
        if (!running) return;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** One pass over every open shard: true when something was read. */
  async function pass(): Promise<boolean> {
    let read = false;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      iterators.set(shardId, out.NextShardIterator);
      const records = (out.Records ?? []).filter(matches);
      if (out.Records?.length) read = true;
      if (records.length) await deliver(records);
    }
    if ([...iterators.values()].some((it) => it === undefined)) await discoverShards();
    return read;
  }

  const loop = (async () => {
    while (running) {
      try {
        if (!iterators.size) await discoverShards();
        const started = ++passes;
        if (!(await pass())) {
          // An empty pass that began after `drain` was called has seen everything written before it.
          for (const w of waiters.filter((x) => started > x.after)) w.done();
          waiters = waiters.filter((x) => started <= x.after);
          await new Promise((r) => setTimeout(r, IDLE_MS));
        }
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  })();

  return {
    drain: () => new Promise<void>((done) => waiters.push({ after: passes, done })),
    async stop() {
      running = false;
      for (const w of waiters) w.done();
      await loop;
      db.destroy();
      streams.destroy();
    },
  };
}

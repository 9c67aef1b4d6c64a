// The after-commit consumer, as the local runtime runs it (local/runtime.ts): the stream poller of
// local/stream-poller.ts feeding the wallet stream's handler (functions/money-events/
// stream.handler.ts), in this process. Started in the after-commit scope of bench/instrument.ts,
// so that the SDK middleware marks every DynamoDB call it makes (`afterCommit`) even while a
// request is traced at the same time.
//
// In AWS the consumer is another Lambda function: its work does not share the request path's CPU.
// Here it shares the one Node thread and the one DynamoDB Local JVM, so the load runs pause it
// (`pause`: the poller waits before handing the next batch) and drain the backlog afterwards,
// timing it. The local poller hands over what one GetRecords returns (up to 1,000 records); the
// handler gets them in batches of at most `BATCH_SIZE`, the event source mapping's batch size in
// AWS. Records of the raw-engine baseline's items (wallets `BR…`, transfers of `BENCHRAW…`
// customers) have no owner and no consumer in the design: they are dropped before the handler.
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { environmentVariables } from '../functions/resources.ts';
import { capabilities } from '../functions/routes.ts';
import { type StreamHandler, type StreamPoller, startStreamPoller } from '../local/stream-poller.ts';
import { asAfterCommit } from './instrument.ts';

export interface Drained {
  /** Stream records handed to the consumer during the drain (raw-baseline records excluded). */
  records: number;
  batches: number;
  seconds: number;
}

export interface AfterCommitConsumer {
  /** Resolves once the consumer has handled everything committed before the call (not while paused). */
  drain(): Promise<void>;
  /** Holds the next batch until `resume` (the poller keeps its place in the stream). */
  pause(): void;
  /** Lets the consumer go on, waits until it has caught up, and says how much it had to do. */
  resume(): Promise<Drained>;
  /** Records and batches handled since the start; records dropped (raw baseline). */
  counts: { records: number; batches: number; dropped: number };
  stop(): Promise<void>;
}

/** `batchSize` of the wallet stream's DynamoEventSource in lib/constructs/wallet-function.ts. */
export const BATCH_SIZE = 100;

const str = (v: unknown) => (v && typeof v === 'object' && 'S' in v ? String((v as { S: unknown }).S) : '');

/** A record of the raw-engine baseline's own items: wallets `BR…`, transfers of `BENCHRAW…` customers. */
function rawBaseline(r: DynamoDBRecord): boolean {
  const image = (r.dynamodb?.NewImage ?? r.dynamodb?.OldImage ?? {}) as Record<string, unknown>;
  return str(image.pk).startsWith('WALLET#BR') || str(image.customerId).startsWith('BENCHRAW');
}

export function startConsumer(env: Record<string, string>): AfterCommitConsumer {
  const counts = { records: 0, batches: 0, dropped: 0 };
  let paused = false;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  const pollers: StreamPoller[] = [];
  for (const capability of Object.values(capabilities)) {
    if (!capability.needs.walletStream) continue;
    const entry = new URL(`../${capability.entry}`, import.meta.url).href;
    let real: StreamHandler | undefined;
    const handler: StreamHandler = async (event: DynamoDBStreamEvent, context: Context) => {
      await gate;
      real ??= ((await import(entry)) as { handler: StreamHandler }).handler;
      const records = event.Records.filter((r) => !rawBaseline(r));
      counts.dropped += event.Records.length - records.length;
      for (let i = 0; i < records.length; i += BATCH_SIZE) {
        const batch = records.slice(i, i + BATCH_SIZE);
        counts.batches++;
        counts.records += batch.length;
        await real({ ...event, Records: batch }, context);
      }
    };
    pollers.push(
      asAfterCommit(() =>
        startStreamPoller({
          endpoint: env.AWS_ENDPOINT_URL_DYNAMODB!,
          table: env[environmentVariables.walletTable]!,
          handler: async () => handler,
          onError: (error) => console.error('money events', error),
        }),
      ),
    );
  }
  if (!pollers.length) throw new Error('no capability consumes the wallet stream (functions/routes.ts)');
  const drain = async () => {
    if (paused) throw new Error('drain() while the consumer is paused would wait forever');
    await Promise.all(pollers.map((p) => p.drain()));
  };
  return {
    counts,
    drain,
    pause() {
      if (paused) return;
      paused = true;
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    async resume() {
      const before = { ...counts };
      const t0 = performance.now();
      paused = false;
      open();
      await drain();
      return {
        records: counts.records - before.records,
        batches: counts.batches - before.batches,
        seconds: (performance.now() - t0) / 1000,
      };
    },
    async stop() {
      if (paused) {
        paused = false;
        open();
      }
      await Promise.all(pollers.map((p) => p.stop()));
    },
  };
}

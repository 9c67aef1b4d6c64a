// Starts the three local engines (DynamoDB Local, fauxqs, cognito-local) on 127.0.0.1, creates
// the resources from functions/resources.ts, and returns the environment for handlers.
// Prints nothing: the caller decides what to log.

import { bootstrapResources, type EngineEndpoints } from './bootstrap.ts';
import { startCognitoLocal } from './engines/cognito.ts';
import { startDynamoDbLocal } from './engines/dynamodb.ts';
import { checkJava } from './engines/java.ts';
import type { Engine, LogSink } from './engines/process.ts';
import { startSqs } from './engines/sqs.ts';

export type { Engine, LogSink } from './engines/process.ts';

export interface StartEnginesOptions {
  /** Engine output (DynamoDB Local, cognito-local), as `(engine, line)` callback or a file to append to. */
  readonly log?: LogSink;
  /** Per-engine start-up deadline. */
  readonly timeoutMs?: number;
}

export interface RunningEngines {
  readonly env: Record<string, string>;
  readonly engines: Engine[];
  /** Stops every engine (in parallel). Safe to call more than once. */
  stop(): Promise<void>;
}

async function stopAll(engines: readonly Engine[]): Promise<void> {
  const results = await Promise.allSettled(engines.map((engine) => engine.stop()));
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) {
    throw new AggregateError(
      failures.map((failure) => failure.reason),
      'some local engines failed to stop',
    );
  }
}

export async function startEngines(options: StartEnginesOptions = {}): Promise<RunningEngines> {
  const java = await checkJava();
  if (!java.ok) throw new Error(java.message);

  const common = {
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const started = await Promise.allSettled([startDynamoDbLocal(common), startSqs(), startCognitoLocal(common)]);
  const engines = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stopAll(engines).catch(() => {});
    throw failed.reason;
  }
  const [dynamodb, sqs, cognito] = engines as [Engine, Engine, Engine];
  const endpoints: EngineEndpoints = { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, cognito: cognito.endpoint };

  let env: Record<string, string>;
  try {
    env = await bootstrapResources(endpoints);
  } catch (error) {
    await stopAll(engines).catch(() => {});
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    env,
    engines,
    stop() {
      stopping ??= stopAll(engines);
      return stopping;
    },
  };
}

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { runtimeConfig } from '../config.ts';
import { Problem } from './problem.ts';
import type { HttpResult } from './result.ts';

// Idempotency-Key (IETF draft; API.md "Idempotency") on Powertools' idempotency utility:
// a conditional put claims the key, the first response is stored and replayed for 24 hours,
// the same key with another request is 422, a repeat while the first runs is 409.

export const idempotencyKeyPolicy = { maxLength: 255, keepForSeconds: 24 * 60 * 60 } as const;

interface IdempotentRequest {
  /** Caller and key: keys are scoped to the caller. */
  scope: string;
  /** What must be identical for a replay: route and body. */
  request: { method: string; path: string; body: unknown };
}

const config = new IdempotencyConfig({
  eventKeyJmesPath: 'scope',
  payloadValidationJmesPath: 'request',
  expiresAfterSeconds: idempotencyKeyPolicy.keepForSeconds,
  throwOnNoIdempotencyKey: true,
});

let runOnce: ((request: IdempotentRequest, work: () => Promise<HttpResult>) => Promise<HttpResult>) | undefined;

function idempotentRunner() {
  runOnce ??= makeIdempotent(async (_request: IdempotentRequest, work: () => Promise<HttpResult>) => work(), {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: runtimeConfig().idempotencyTable,
      awsSdkV3Client: new DynamoDBClient({ maxAttempts: 4 }),
    }),
    config,
    keyPrefix: 'wallet-http',
  });
  return runOnce;
}

/**
 * Runs `work` at most once per (caller, key). Answers below 500 are stored and replayed, so a
 * retried refusal is refused the same way; a thrown error frees the key for a retry.
 */
export async function withIdempotencyKey(
  request: IdempotentRequest,
  context: Context,
  work: () => Promise<HttpResult>,
): Promise<HttpResult> {
  config.registerLambdaContext(context);
  try {
    return await idempotentRunner()(request, work);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'IdempotencyValidationError')
      throw new Problem(422, 'idempotency-key-reused', 'This Idempotency-Key was used with a different request.');
    if (name === 'IdempotencyAlreadyInProgressError')
      throw new Problem(409, 'request-in-progress', 'A request with this Idempotency-Key is still being processed.', {
        retryAfter: 1,
      });
    throw error;
  }
}

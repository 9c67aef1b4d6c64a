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

// The stored answer is its JSON text, not a map: DynamoDB does not keep a map's member order, and a
// replay must return the same body, byte for byte.
let runOnce:
  | ((request: IdempotentRequest, work: () => Promise<HttpResult>) => Promise<string | HttpResult>)
  | undefined;

/**
 * Answer members that are secrets (a device's soft-OTP `secret` from KYC and device trust, and
 * any token or password an answer might carry): the record keeps them sealed with the key ring
 * (AES-256-GCM), never in clear, for the 24 hours it replays the answer.
 */
const secretMembers: ReadonlySet<string> = new Set(['secret', 'accessToken', 'idToken', 'refreshToken', 'password']);
const SEALED = '$sealed';

type Transform = (value: string) => Promise<string>;

/** A copy of `value`, each member (or element) replaced by the transform `at` names for it, if any. */
async function mapJson(
  value: unknown,
  at: (key: string, value: unknown) => Transform | undefined,
  key = '',
): Promise<unknown> {
  const transform = at(key, value);
  if (transform) return transform(value as string);
  if (Array.isArray(value)) return Promise.all(value.map((item) => mapJson(item, at)));
  if (value === null || typeof value !== 'object') return value;
  const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await mapJson(v, at, k)] as const));
  return Object.fromEntries(entries);
}

const hasSecret = (value: unknown, key = ''): boolean =>
  (secretMembers.has(key) && typeof value === 'string') ||
  (value !== null && typeof value === 'object' && Object.entries(value).some(([k, v]) => hasSecret(v, k)));

const keyRing = async () => (await import('../container.ts')).container().keyRing();

/** The answer as the idempotency record keeps it: each secret member replaced by `{ $sealed }`. */
export async function sealAnswer(answer: HttpResult): Promise<HttpResult> {
  if (!hasSecret(answer.body)) return answer;
  const ring = await keyRing();
  const body = await mapJson(answer.body, (key, value) =>
    secretMembers.has(key) && typeof value === 'string'
      ? async (secret) => ({ [SEALED]: await ring.encrypt(secret) }) as unknown as string
      : undefined,
  );
  return { ...answer, body };
}

const isSealed = (value: unknown): value is { [SEALED]: string } =>
  value !== null &&
  typeof value === 'object' &&
  Object.keys(value).length === 1 &&
  typeof (value as Record<string, unknown>)[SEALED] === 'string';

const hasSealed = (value: unknown): boolean =>
  isSealed(value) || (value !== null && typeof value === 'object' && Object.values(value).some(hasSealed));

/** The answer as the client gets it, the first time and on a replay: sealed members opened. */
export async function unsealAnswer(answer: HttpResult): Promise<HttpResult> {
  if (!hasSealed(answer.body)) return answer;
  const ring = await keyRing();
  const body = await mapJson(answer.body, (_key, value) =>
    isSealed(value) ? () => ring.decrypt(value[SEALED]) : undefined,
  );
  return { ...answer, body };
}

function idempotentRunner() {
  // What the function returns is what Powertools stores (and replays): the sealed answer.
  runOnce ??= makeIdempotent(
    async (_request: IdempotentRequest, work: () => Promise<HttpResult>) =>
      JSON.stringify(await sealAnswer(await work())),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: runtimeConfig().idempotencyTable,
        awsSdkV3Client: new DynamoDBClient({ maxAttempts: 4 }),
      }),
      config,
      keyPrefix: 'wallet-http',
    },
  );
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
    const stored = await idempotentRunner()(request, work);
    // Records written before answers were kept as text are maps; they replay as they are.
    return await unsealAnswer(typeof stored === 'string' ? (JSON.parse(stored) as HttpResult) : stored);
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

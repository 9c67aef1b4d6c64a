import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSEvent } from 'aws-lambda';
import { keys } from '../../functions/core/adapters/dynamodb/keys.ts';
import { runtimeConfig } from '../../functions/core/config.ts';

// Synthetic Lambda events, for integration tests that call a handler in-process the way API
// Gateway, SQS or a schedule would (as test/integration/money-core.test.ts does for one route).

export interface ApiCall {
  method: string;
  /** The route's resource path, `{name}` parameters included, e.g. `/v1/wallets/{walletId}/links`. */
  resource: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** The raw body, sent as it is (instead of `body`). */
  raw?: string;
  /** The caller's Cognito `sub` (and groups): omitted on public routes. */
  subject?: string;
  groups?: string[];
  device?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/**
 * The `jti` every in-process call's token carries. The API accepts only tokens the wallet obtained
 * itself (API.md v1.1), so `issueInProcessToken` records this one as such, as sign-in would.
 */
export const inProcessTokenJti = 'in-process-calls';
let issued: Promise<unknown> | undefined;

/** Records the in-process calls' token in the wallet table (once per process; TTL a day). */
export function issueInProcessToken(): Promise<unknown> {
  issued ??= DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
    new PutCommand({
      TableName: runtimeConfig().walletTable,
      Item: { ...keys.issuedToken(inProcessTokenJti), ttl: Math.floor(Date.now() / 1000) + 24 * 60 * 60 },
    }),
  );
  return issued;
}

export function apiEvent(call: ApiCall): APIGatewayProxyEvent {
  const path = call.resource.replace(/\{(\w+)\}/g, (_m, name: string) => call.params?.[name] ?? '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...call.headers };
  if (call.device) headers['x-device-id'] = call.device;
  if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
  const claims = call.subject
    ? {
        sub: call.subject,
        token_use: 'access',
        jti: inProcessTokenJti,
        ...(call.groups ? { 'cognito:groups': call.groups.join(',') } : {}),
      }
    : undefined;
  return {
    httpMethod: call.method,
    resource: call.resource,
    path,
    headers,
    body: call.raw ?? (call.body === undefined ? null : JSON.stringify(call.body)),
    isBase64Encoded: false,
    pathParameters: call.params ?? null,
    queryStringParameters: call.query ?? null,
    requestContext: { authorizer: claims ? { claims } : undefined },
  } as unknown as APIGatewayProxyEvent;
}

export function lambdaContext(functionName: string): Context {
  return {
    functionName,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
}

export interface Answer<T = any> {
  status: number;
  json: T;
  headers: Record<string, string>;
}

type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Calls an API handler with one request and reads its answer. */
export async function callApi<T = any>(handler: ApiHandler, call: ApiCall): Promise<Answer<T>> {
  if (call.subject) await issueInProcessToken();
  const result = await handler(apiEvent(call), lambdaContext('test'));
  return {
    status: result.statusCode,
    json: result.body ? JSON.parse(result.body) : undefined,
    headers: (result.headers ?? {}) as Record<string, string>,
  };
}

/** An SQS batch of JSON messages, as Lambda's event source hands it to a consumer. */
export function sqsEvent(bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:settlement',
      awsRegion: 'local',
    })),
  };
}

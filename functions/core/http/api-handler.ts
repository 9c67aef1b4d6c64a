import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { type CapabilityName, capabilities, type Route, routeKey, routes } from '../../routes.ts';
import { DynamoIssuedTokens } from '../adapters/dynamodb/issued-tokens.ts';
import { DynamoProofReplayGuard } from '../adapters/dynamodb/proof-replay.ts';
import { runtimeConfig } from '../config.ts';
import type { DeviceProof } from '../domain/device.ts';
import type { RefusalReason } from '../domain/refusals.ts';
import { logger, readableLogs } from '../observability/logger.ts';
import { metrics } from '../observability/metrics.ts';
import { tracer } from '../observability/tracer.ts';
import type { ProofReplayGuard } from '../ports/proof-replay.ts';
import { appVersionHeader, appVersionOf } from './app-version.ts';
import { type Caller, callerFromClaims } from './caller.ts';
import { requestUrl, verifyProof } from './dpop.ts';
import { idempotencyKeyPolicy, withIdempotencyKey } from './idempotency.ts';
import { jsonTooDeep, maxJsonDepth } from './json-depth.ts';
import { notFound, Problem, validationFailed } from './problem.ts';
import { asProblem } from './problems.ts';
import { type HttpResult, toProxyResult } from './result.ts';
import { parseWith } from './validation.ts';

export interface RouteInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  /** Present on authenticated routes. */
  caller: Caller;
  /** `X-Device-Id` of a customer's call. */
  deviceId: string;
  /** The `Idempotency-Key` of an endpoint that is idempotent by itself (`idempotent: 'by-key'`). */
  idempotencyKey?: string;
  /** A valid DPoP proof of this request (RFC 9449), not seen before: the key the device holds. */
  deviceProof?: DeviceProof;
  /** The client's `X-App-Version` (`android/4.2.0`), when it names a valid one: kept with authentication events. */
  appVersion?: string;
  /**
   * The request as it came, for what a schema cannot check: a signature over the raw body (the
   * switch's messages), a header, the API's own base URL (stage path included).
   */
  raw: { body: string; header(name: string): string | undefined; baseUrl: string };
}

/** The success statuses an endpoint may answer, each with the zod schema of its body (functions/core/http/answers.ts). */
export type Answers = { readonly [S in 200 | 201 | 202]?: z.ZodType };

/** What `handle` may return: one of the declared statuses with a body its schema accepts. */
export type AnswerOf<A extends Answers> = {
  [S in keyof A & number]: {
    status: S;
    body: NonNullable<A[S]> extends z.ZodType ? z.input<NonNullable<A[S]>> : never;
    headers?: Record<string, string>;
  };
}[keyof A & number];

export interface Endpoint<B = unknown, Q = unknown, A extends Answers = Answers> {
  /** What it does, in a few words: the operation's `summary` in docs/openapi.json (required there). */
  summary?: string;
  /** More, when a summary is not enough (Markdown). */
  description?: string;
  /** The client's method name; derived from the method and path when absent (`postTransfers`). */
  operationId?: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /**
   * The success answers, `{ 200: walletAnswer }`: status → the schema of the body. docs/openapi.json
   * is written from them and every e2e answer is validated against it; a route without them fails
   * test/unit/openapi.test.ts (docs/development.md "Adding a route").
   */
  answers?: A;
  /**
   * The refusals its use case may give (functions/core/domain/refusals.ts): the document lists each
   * with the status and `code` of functions/core/http/problems.ts. The problems every route of its
   * kind may answer (validation, authentication, Idempotency-Key, 429, 500) are added by openapi.ts.
   */
  refusals?: readonly RefusalReason[];
  /**
   * `true`: a POST that creates something and needs `Idempotency-Key` (API.md "Idempotency"),
   * answered once per key by Powertools' idempotency utility.
   * `'optional'`: the same, when a client sends the header (KYC, device trust).
   * `'by-key'`: the header is required and handed to the use case, whose own commit is idempotent
   * per key (POST /v1/transfers: the transfer id derives from the key; no second record to write).
   */
  idempotent?: boolean | 'optional' | 'by-key';
  handle(input: RouteInput<B, Q>, context: Context): Promise<AnswerOf<A>>;
}

/** Keeps the body, query and answer types of each endpoint while collecting them in one table. */
export const endpoint = <B = undefined, Q = undefined, A extends Answers = Answers>(
  e: Endpoint<B, Q, A>,
): Endpoint<B, Q, A> => e;

// biome-ignore lint/suspicious/noExplicitAny: each endpoint keeps its own body, query and answer types.
type Endpoints = Record<string, Endpoint<any, any, any>>;

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function parseJson(raw: string | null, isBase64: boolean): unknown {
  if (raw === null || raw === undefined || raw.trim() === '') return {};
  const text = isBase64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  // Before JSON.parse: nothing may walk a body nested deeper than the contract allows.
  if (jsonTooDeep(text)) {
    throw validationFailed(`The body is nested deeper than ${maxJsonDepth} levels.`, [
      { name: 'body', reason: `at most ${maxJsonDepth} levels of arrays and objects` },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw validationFailed('The body is not valid JSON.');
  }
}

function authorize(route: Route, event: APIGatewayProxyEvent): { caller: Caller; deviceId: string } {
  // Public routes pass the device along when it names itself (the session refresh needs it).
  if (route.access === 'public' || route.access === 'sandbox' || route.access === 'switch') {
    const named = route.access === 'public' ? (header(event, 'x-device-id')?.trim() ?? '') : '';
    return { caller: { subject: '', groups: [] }, deviceId: named.length <= 128 ? named : '' };
  }
  const caller = callerFromClaims(event.requestContext?.authorizer?.claims);
  const groups = route.access === 'staff' ? ['operators', 'compliance'] : [route.access];
  if (route.access !== 'customer' && !groups.some((g) => caller.groups.includes(g))) {
    throw new Problem(403, 'forbidden', `Only members of ${groups.join(' or ')} may call this.`);
  }
  // Staff users are not customers: their tokens open no customer route (one answer, not a 404 here
  // and an empty list there).
  if (route.access === 'customer' && caller.groups.some((g) => g === 'operators' || g === 'compliance')) {
    throw new Problem(403, 'forbidden', 'Staff accounts do not use customer routes.');
  }
  const deviceId = header(event, 'x-device-id')?.trim() ?? '';
  if (route.access === 'customer' && (deviceId === '' || deviceId.length > 128)) {
    throw validationFailed('X-Device-Id is required on authenticated calls.', [
      { name: 'X-Device-Id', reason: 'required, 1-128 characters' },
    ]);
  }
  return { caller, deviceId };
}

function idempotencyKey(event: APIGatewayProxyEvent, required: boolean): string | undefined {
  const key = header(event, 'idempotency-key');
  if (!required && (key === undefined || key === '')) return undefined;
  if (key === undefined || key === '') {
    throw new Problem(400, 'idempotency-key-missing', 'This request needs an Idempotency-Key header.');
  }
  if (key.length > idempotencyKeyPolicy.maxLength) {
    throw validationFailed('Idempotency-Key is too long.', [{ name: 'Idempotency-Key', reason: '1-255 characters' }]);
  }
  return key;
}

/** The raw request: its body as sent, its headers, and the base URL it was called at. */
function rawOf(event: APIGatewayProxyEvent): RouteInput<unknown, unknown>['raw'] {
  const body = !event.body
    ? ''
    : event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;
  const url = requestUrl(event);
  return {
    body,
    header: (name) => header(event, name),
    baseUrl: url.endsWith(event.path) ? url.slice(0, url.length - event.path.length) : url,
  };
}

let proofs: ProofReplayGuard | undefined;

/**
 * The request's DPoP proof, when it carries a valid one whose `jti` was not used before. Judged by
 * the wall clock: the device signed it with the real time, whatever clock the domain runs on.
 */
async function deviceProofOf(event: APIGatewayProxyEvent): Promise<DeviceProof | undefined> {
  const proof = await verifyProof(event, new Date());
  if (!proof) return undefined;
  proofs ??= new DynamoProofReplayGuard(runtimeConfig().walletTable);
  if (!(await proofs.remember(proof.jti, proof.rememberUntil))) {
    logger.info('DPoP proof replayed', { path: event.resource });
    return undefined;
  }
  return { thumbprint: proof.thumbprint };
}

/** No id the wallet hands out is longer; a longer one names nothing (and would not fit a DynamoDB key). */
const MAX_PATH_PARAM_LENGTH = 128;

/** The path's parameters; one too long to be any id is `404`, as an unknown id is (API.md "Ownership"). */
function pathParamsOf(event: APIGatewayProxyEvent): Record<string, string> {
  const params = Object.fromEntries(Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, v ?? '']));
  if (Object.values(params).some((v) => v.length > MAX_PATH_PARAM_LENGTH)) throw notFound();
  return params;
}

let issuedTokens: DynamoIssuedTokens | undefined;

/**
 * API.md v1.1: sign-in is possible only through the wallet. The authorizer checked the token's
 * signature and expiry; this checks that the wallet obtained it itself (sign-in, refresh), not a
 * client at the identity provider's own endpoints (a refresh past the idle limit, a password
 * sign-in past the lock-out). One read per token and process.
 */
async function requireIssuedToken(event: APIGatewayProxyEvent): Promise<void> {
  const jti = event.requestContext?.authorizer?.claims?.jti;
  issuedTokens ??= new DynamoIssuedTokens(runtimeConfig().walletTable);
  if (typeof jti === 'string' && jti !== '' && (await issuedTokens.wasIssued(jti))) return;
  logger.info('token not issued by the wallet refused', { path: event.resource });
  throw new Problem(401, 'unauthenticated', 'This token was not issued by the wallet: sign in with POST /v1/sessions.');
}

async function dispatch(route: Route, e: Endpoint, event: APIGatewayProxyEvent, context: Context): Promise<HttpResult> {
  const { caller, deviceId } = authorize(route, event);
  // Circular 77/2025: an outdated app is turned away before anything else runs (426).
  const appVersion = appVersionOf(route, header(event, appVersionHeader));
  // A proof's `jti` is remembered in the wallet table (PutItem): a capability without that grant
  // (GET /health) takes no proof rather than fail on IAM. The token's origin is read meanwhile.
  const [deviceProof] = await Promise.all([
    route.access === 'sandbox' ||
    route.access === 'switch' ||
    !capabilities[route.capability].needs.walletTable?.includes('PutItem')
      ? undefined
      : deviceProofOf(event),
    caller.subject === '' ? undefined : requireIssuedToken(event),
  ]);
  const key = e.idempotent ? idempotencyKey(event, e.idempotent !== 'optional') : undefined;
  const rawBody = e.body ? parseJson(event.body, event.isBase64Encoded) : undefined;
  const run = () =>
    e.handle(
      {
        body: e.body ? parseWith(e.body, rawBody, 'body') : undefined,
        query: e.query ? parseWith(e.query, event.queryStringParameters ?? {}, 'query') : undefined,
        params: pathParamsOf(event),
        caller,
        deviceId,
        ...(e.idempotent === 'by-key' && key !== undefined ? { idempotencyKey: key } : {}),
        ...(deviceProof ? { deviceProof } : {}),
        raw: rawOf(event),
        ...(appVersion ? { appVersion } : {}),
      },
      context,
    );
  if (key === undefined || e.idempotent === 'by-key') return run();
  // Validation runs inside the idempotent section: the same key with another body is 422 even
  // when that body is invalid, and a refused request replays its refusal.
  const request = { method: route.method, path: event.path, body: rawBody };
  return withIdempotencyKey({ scope: `${caller.subject}#${key}`, request }, context, () =>
    Promise.resolve()
      .then(run)
      .catch((error: unknown) => {
        // A refusal is an answer: stored and replayed like a success. Only failures free the key.
        const problem = asProblem(error);
        if (problem && problem.status < 500) return { status: problem.status, body: problem.toBody() };
        throw error;
      }),
  );
}

function answerError(error: unknown, event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const problem = asProblem(error);
  if (problem) {
    if (problem.status >= 500) logger.error('request failed', { code: problem.code, path: event.resource });
    const body = problem.toBody();
    const retryAfter = body.retryAfter;
    return toProxyResult({
      status: problem.status,
      body,
      headers: typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {},
    });
  }
  logger.error('unexpected failure', { error: error as Error, path: event.resource });
  metrics.addMetric('UnexpectedFailure', MetricUnit.Count, 1);
  // 5xx bodies never carry stack traces or internal names (API.md "Errors").
  return toProxyResult({
    status: 500,
    body: new Problem(500, 'internal-error', 'The request could not be completed; it is safe to retry.').toBody(),
  });
}

/**
 * The Lambda handler of one capability: finds the route the event is for, checks who calls,
 * validates, applies Idempotency-Key, answers RFC 9457 problems for every failure.
 */
export function apiHandler(capability: CapabilityName, endpoints: Endpoints) {
  const served = routes.filter((r) => r.capability === capability);
  const missing = served.filter((r) => !endpoints[routeKey(r.method, r.path)]);
  if (missing.length)
    throw new Error(`${capability}: no endpoint for ${missing.map((r) => routeKey(r.method, r.path))}`);
  const byKey = new Map(served.map((r) => [routeKey(r.method, r.path), r]));

  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer));
  // Where metrics are off (the local runtime) there is nothing to flush: no "No application
  // metrics to publish" warning after every request.
  if (metrics.publishing) handler.use(logMetrics(metrics));
  // The record of each request, in AWS; with readable logs the local gateway prints its own line
  // (`POST /v1/transfers 201 12 ms`, local/gateway.ts).
  const logRequest = (route: string, status: number) => {
    if (!readableLogs()) logger.info('request', { route, status });
  };
  handler.handler(async (event, context) => {
    const key = routeKey(event.httpMethod, event.resource);
    const route = byKey.get(key);
    const e = endpoints[key];
    try {
      if (!route || !e) throw notFound(`No route ${event.httpMethod} ${event.path}.`);
      const result = await dispatch(route, e, event, context);
      logRequest(key, result.status);
      return toProxyResult(result);
    } catch (error) {
      const answer = answerError(error, event);
      logRequest(key, answer.statusCode);
      return answer;
    }
  });
  // The endpoint table rides along for docs/openapi.json (functions/core/http/openapi.ts).
  return Object.assign(handler, { endpoints });
}

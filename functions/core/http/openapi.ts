import { z } from 'zod';
import { type Access, type CapabilityName, type Route, routeKey, routes } from '../../routes.ts';
import type { RefusalReason } from '../domain/refusals.ts';
import { problemAnswer } from './answers.ts';
import type { Endpoint } from './api-handler.ts';
import { answers as refusalAnswers } from './problems.ts';

// docs/openapi.json, generated from the route table, the zod schemas the handlers validate requests
// with and the answer schemas they build their answers to (functions/core/http/answers.ts), so the
// document cannot say something the code does not do. `npm run openapi` writes it (and the typed
// client, clients/typescript); test/unit/openapi.test.ts fails when either is stale, when a route
// lacks its summary or answers, and when `redocly lint` finds an error. Every answer of the e2e
// suite is validated against it (test/e2e/contract.ts).
//
// Sandbox routes (`/sandbox/*`) are documented too, tagged `sandbox` and marked
// `x-sandbox-only: true`: the e2e suite and local tools call them, but no production stage serves them.

const componentRef = (id: string) => `#/components/schemas/${id}`;

/** A zod schema as an inline JSON Schema (request bodies, query parameters). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Headers, declared as the server treats them (functions/core/http/api-handler.ts), each in one place.

const headers = {
  /** On public routes; customers' routes require it as the `device` security scheme. */
  deviceId: {
    name: 'X-Device-Id',
    in: 'header',
    required: false,
    description: 'The opaque id of the client install, when it names itself (POST /v1/sessions/refresh needs it).',
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  },
  idempotencyKey: (required: boolean) => ({
    name: 'Idempotency-Key',
    in: 'header',
    required,
    description: required
      ? 'Required: a repeat with the same key and body gets the first answer (24 hours); another body is 422 idempotency-key-reused.'
      : 'Optional: honoured when sent, as on the routes that require it.',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
    example: '5f0c6a1e-8d3b-4f7a-9a62-3c1d2e4b5a69',
  }),
  dpop: {
    name: 'DPoP',
    in: 'header',
    required: false,
    description:
      'RFC 9449 proof of the device key bound at KYC or device trust (API.md v1.1 "Device binding"): a device bound to a key counts as trusted only with a fresh proof.',
    schema: { type: 'string' },
  },
} as const;

/**
 * `X-App-Version: <platform>/<semver>` (API.md v1.1 "App version", issue 15): optional here, as in
 * stages that accept unversioned clients; where a stage sets a minimum, older versions answer 426
 * `app-upgrade-required`. Declared on the routes apps call (public and customer routes).
 */
export const appVersionHeader = {
  name: 'X-App-Version',
  in: 'header',
  required: false,
  description: 'The app and its version, `<platform>/<semver>`.',
  schema: { type: 'string', pattern: '^(android|ios)/\\d+\\.\\d+\\.\\d+$' },
  example: 'android/4.2.0',
} as const;
const sendsAppVersion = (access: Access) => access === 'public' || access === 'customer';

// ---------------------------------------------------------------------------------------------
// Problems: every refusal an endpoint declares, at its status, plus what every route of its kind may answer.

const problemTitles: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Refused',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  422: 'Refused by a rule',
  426: 'App upgrade required',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Busy: nothing changed, retry',
};

/**
 * What API Gateway answers by itself on any route, before a handler runs (lib/constructs/api.ts
 * `gatewayProblems`: WAF, throttling, body size, its other 4xx and 5xx; test/unit/openapi.test.ts
 * holds the two lists together). 401 is declared on authenticated routes only; 404 answers
 * unknown paths, which no operation has.
 */
export const gatewayProblemCodes: readonly { status: number; code: string }[] = [
  { status: 400, code: 'bad-request' },
  { status: 403, code: 'forbidden' },
  { status: 413, code: 'payload-too-large' },
  { status: 429, code: 'rate-limited' },
  { status: 500, code: 'internal-error' },
];

const secured = (access: Access) =>
  access === 'customer' || access === 'operators' || access === 'compliance' || access === 'staff';

/** Status → the problem `code`s the route may answer with it. */
export function problemCodes(route: Route, e: Endpoint): Map<number, Set<string>> {
  const codes = new Map<number, Set<string>>();
  const add = (status: number, code: string) => {
    const set = codes.get(status) ?? new Set<string>();
    codes.set(status, set.add(code));
  };
  // Input: a body, a query, a path parameter (an id the handler may find malformed), X-Device-Id.
  const input = e.body || e.query || route.path.includes('{') || route.access === 'customer' || e.idempotent;
  if (input) add(400, 'validation-failed');
  if (e.idempotent === true || e.idempotent === 'by-key') add(400, 'idempotency-key-missing');
  if (e.idempotent === true || e.idempotent === 'optional') {
    add(409, 'request-in-progress');
    add(422, 'idempotency-key-reused');
  }
  if (secured(route.access)) add(401, 'unauthenticated');
  // Staff routes refuse other groups; customer routes refuse staff tokens.
  if (route.access === 'operators' || route.access === 'compliance' || route.access === 'staff') add(403, 'forbidden');
  if (route.access === 'customer') add(403, 'forbidden');
  // A resource addressed by id may not exist, or be another customer's (API.md "Ownership");
  // a sandbox route answers 404 where the stage has no sandbox.
  if (route.path.includes('{') || route.access === 'sandbox') add(404, 'not-found');
  // The local gateway refuses bodies over 1 MiB so (API Gateway: payload-too-large, below).
  if (e.body) add(413, 'validation-failed');
  for (const reason of e.refusals ?? []) {
    const { status, code } = refusalAnswers[reason as RefusalReason];
    add(status, code);
  }
  // Circular 77/2025: an outdated (or, where the stage wants one, unnamed) app is turned away on
  // these routes before anything else (functions/core/http/app-version.ts).
  if (route.checksAppVersion) {
    const { status, code } = refusalAnswers['app-upgrade-required'];
    add(status, code);
  }
  for (const { status, code } of gatewayProblemCodes) add(status, code);
  return new Map([...codes].sort(([a], [b]) => a - b));
}

function problemResponse(status: number, codes: Set<string>) {
  const list = [...codes].sort();
  return {
    description: `${problemTitles[status] ?? 'Problem'}: ${list.map((c) => `\`${c}\``).join(', ')}`,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: componentRef('Problem') },
            {
              type: 'object',
              properties: { status: { const: status }, code: { type: 'string', enum: list } },
            },
          ],
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Operations

/** `POST /v1/transfers/{transferId}/authorize` → `postTransfersTransferIdAuthorize`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s !== '' && s !== 'v1')
    .flatMap((s) => s.replace(/[{}]/g, '').split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const tagDescriptions: Partial<Record<CapabilityName, string>> = {
  platform: 'Health.',
  onboarding: 'Registration, sign-in and sessions, eKYC, device trust, wallets.',
  linking: "Links between a wallet and its owner's bank accounts and cards (Decree 52 Art. 6).",
  transfers: 'Top-ups, withdrawals, P2P and payments; step-up authentication (Circular 50); statements.',
  walletControl: "A customer's own lock and biometric unlock (RULES.md §7).",
  operations: 'Operators: safeguarding reconciliation, watch lists, freezes.',
  riskCases: 'Operators: transfers and customers held for review.',
  compliance: 'Compliance: law-enforcement requests, large-value reports, the audit trail.',
  sandbox: 'The simulated outside world (bank, eKYC, SMS): local runtime and sandbox stages only, never production.',
};

/** Request examples (API.md, README). */
const requestExamples: Readonly<Record<string, unknown>> = {
  'POST /v1/registrations': { phoneNumber: '0912345678' },
  'POST /v1/registrations/{registrationId}/confirm': { otp: '123456', password: 'Str0ng!pass', deviceId: 'my-phone' },
  'POST /v1/sessions': { phoneNumber: '0912345678', password: 'Str0ng!pass', deviceId: 'my-phone' },
  'POST /v1/wallets/{walletId}/links': { bankCode: 'VCB', accountNumber: '0071000123456' },
  'POST /v1/transfers': {
    type: 'P2P',
    walletId: '01JDX3N2C4W5PZ1Q8R3S6T7V9X',
    amount: 12000000,
    toPhoneNumber: '0987654321',
  },
  'POST /v1/transfers/{transferId}/authorize': { otp: '123456' },
  'POST /v1/ops/wallets/{walletId}/freeze': { reason: 'Reported stolen phone', reference: 'TICKET-4711' },
};

/** What a route lacks for the document, said so that whoever added it knows what to write. */
export function missingDeclarations(route: Route, e: Endpoint | undefined): string[] {
  const key = routeKey(route.method, route.path);
  if (!e) return [`${key}: no endpoint in ${route.capability}'s handler`];
  const missing: string[] = [];
  if (!e.summary?.trim()) missing.push(`${key}: add \`summary: '<what it does, in a few words>'\` to its endpoint`);
  if (!e.answers || Object.keys(e.answers).length === 0) {
    missing.push(
      `${key}: add \`answers: { <status>: <zod schema of the body> }\` to its endpoint (schemas in functions/core/http/answers.ts; docs/development.md "Adding a route")`,
    );
  }
  return missing;
}

function operation(route: Route, e: Endpoint, answerIds: Map<z.ZodType, string>) {
  const key = routeKey(route.method, route.path);
  const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (route.access === 'public' && route.capability !== 'platform') parameters.push(headers.deviceId);
  if (route.access === 'customer' || (route.access === 'public' && route.capability !== 'platform'))
    parameters.push(headers.dpop);
  if (sendsAppVersion(route.access) && route.capability !== 'platform') parameters.push(appVersionHeader);
  if (e.idempotent) parameters.push(headers.idempotencyKey(e.idempotent !== 'optional'));
  if (e.query) {
    const query = jsonSchema(e.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {}))
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(e.answers ?? {}) as [string, z.ZodType][]) {
    responses[status] = {
      description: status === '201' ? 'Created' : status === '202' ? 'Accepted' : 'OK',
      content: { 'application/json': { schema: { $ref: componentRef(answerIds.get(schema)!) } } },
    };
  }
  for (const [status, codes] of problemCodes(route, e)) responses[String(status)] = problemResponse(status, codes);
  const example = requestExamples[key];
  return {
    operationId: e.operationId ?? operationIdOf(route.method, route.path),
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    tags: [route.capability],
    security:
      route.access === 'customer' ? [{ bearer: [], device: [] }] : secured(route.access) ? [{ bearer: [] }] : [],
    ...(route.access === 'operators' || route.access === 'compliance' ? { 'x-required-group': route.access } : {}),
    ...(route.access === 'staff' ? { 'x-required-group': 'operators or compliance' } : {}),
    ...(route.access === 'sandbox' ? { 'x-sandbox-only': true } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(e.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: jsonSchema(e.body), ...(example ? { example } : {}) },
            },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The answer schemas as components: the named ones (functions/core/http/answers.ts `named`) under
 * their id, any other under `<OperationId><status>` (PascalCase).
 */
function answerComponents(served: [Route, Endpoint][]) {
  const ids = new Map<z.ZodType, string>();
  const registry = z.registry<{ id: string }>();
  const register = (schema: z.ZodType, id: string) => {
    if (ids.has(schema)) return;
    ids.set(schema, id);
    registry.add(schema, { ...z.globalRegistry.get(schema), id });
  };
  register(problemAnswer, 'Problem');
  // Every named schema (those nested in an answer too: a Transfer in a case decision).
  for (const [id, schema] of z.globalRegistry._idmap) register(schema as z.ZodType, id);
  for (const [route, e] of served) {
    for (const [status, schema] of Object.entries(e.answers ?? {}) as [string, z.ZodType][]) {
      const own = z.globalRegistry.get(schema)?.id;
      const opId = e.operationId ?? operationIdOf(route.method, route.path);
      register(schema, own ?? `${opId[0]!.toUpperCase()}${opId.slice(1)}${status}`);
    }
  }
  const { schemas } = z.toJSONSchema(registry, {
    uri: componentRef,
    io: 'output',
    unrepresentable: 'any',
    metadata: z.globalRegistry,
  } as Parameters<typeof z.toJSONSchema>[1]) as { schemas: Record<string, Record<string, unknown>> };
  const components: Record<string, unknown> = {};
  for (const id of Object.keys(schemas).sort()) {
    const { $schema: _s, $id: _i, id: _id, ...schema } = schemas[id]!;
    components[id] = schema;
  }
  return { ids, components };
}

export function openApiDocument(endpointsByRoute: Map<string, Endpoint>) {
  const served = routes.flatMap((r): [Route, Endpoint][] => {
    const e = endpointsByRoute.get(routeKey(r.method, r.path));
    return e ? [[r, e]] : [];
  });
  const { ids, components } = answerComponents(served);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [route, e] of served) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, e, ids);
  }
  const tags = [...new Set(served.map(([r]) => r.capability))].map((name) => ({
    name,
    description: tagDescriptions[name] ?? name,
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vietnamese e-wallet core API',
      version: '1.1',
      description:
        'The HTTP API of the wallet. Money is integer VND; times are ISO 8601 UTC; business days and months are Asia/Ho_Chi_Minh. Every error is an RFC 9457 problem (`application/problem+json`) with a `code`. Generated from functions/routes.ts and the zod schemas of the handlers (`npm run openapi`).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The local runtime (`npm start`; PORT changes the port)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'A deployed stage (the `ApiUrl` output of Wallet-<stage>-Stateless)',
        variables: {
          apiId: { default: 'abcdef1234', description: 'The REST API id (`ApiId` output)' },
          region: { default: 'ap-southeast-1' },
          stage: { default: 'sandbox', enum: ['sandbox', 'production'] },
        },
      },
    ],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito access token from POST /v1/sessions (5 minutes; POST /v1/sessions/refresh renews it).',
        },
        // A scheme, not a parameter: it goes with the token on every customer call, so a generated
        // client sets it once (clients/typescript) rather than on each call.
        device: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Device-Id',
          description:
            'The opaque id of the client install (API.md "Auth"), required with the token on customer calls (400 validation-failed without it); device trust applies to it.',
        },
      },
      schemas: components,
    },
  };
}

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../functions/core/http/api-handler.ts';
import { gatewayProblemCodes, missingDeclarations } from '../../functions/core/http/openapi.ts';
import { routeKey, routes } from '../../functions/routes.ts';
import { Contract } from '../support/contract.ts';
import { endpointsOfAllCapabilities, generatedOpenApi } from '../support/openapi.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const committed = () => JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));

describe('docs/openapi.json', () => {
  it('is what the code generates (run `npm run openapi` after changing a route or schema)', async () => {
    expect(committed()).toEqual(JSON.parse(JSON.stringify(await generatedOpenApi())));
  });

  it('documents every route of the route table', async () => {
    const doc = await generatedOpenApi();
    for (const r of routes) expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
  });

  it('has a summary and answer schemas for every route (docs/development.md "Adding a route")', async () => {
    const endpoints = await endpointsOfAllCapabilities();
    const missing = routes.flatMap((r) => missingDeclarations(r, endpoints.get(routeKey(r.method, r.path))));
    expect(missing, `routes the document cannot describe:\n${missing.join('\n')}`).toEqual([]);
  });

  it('says what to add when a route has no answers', () => {
    const route = { method: 'POST', path: '/v1/things', capability: 'transfers', access: 'customer' } as const;
    const bare: Endpoint = { handle: async () => ({ status: 200 as const, body: {} }) };
    expect(missingDeclarations(route, bare)).toEqual([
      "POST /v1/things: add `summary: '<what it does, in a few words>'` to its endpoint",
      'POST /v1/things: add `answers: { <status>: <zod schema of the body> }` to its endpoint (schemas in functions/core/http/answers.ts; docs/development.md "Adding a route")',
    ]);
    expect(missingDeclarations(route, undefined)).toEqual(["POST /v1/things: no endpoint in transfers's handler"]);
  });

  it('rejects unknown members in request bodies (additionalProperties: false)', async () => {
    const doc = await generatedOpenApi();
    const body = (doc.paths['/v1/registrations']!.post as any).requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
  });

  it('declares every answer object strict, so the contract check catches an undeclared member', async () => {
    const doc = await generatedOpenApi();
    const loose: string[] = [];
    const walk = (schema: unknown, at: string) => {
      if (!schema || typeof schema !== 'object') return;
      const s = schema as Record<string, unknown>;
      if (s.type === 'object' && s.properties && s.additionalProperties !== false) loose.push(at);
      for (const [k, v] of Object.entries(s)) walk(v, `${at}/${k}`);
    };
    for (const [id, schema] of Object.entries(doc.components.schemas)) if (id !== 'Problem') walk(schema, id);
    expect(loose).toEqual([]);
    // Every success answer is a named component (a named type in clients/typescript).
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods as Record<string, any>))
        for (const [status, response] of Object.entries(op.responses as Record<string, any>))
          if (status.startsWith('2'))
            expect(response.content['application/json'].schema.$ref, `${method} ${path} ${status}`).toMatch(
              /^#\/components\/schemas\//,
            );
  });

  it('declares Idempotency-Key required where the server requires it and optional where it is honoured', async () => {
    const doc = await generatedOpenApi();
    const endpoints = await endpointsOfAllCapabilities();
    for (const r of routes) {
      const e = endpoints.get(routeKey(r.method, r.path))!;
      const op = (doc.paths[r.path] as any)[r.method.toLowerCase()];
      const key = (op.parameters ?? []).find((p: { name: string }) => p.name === 'Idempotency-Key');
      const label = `${r.method} ${r.path} (idempotent: ${e.idempotent})`;
      if (!e.idempotent) expect(key, label).toBeUndefined();
      else expect(key?.required, label).toBe(e.idempotent !== 'optional');
    }
  });

  it('declares on every operation the problems API Gateway answers by itself (lib/constructs/api.ts)', async () => {
    const { gatewayProblems } = await import('../../lib/constructs/api.ts');
    const own = gatewayProblems
      .filter((p) => p.status !== 401 && p.status !== 404)
      .map(({ status, code }) => ({ status, code }));
    expect(new Set(own.map((p) => `${p.status} ${p.code}`))).toEqual(
      new Set(gatewayProblemCodes.map((p) => `${p.status} ${p.code}`)),
    );
    const doc = await generatedOpenApi();
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods as Record<string, any>))
        for (const { status, code } of own) {
          const codes = op.responses[status]?.content['application/problem+json'].schema.allOf[1].properties.code.enum;
          expect(codes, `${method} ${path} ${status}`).toContain(code);
        }
  });

  it('passes `redocly lint` with its recommended rules: no error (offline: no telemetry, no update check)', () => {
    const lint = spawnSync(
      process.execPath,
      ['node_modules/@redocly/cli/bin/cli.js', 'lint', '--extends=recommended', '--format=json', 'docs/openapi.json'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
        timeout: 60_000,
      },
    );
    const report = JSON.parse(lint.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId}: ${p.message} (${p.location[0]?.pointer})`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });
});

describe('the contract check of the e2e suite (test/support/contract.ts)', () => {
  const contract = () => new Contract(committed());
  const transfer = {
    transferId: '01JDX3Q9ZK8M4V6T2R5B7N0C1E',
    type: 'P2P',
    status: 'COMPLETED',
    walletId: '01JDX3N2C4W5PZ1Q8R3S6T7V9X',
    amount: 120000,
    toWalletId: '01JDX3P7K1M2N3P4Q5R6S7T8V9',
    createdAt: '2026-11-28T03:00:00.000Z',
    completedAt: '2026-11-28T03:00:01.000Z',
  };
  const call = { method: 'POST', path: '/v1/transfers', status: 201, contentType: 'application/json; charset=utf-8' };

  it('passes an answer as the document declares it', () => {
    expect(contract().violations({ ...call, body: transfer })).toEqual([]);
  });

  it('fails an answer carrying a member the document does not declare, naming route, status and member', () => {
    // As a handler would if it leaked a field of the stored item into its answer.
    const planted = { ...transfer, customerId: 'sub-of-the-payer' };
    expect(() => contract().check({ ...call, body: planted })).toThrow(
      'POST /v1/transfers 201: the body does not match docs/openapi.json: undeclared member "customerId" at (the body)',
    );
    const nested = {
      ...transfer,
      authentication: { class: 'B', methods: ['OTP'], challengeId: 'c', expiresAt: transfer.createdAt, otp: '123456' },
    };
    expect(contract().violations({ ...call, body: nested })).toEqual([
      'POST /v1/transfers 201: the body does not match docs/openapi.json: undeclared member "otp" at /authentication',
    ]);
  });

  it('fails a real handler that plants a member in its answer (the whole pipeline: handler, proxy result, check)', async () => {
    const { apiHandler, endpoint } = await import('../../functions/core/http/api-handler.ts');
    const { healthAnswer } = await import('../../functions/core/http/answers.ts');
    const { ok } = await import('../../functions/core/http/result.ts');
    const { apiEvent, lambdaContext } = await import('../support/lambda-events.ts');
    const planted = { status: 'ok' as const, uptimeSeconds: 12 }; // not in the Health schema
    const handler = apiHandler('platform', {
      'GET /health': endpoint({ summary: 'Up?', answers: { 200: healthAnswer }, handle: async () => ok(planted) }),
    });
    const result = await handler(apiEvent({ method: 'GET', resource: '/health' }), lambdaContext('platform'));
    const answer = {
      method: 'GET',
      path: '/health',
      status: result.statusCode,
      contentType: String(result.headers?.['content-type']),
      body: JSON.parse(result.body),
    };
    expect(() => contract().check(answer)).toThrow(
      'GET /health 200: the body does not match docs/openapi.json: undeclared member "uptimeSeconds" at (the body)',
    );
    expect(contract().violations({ ...answer, body: { status: 'ok' } })).toEqual([]);
  });

  it('fails a wrong type, a missing member and a value outside an enum', () => {
    const [violation] = contract().violations({
      ...call,
      body: { ...transfer, amount: '120000', status: 'DONE', createdAt: undefined },
    });
    expect(violation).toContain('/amount must be integer');
    expect(violation).toContain('/status must be equal to one of the allowed values');
    expect(violation).toContain("must have required property 'createdAt'");
  });

  it('fails a status the operation does not declare, and a problem code it does not list for that status', () => {
    expect(contract().violations({ ...call, status: 200, body: transfer })).toEqual([
      expect.stringMatching(
        /^POST \/v1\/transfers answered 200, which docs\/openapi.json does not declare \(declared: 201, 400/,
      ),
    ]);
    const problem = { type: '/problems/link-exists', title: 't', status: 409, code: 'link-exists' };
    const [violation] = contract().violations({
      ...call,
      path: '/v1/transfers/01JDX3Q9ZK8M4V6T2R5B7N0C1E/authorize',
      status: 422,
      contentType: 'application/problem+json',
      body: { ...problem, status: 422 },
    });
    expect(violation).toContain('POST /v1/transfers/{transferId}/authorize 422');
    expect(violation).toContain('/code must be equal to one of the allowed values');
  });

  it('accepts a problem from an unknown route, and nothing else from it', () => {
    const notFound = { type: '/problems/not-found', title: 'No such resource', status: 404, code: 'not-found' };
    const unknown = { method: 'GET', path: '/v1/nothing?x=1', status: 404, contentType: 'application/problem+json' };
    expect(contract().violations({ ...unknown, body: notFound })).toEqual([]);
    expect(contract().violations({ ...unknown, status: 200, contentType: 'application/json', body: {} })).toEqual([
      'GET /v1/nothing answered 200, but docs/openapi.json has no such operation (npm run openapi)',
    ]);
  });

  it('keeps zod and the document in step: the schema the handler is typed by accepts what the document accepts', async () => {
    const { transferAnswer } = await import('../../functions/core/http/answers.ts');
    expect(transferAnswer.safeParse(transfer).success).toBe(true);
    expect(transferAnswer.safeParse({ ...transfer, customerId: 'x' }).success).toBe(false);
    expect(committed().components.schemas.Transfer.additionalProperties).toBe(false);
  });
});

import { z } from 'zod';
import { type Route, routeKey, routes } from '../../routes.ts';
import type { Endpoint } from './api-handler.ts';

// docs/openapi.json, generated from the route table and the zod schemas the handlers validate
// with, so the document cannot say something the code does not do. `npm run openapi` writes it;
// a unit test fails when it is stale.

const problem = {
  description: 'RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function operation(route: Route, endpoint: Endpoint) {
  const secured = route.access === 'customer' || route.access === 'operators' || route.access === 'compliance';
  const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (secured)
    parameters.push({
      name: 'X-Device-Id',
      in: 'header',
      required: route.access === 'customer',
      schema: { type: 'string', maxLength: 128 },
    });
  if (endpoint.idempotent)
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: endpoint.idempotent !== 'optional',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  if (endpoint.query) {
    const query = jsonSchema(endpoint.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {}))
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  return {
    operationId: routeKey(route.method, route.path).replace(/[^A-Za-z0-9]+/g, '_'),
    tags: [route.capability],
    ...(secured ? { security: [{ cognito: [] }] } : { security: [] }),
    ...(route.access !== 'customer' && secured ? { 'x-required-group': route.access } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(endpoint.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(endpoint.body) } } } }
      : {}),
    responses: {
      '2XX': { description: 'Success', content: { 'application/json': {} } },
      '4XX': problem,
      '5XX': problem,
    },
  };
}

export function openApiDocument(endpointsByRoute: Map<string, Endpoint>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const endpoint = endpointsByRoute.get(routeKey(route.method, route.path));
    if (!endpoint) continue;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, endpoint);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vietnamese e-wallet core API',
      version: '1',
      description: "Generated from functions/routes.ts and the handlers' zod schemas. The contract is API.md.",
    },
    paths,
    components: {
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito access token)' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', properties: { name: { type: 'string' }, reason: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}

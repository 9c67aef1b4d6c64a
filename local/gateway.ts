import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { maskText } from '../functions/core/observability/mask.ts';
import { type CapabilityName, capabilities, type Route, routes } from '../functions/routes.ts';
import { type ConsoleSite, isConsolePath, serveConsole } from './console-site.ts';
import { runAs } from './table-grants.ts';

// The local stand-in for API Gateway + Lambda: an HTTP request becomes the same proxy event the
// REST API sends, and the same handler answers it. Authentication mirrors the Cognito
// authorizer: signature, issuer, expiry and token use are checked against cognito-local's keys.

type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const MAX_BODY_BYTES = 1024 * 1024;
const FUNCTION_TIMEOUT_MS = 29_000;

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

function problem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: `/problems/${code}`, title: detail, status, detail, code }));
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
}

export interface GatewayOptions {
  port: number;
  issuer: string;
  jwksUrl: string;
  clientId: string;
  /** Capabilities that are served; sandbox routes are left out when false. */
  sandbox: boolean;
  /**
   * One readable line per request (`POST /v1/transfers 422 8 ms monthly-limit-exceeded`): method,
   * path, status, milliseconds and the problem `code` of an error. None when absent.
   */
  requestLog?: (line: string) => void;
  /** The operations console, served under /console/ (docs/operations.md). */
  console?: ConsoleSite;
}

/** The line of one request: no query string and digits masked, so no personal data reaches the log. */
export function requestLine(method: string, url: string, status: number, ms: number, body: unknown): string {
  let code = '';
  if (status >= 400 && body !== undefined && body !== null) {
    try {
      const parsed = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : String(body)) as { code?: unknown };
      if (typeof parsed.code === 'string') code = ` ${parsed.code}`;
    } catch {
      // not a problem document
    }
  }
  return `${method} ${maskText(url.split('?')[0] ?? '')} ${status} ${Math.round(ms)} ms${code}`;
}

export interface Gateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const compiled = routes.filter((r) => options.sandbox || r.access !== 'sandbox').map(compile);
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  const handlers = new Map<CapabilityName, Promise<ApiHandler>>();

  const handlerFor = (capability: CapabilityName): Promise<ApiHandler> => {
    let loaded = handlers.get(capability);
    if (!loaded) {
      const file = pathToFileURL(new URL(`../${capabilities[capability].entry}`, import.meta.url).pathname).href;
      loaded = import(file).then((m: { handler: ApiHandler }) => m.handler);
      handlers.set(capability, loaded);
    }
    return loaded;
  };

  const verify = async (authorization: string | undefined): Promise<JWTPayload | undefined> => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, algorithms: ['RS256'] });
      // Access tokens carry the app client in `client_id` (they have no `aud`).
      if (payload.token_use !== 'access' || payload.client_id !== options.clientId) return undefined;
      return payload;
    } catch {
      return undefined;
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (options.console && isConsolePath(url.pathname)) return serveConsole(res, method, url.pathname, options.console);
    const candidates = compiled.filter((r) => r.pattern.test(url.pathname));
    const route = candidates.find((r) => r.method === method);
    if (!route) return problem(res, 404, 'not-found', `No route ${method} ${url.pathname}.`);

    let claims: Record<string, string> | undefined;
    if (route.access !== 'public' && route.access !== 'sandbox' && route.access !== 'switch') {
      const payload = await verify(req.headers.authorization);
      if (!payload) return problem(res, 401, 'unauthenticated', 'A valid access token is required.');
      // API Gateway hands claims to Lambda as strings.
      claims = Object.fromEntries(
        Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
      );
    }

    const match = route.pattern.exec(url.pathname)!;
    const pathParameters = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
    const query = Object.fromEntries(url.searchParams.entries());
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
    );
    // As API Gateway says how it was called (DPoP proofs name this URL): plain HTTP on loopback.
    headers['x-forwarded-proto'] = 'http';
    const requestId = randomUUID();
    const event = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: Object.keys(query).length
        ? Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k)]))
        : null,
      pathParameters: route.names.length ? pathParameters : null,
      stageVariables: null,
      body: (await readBody(req)) ?? null,
      isBase64Encoded: false,
      requestContext: {
        requestId,
        resourcePath: route.path,
        httpMethod: method,
        path: url.pathname,
        domainName: req.headers.host ?? `127.0.0.1:${(server.address() as AddressInfo).port}`,
        stage: 'local',
        identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
        authorizer: claims ? { claims } : undefined,
      },
    } as unknown as APIGatewayProxyEvent;
    const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
    const context = {
      functionName: `local-${route.capability}`,
      functionVersion: '$LATEST',
      awsRequestId: requestId,
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${route.capability}`,
      memoryLimitInMB: '1024',
      logGroupName: `/local/${route.capability}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => {},
      fail: () => {},
      succeed: () => {},
    } as Context;

    const handler = await handlerFor(route.capability);
    // As the capability's own function: with LOCAL_IAM=enforce, only the DynamoDB actions IAM grants it.
    const result = await runAs(route.capability, () => handler(event, context));
    res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>), 'x-request-id': requestId });
    res.end(result.body);
  };

  const server = createServer((req, res) => {
    const log = options.requestLog;
    if (log) {
      const started = performance.now();
      let sent: unknown;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        if (typeof args[0] !== 'function') sent = args[0];
        return end(...args);
      }) as typeof res.end;
      res.once('finish', () =>
        log(requestLine(req.method ?? 'GET', req.url ?? '/', res.statusCode, performance.now() - started, sent)),
      );
    }
    serve(req, res).catch((error: { status?: number }) => {
      if (res.headersSent) return res.destroy();
      if (error.status === 413) return problem(res, 413, 'validation-failed', 'The body is too large.');
      console.error('local gateway failure', error);
      problem(res, 500, 'internal-error', 'The request could not be completed.');
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

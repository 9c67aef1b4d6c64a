import type { ProblemBody } from './problem.ts';

/** What a route answers, before it is turned into an API Gateway proxy result. */
export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ status: 200, body });
export const created = (body: unknown): HttpResult => ({ status: 201, body });

export function toProxyResult(result: HttpResult): {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
} {
  const isProblem = result.status >= 400 && (result.body as ProblemBody | undefined)?.code !== undefined;
  return {
    statusCode: result.status,
    headers: {
      'content-type': isProblem ? 'application/problem+json' : 'application/json',
      'cache-control': 'no-store',
      ...result.headers,
    },
    body: result.body === undefined ? '' : JSON.stringify(result.body),
  };
}

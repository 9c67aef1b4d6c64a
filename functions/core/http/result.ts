import type { ProblemBody } from './problem.ts';

/** What a route answers, before it is turned into an API Gateway proxy result. */
export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

// Generic in the body, literal in the status: an endpoint's `answers` type-checks what it returns.
export const ok = <T>(body: T) => ({ status: 200 as const, body });
export const created = <T>(body: T) => ({ status: 201 as const, body });
export const accepted = <T>(body: T) => ({ status: 202 as const, body });

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

import type { Caller } from '../ports/caller.ts';
import { Problem } from './problem.ts';

export type { Caller } from '../ports/caller.ts';

type Claims = Record<string, unknown> | undefined;

// API Gateway REST passes claims as strings: `cognito:groups` arrives as "a,b" or "[a b]";
// the local gateway passes the token's array as it is.
function groupsOf(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw === '') return [];
  return raw
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function callerFromClaims(claims: Claims): Caller {
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject === '' || (claims?.token_use && claims.token_use !== 'access')) {
    throw new Problem(401, 'unauthenticated', 'A valid access token is required.');
  }
  return { subject, groups: groupsOf(claims?.['cognito:groups']) };
}

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { withIdempotencyKey } from '../../functions/core/http/idempotency.ts';
import { Problem } from '../../functions/core/http/problem.ts';
import type { HttpResult } from '../../functions/core/http/result.ts';

// The Idempotency-Key store against DynamoDB Local, with a work function we can hold open so
// that "in progress" is observed deterministically rather than by luck.

const context = { getRemainingTimeInMillis: () => 30_000 } as Context;
const request = (body: unknown = {}) => ({ method: 'POST', path: '/v1/things', body });
const answer = (n: number): HttpResult => ({ status: 201, body: { n } });

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('withIdempotencyKey on DynamoDB Local', () => {
  it('answers 409 request-in-progress while the first request runs, then replays it', async () => {
    const scope = `caller#${randomUUID()}`;
    const g = gate();
    let runs = 0;
    const first = withIdempotencyKey({ scope, request: request() }, context, async () => {
      runs++;
      await g.opened;
      return answer(1);
    });
    await new Promise((r) => setTimeout(r, 200));
    const during = await withIdempotencyKey({ scope, request: request() }, context, async () => answer(2)).catch(
      (e: unknown) => e,
    );
    expect(during).toBeInstanceOf(Problem);
    expect((during as Problem).status).toBe(409);
    expect((during as Problem).code).toBe('request-in-progress');
    g.open();
    expect(await first).toEqual(answer(1));
    expect(await withIdempotencyKey({ scope, request: request() }, context, async () => answer(3))).toEqual(answer(1));
    expect(runs).toBe(1);
  });

  it('answers 422 for the same key with another body', async () => {
    const scope = `caller#${randomUUID()}`;
    await withIdempotencyKey({ scope, request: request({ a: 1 }) }, context, async () => answer(1));
    const reused = await withIdempotencyKey({ scope, request: request({ a: 2 }) }, context, async () =>
      answer(2),
    ).catch((e: unknown) => e);
    expect((reused as Problem).status).toBe(422);
    expect((reused as Problem).code).toBe('idempotency-key-reused');
  });

  it('frees the key when the work fails, so a retry runs again', async () => {
    const scope = `caller#${randomUUID()}`;
    await expect(
      withIdempotencyKey({ scope, request: request() }, context, async () => {
        throw new Error('bank unreachable');
      }),
    ).rejects.toThrow('bank unreachable');
    expect(await withIdempotencyKey({ scope, request: request() }, context, async () => answer(7))).toEqual(answer(7));
  });

  it('runs the work exactly once for 20 racing calls', async () => {
    const scope = `caller#${randomUUID()}`;
    let runs = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        withIdempotencyKey({ scope, request: request() }, context, async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 50));
          return answer(runs);
        }),
      ),
    );
    expect(runs).toBe(1);
    for (const o of outcomes) {
      if (o.status === 'fulfilled') expect(o.value).toEqual(answer(1));
      else expect((o.reason as Problem).code).toBe('request-in-progress');
    }
  });
});

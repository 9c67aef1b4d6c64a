import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { as, expectProblem, register } from './client.ts';

// API.md "Idempotency", on a real creating endpoint: POST /v1/devices/{deviceId}/trust-challenges.
describe('Idempotency-Key', () => {
  it('is required on an authenticated POST that creates something', async () => {
    const c = await register();
    const r = await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { idempotencyKey: '' });
    expectProblem(r, 400, 'idempotency-key-missing');
  });

  it('refuses a key over 255 characters', async () => {
    const c = await register();
    const r = await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { idempotencyKey: 'k'.repeat(256) });
    expectProblem(r, 400, 'validation-failed');
  });

  it('replays the first response for the same key and body', async () => {
    const c = await register();
    const key = randomUUID();
    const first = await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { idempotencyKey: key });
    const again = await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    const other = await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {});
    expect(other.json.challengeId).not.toBe(first.json.challengeId);
  });

  it('replays the same body byte for byte: its members in the same order', async () => {
    const c = await register();
    const key = randomUUID();
    const first = await as(c)('POST', '/v1/me/data-requests', { kind: 'ACCESS' }, { idempotencyKey: key });
    const again = await as(c)('POST', '/v1/me/data-requests', { kind: 'ACCESS' }, { idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(Object.keys(first.json).length).toBeGreaterThan(3);
    expect(JSON.stringify(again.json)).toBe(JSON.stringify(first.json));
  });

  it('answers 422 for the same key with a different request', async () => {
    const c = await register();
    const key = randomUUID();
    await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { idempotencyKey: key });
    const otherPath = await as(c)('POST', '/v1/devices/another-device/trust-challenges', {}, { idempotencyKey: key });
    expectProblem(otherPath, 422, 'idempotency-key-reused');
    const otherBody = await as(c)(
      'POST',
      `/v1/devices/${c.device}/trust-challenges`,
      { extra: 1 },
      { idempotencyKey: key },
    );
    expectProblem(otherBody, 422, 'idempotency-key-reused');
  });

  it('replays a refusal as a refusal', async () => {
    const c = await register();
    const key = randomUUID();
    const bad = await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, { extra: 1 }, { idempotencyKey: key });
    expectProblem(bad, 400, 'validation-failed');
    const again = await as(c)(
      'POST',
      `/v1/devices/${c.device}/trust-challenges`,
      { extra: 1 },
      { idempotencyKey: key },
    );
    expect(again.status).toBe(400);
    expect(again.json).toEqual(bad.json);
  });

  it('scopes keys to the caller', async () => {
    const [a, b] = await Promise.all([register(), register()]);
    const key = randomUUID();
    const ra = await as(a)('POST', `/v1/devices/${a.device}/trust-challenges`, {}, { idempotencyKey: key });
    const rb = await as(b)('POST', `/v1/devices/${b.device}/trust-challenges`, {}, { idempotencyKey: key });
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(rb.json.challengeId).not.toBe(ra.json.challengeId);
  });

  it('creates one resource when 20 identical requests race', async () => {
    const c = await register();
    const key = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { idempotencyKey: key }),
      ),
    );
    for (const r of replies) {
      if (r.status === 409) expectProblem(r, 409, 'request-in-progress');
      else expect(r.status).toBe(201);
    }
    const created = replies.filter((r) => r.status === 201).map((r) => r.json.challengeId);
    expect(created.length).toBeGreaterThan(0);
    const settled = await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {}, { idempotencyKey: key });
    expect(new Set([...created, settled.json.challengeId]).size).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { activeCustomer, anotherWallet, api, as, expectProblem, newPhone, type Reply } from './client.ts';

// API.md v1.1 "Identity, devices and sessions, hardened → Limits against abuse", over HTTP only.

const sms = async (phone: string) =>
  (await api('GET', `/sandbox/sms?phoneNumber=${encodeURIComponent(phone)}`)).json.items as { otp?: string }[];

const register = (phoneNumber: string) => api('POST', '/v1/registrations', { body: { phoneNumber } });

function expectRateLimited(reply: Reply) {
  expectProblem(reply, 429, 'rate-limited');
  const header = Number(reply.headers.get('retry-after'));
  expect(Number.isInteger(header)).toBe(true);
  // When the first of the 3 leaves the 15-minute window: these tests send within seconds.
  expect(header).toBeGreaterThan(15 * 60 - 120);
  expect(header).toBeLessThanOrEqual(15 * 60);
  expect(reply.json.retryAfter).toBe(header);
}

describe('OTP messages per phone number: at most 3 in 15 minutes on POST /v1/registrations', () => {
  it('sends 3, then answers 429 rate-limited with Retry-After and sends nothing more', async () => {
    const phone = newPhone();
    for (let i = 0; i < 3; i++) expect((await register(phone)).status).toBe(201);
    for (let i = 0; i < 3; i++) expectRateLimited(await register(phone));
    // The same number in its other written form is the same number.
    expectRateLimited(await register(`+84${phone.slice(1)}`));
    expect(await sms(phone)).toHaveLength(3);
    // Another number is not affected.
    expect((await register(newPhone())).status).toBe(201);
  });

  it('lets exactly 3 of 25 simultaneous registrations for one number through', async () => {
    const phone = newPhone();
    const replies = await Promise.all(Array.from({ length: 25 }, () => register(phone)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(3).fill(201), ...Array(22).fill(429)]);
    for (const refused of replies.filter((r) => r.status === 429)) expectRateLimited(refused);
    expect(await sms(phone)).toHaveLength(3);
  });
});

describe('JSON nested deeper than 32 levels is 400 validation-failed', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const objects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

  it('refuses a 200,000-deep array (400 KB, under the gateway body limit) with 400, not 500', async () => {
    const body = nested(200_000);
    expect(body.length).toBeLessThan(1024 * 1024); // the local gateway's limit; API Gateway's is 10 MB
    const r = await api('POST', '/v1/registrations', { raw: body });
    expectProblem(r, 400, 'validation-failed');
    expect(r.json.detail).toMatch(/32 levels/);
  });

  it('judges depth before the schema: 33 levels is refused as too deep, 32 by the schema', async () => {
    const tooDeep = await api('POST', '/v1/registrations', { raw: objects(33) });
    expectProblem(tooDeep, 400, 'validation-failed');
    expect(tooDeep.json.errors).toEqual([{ name: 'body', reason: expect.stringMatching(/32 levels/) }]);
    const deepEnough = await api('POST', '/v1/registrations', { raw: objects(32) });
    expectProblem(deepEnough, 400, 'validation-failed');
    expect(deepEnough.json.detail).not.toMatch(/32 levels/);
  });

  it('refuses deep bodies on authenticated routes too, with nothing created', async () => {
    const c = await activeCustomer();
    const r = await as(c)('POST', '/v1/transfers', undefined, { raw: nested(200_000) });
    expectProblem(r, 400, 'validation-failed');
    const deepObject = await as(c)('POST', `/v1/wallets/${c.walletId}/links`, undefined, { raw: objects(40) });
    expectProblem(deepObject, 400, 'validation-failed');
  });
});

describe('a single transfer is at most 100,000,000,000 VND', () => {
  it('refuses a larger amount, or one near 2^53, with validation-failed; the maximum itself passes validation', async () => {
    const c = await activeCustomer();
    const own = await anotherWallet(c);
    const p2p = (amount: number) => ({ type: 'P2P', walletId: c.walletId, toWalletId: own.walletId, amount });
    for (const amount of [100_000_000_001, 2 ** 53 - 1, 2 ** 52]) {
      const r = await as(c)('POST', '/v1/transfers', p2p(amount));
      expectProblem(r, 400, 'validation-failed');
      expect(r.json.errors).toEqual([expect.objectContaining({ name: 'body.amount' })]);
    }
    const topUp = await as(c)('POST', '/v1/transfers', {
      type: 'TOPUP',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 100_000_000_001,
    });
    expectProblem(topUp, 400, 'validation-failed');
    // Exactly the maximum is a valid request: refused by the money rules, not by validation.
    const max = await as(c)('POST', '/v1/transfers', p2p(100_000_000_000));
    expect(max.status, JSON.stringify(max.json)).not.toBe(400);
    expect(max.json.code).not.toBe('validation-failed');
  });
});

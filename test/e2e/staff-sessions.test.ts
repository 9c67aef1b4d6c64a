import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api, expectProblem, register, staff } from './client.ts';

// Staff sign-in for the operations console (docs/security.md "Staff sign-in"): the wallet's own
// door, with the customers' lock-out, one answer for every failure, and every try audited.

async function staffUser(groups: string[]) {
  const password = `Ops!pass-${randomUUID().slice(0, 6)}A1`;
  const r = await api('POST', '/sandbox/operators', {
    body: { username: `console-${randomUUID().slice(0, 8)}@example.test`, password, groups },
  });
  expect(r.status).toBe(201);
  return { phoneNumber: r.json.phoneNumber as string, password };
}

const signIn = (phoneNumber: string, password: string) =>
  api('POST', '/v1/staff/sessions', { body: { phoneNumber, password } });

async function trail(subject: string) {
  const auditor = await staff(['compliance']);
  const r = await api('GET', `/v1/ops/audit?subject=${encodeURIComponent(subject)}&limit=100`, {
    token: auditor.token,
  });
  expect(r.status).toBe(200);
  return r.json.items as Array<{ action: string; actor: string; purpose: { reason?: string; reference?: string } }>;
}

describe('POST /v1/staff/sessions', () => {
  it('signs an operator in: tokens for the ops routes, its groups, refreshed, signed out; audited', async () => {
    const ops = await staffUser(['operators']);
    const r = await signIn(ops.phoneNumber, ops.password);
    expect(r.status).toBe(200);
    expect(r.json.groups).toEqual(['operators']);
    const cases = await api('GET', '/v1/ops/cases?status=OPEN', { token: r.json.accessToken });
    expect(cases.status).toBe(200);
    // The compliance routes stay closed to an operator.
    expectProblem(
      await api('GET', '/v1/ops/reports/large-value?date=2026-11-01', { token: r.json.accessToken }),
      403,
      'forbidden',
    );

    const refreshed = await api('POST', '/v1/staff/sessions/refresh', { body: { refreshToken: r.json.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await api('GET', '/v1/ops/cases?status=OPEN', { token: refreshed.json.accessToken })).status).toBe(200);

    const out = await api('POST', '/v1/staff/sessions/sign-out', { body: { refreshToken: r.json.refreshToken } });
    expect(out.json).toEqual({ ended: true });
    expectProblem(
      await api('POST', '/v1/staff/sessions/refresh', { body: { refreshToken: r.json.refreshToken } }),
      401,
      'session-expired',
    );

    const mine = await trail(`staff:${r.json.staffId}`);
    expect(mine.map((e) => e.action)).toContain('STAFF_SIGN_IN');
  });

  it('answers the same 401 for a wrong password, an unknown number and a customer; each refusal audited', async () => {
    const ops = await staffUser(['compliance']);
    const customer = await register();
    const wrong = await signIn(ops.phoneNumber, 'Wr0ng!pass');
    const unknown = await signIn(`+8498${String(randomInt(0, 10_000_000)).padStart(7, '0')}`, 'Wr0ng!pass');
    const notStaff = await signIn(customer.phone, customer.password);
    for (const r of [wrong, unknown, notStaff]) {
      expectProblem(r, 401, 'unauthenticated');
      expect(r.json.detail).toBe('The phone number or password is wrong.');
    }
    // A customer's refresh token opens no staff session.
    const session = await api('POST', '/v1/sessions', {
      body: { phoneNumber: customer.phone, password: customer.password, deviceId: customer.device },
    });
    expectProblem(
      await api('POST', '/v1/staff/sessions/refresh', { body: { refreshToken: session.json.refreshToken } }),
      401,
      'session-expired',
    );

    const entries = await trail('staff-sign-in');
    const refused = entries.filter((e) => e.action === 'STAFF_SIGN_IN_REFUSED');
    const masked = (phone: string) => `${phone.slice(0, 5)}****${phone.slice(-3)}`;
    const normalised = `+84${customer.phone.slice(1)}`;
    expect(refused).toContainEqual(
      expect.objectContaining({
        actor: 'anonymous',
        purpose: expect.objectContaining({ reason: 'not-staff', reference: masked(normalised) }),
      }),
    );
    expect(refused).toContainEqual(
      expect.objectContaining({
        purpose: expect.objectContaining({ reason: 'wrong-credentials', reference: masked(ops.phoneNumber) }),
      }),
    );
    // No phone number in the clear anywhere in the trail.
    expect(JSON.stringify(entries)).not.toContain(ops.phoneNumber);
  });

  it('20 parallel wrong passwords: at most 5 checked (401), the rest locked out (403), then the right one too', async () => {
    const ops = await staffUser(['operators']);
    const replies = await Promise.all(Array.from({ length: 20 }, () => signIn(ops.phoneNumber, 'Wr0ng!pass')));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThanOrEqual(15);
    expectProblem(await signIn(ops.phoneNumber, ops.password), 403, 'too-many-attempts');
  });
});

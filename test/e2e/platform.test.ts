import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api, as, expectProblem, newPhone, otpFor, register, startRegistration, strongPassword } from './client.ts';

describe('health', () => {
  it('answers ok without authentication', async () => {
    const r = await api('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
  });

  it('answers unknown routes with a not-found problem', async () => {
    expectProblem(await api('GET', '/v1/nothing-here'), 404, 'not-found');
  });
});

describe('registration, sign-in and GET /v1/me', () => {
  it('walks a new customer from phone to profile', async () => {
    const phone = newPhone();
    const reg = await api('POST', '/v1/registrations', { body: { phoneNumber: phone } });
    expect(reg.status).toBe(201);
    expect(Date.parse(reg.json.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);

    const sms = await api('GET', `/sandbox/sms?phoneNumber=${phone}&reference=${reg.json.registrationId}`);
    const message = sms.json.items[0];
    expect(message.otp).toMatch(/^\d{6}$/);
    expect(message.text).toContain(message.otp);
    expect(message.text).not.toMatch(/https?:|www\./); // RULES.md §3: no link in an OTP message

    const password = strongPassword();
    const device = randomUUID();
    const confirmed = await api('POST', `/v1/registrations/${reg.json.registrationId}/confirm`, {
      body: { otp: message.otp, password, deviceId: device },
    });
    expect(confirmed.status).toBe(201);
    const { customerId } = confirmed.json;

    const session = await api('POST', '/v1/sessions', { body: { phoneNumber: phone, password, deviceId: device } });
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({ deviceTrusted: false, expiresIn: expect.any(Number) });
    for (const token of ['accessToken', 'idToken', 'refreshToken']) expect(typeof session.json[token]).toBe('string');

    const me = await api('GET', '/v1/me', { token: session.json.accessToken, device });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      customerId,
      phoneNumber: `+84${phone.slice(1)}`,
      status: 'REGISTERED',
      kind: 'INDIVIDUAL',
      limits: { monthlyCap: 100_000_000, monthlyUsed: 0, month: expect.stringMatching(/^\d{4}-\d{2}$/) },
    });
  });

  it('accepts the +84 form and signs in with the 0 form', async () => {
    const national = newPhone();
    const { registrationId } = await startRegistration(`+84${national.slice(1)}`);
    const otp = await otpFor(`+84${national.slice(1)}`, registrationId);
    const password = strongPassword();
    await api('POST', `/v1/registrations/${registrationId}/confirm`, { body: { otp, password, deviceId: 'd1' } });
    const session = await api('POST', '/v1/sessions', { body: { phoneNumber: national, password, deviceId: 'd1' } });
    expect(session.status).toBe(200);
  });

  it('refuses a phone that already belongs to a customer, at registration and at confirmation', async () => {
    const c = await register();
    expectProblem(
      await api('POST', '/v1/registrations', { body: { phoneNumber: c.phone } }),
      409,
      'phone-already-registered',
    );

    const phone = newPhone();
    const first = await startRegistration(phone);
    const second = await startRegistration(phone);
    const password = strongPassword();
    const ok = await api('POST', `/v1/registrations/${first.registrationId}/confirm`, {
      body: { otp: await otpFor(phone, first.registrationId), password, deviceId: 'd' },
    });
    expect(ok.status).toBe(201);
    const late = await api('POST', `/v1/registrations/${second.registrationId}/confirm`, {
      body: { otp: await otpFor(phone, second.registrationId), password, deviceId: 'd' },
    });
    expectProblem(late, 409, 'phone-already-registered');
  });

  it('reports a sign-in from an untrusted device by SMS (RULES.md §4)', async () => {
    const c = await register();
    await api('POST', '/v1/sessions', {
      body: { phoneNumber: c.phone, password: c.password, deviceId: 'another-phone' },
    });
    const sms = await api('GET', `/sandbox/sms?phoneNumber=${c.phone}`);
    expect(sms.json.items.some((m: { text: string }) => /thiet bi moi/.test(m.text))).toBe(true);
  });
});

describe('one-time passwords at registration (RULES.md §3)', () => {
  it('answers a wrong OTP with otp-invalid and still accepts the right one', async () => {
    const { phone, registrationId } = await startRegistration();
    const otp = await otpFor(phone, registrationId);
    const wrong = otp === '000000' ? '111111' : '000000';
    const body = { otp: wrong, password: strongPassword(), deviceId: 'd' };
    const r = await api('POST', `/v1/registrations/${registrationId}/confirm`, { body });
    expectProblem(r, 400, 'otp-invalid');
    expect(r.json.attemptsLeft).toBe(4);
    const ok = await api('POST', `/v1/registrations/${registrationId}/confirm`, { body: { ...body, otp } });
    expect(ok.status).toBe(201);
  });

  it('locks the code after five wrong tries: the sixth fails even with the right code', async () => {
    const { phone, registrationId } = await startRegistration();
    const otp = await otpFor(phone, registrationId);
    const wrong = otp === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
        body: { otp: wrong, password: strongPassword(), deviceId: 'd' },
      });
      expectProblem(r, 400, 'otp-invalid');
    }
    const sixth = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
      body: { otp, password: strongPassword(), deviceId: 'd' },
    });
    expectProblem(sixth, 403, 'too-many-attempts');
  });

  it('counts parallel guesses: 20 at once use at most five attempts', async () => {
    const { phone, registrationId } = await startRegistration();
    const otp = await otpFor(phone, registrationId);
    const guesses = Array.from({ length: 20 }, (_, i) => String((Number(otp) + 1 + i) % 1_000_000).padStart(6, '0'));
    const replies = await Promise.all(
      guesses.map((g) =>
        api('POST', `/v1/registrations/${registrationId}/confirm`, {
          body: { otp: g, password: strongPassword(), deviceId: 'd' },
        }),
      ),
    );
    expect(replies.filter((r) => r.json.code === 'otp-invalid')).toHaveLength(5);
    expect(replies.filter((r) => r.json.code === 'too-many-attempts')).toHaveLength(15);
  });

  it('answers an unknown registration with not-found', async () => {
    const r = await api('POST', '/v1/registrations/01JDX3Q9ZK8M4V6T2R5B7N0C1E/confirm', {
      body: { otp: '123456', password: strongPassword(), deviceId: 'd' },
    });
    expectProblem(r, 404, 'not-found');
  });
});

describe('bad input is a validation-failed problem, never a 5xx', () => {
  const cases: [string, string | undefined, unknown][] = [
    ['broken JSON', '{"phoneNumber": ', undefined],
    ['unknown field', undefined, { phoneNumber: newPhone(), admin: true }],
    ['wrong type', undefined, { phoneNumber: 912345678 }],
    ['not a Vietnamese mobile', undefined, { phoneNumber: '12345' }],
    ['array body', undefined, [newPhone()]],
    ['null body', 'null', undefined],
    ['missing field', undefined, {}],
  ];
  it.each(cases)('%s', async (_name, raw, body) => {
    const r = await api('POST', '/v1/registrations', raw === undefined ? { body } : { raw });
    expectProblem(r, 400, 'validation-failed');
  });

  it('names the offending fields', async () => {
    const r = await api('POST', '/v1/registrations', { body: { phoneNumber: newPhone(), admin: true } });
    expect(r.json.errors).toEqual([expect.objectContaining({ name: 'body.admin' })]);
  });

  it('refuses a weak password before using an OTP attempt', async () => {
    const { phone, registrationId } = await startRegistration();
    const otp = await otpFor(phone, registrationId);
    const weak = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
      body: { otp, password: 'short', deviceId: 'd' },
    });
    expectProblem(weak, 400, 'validation-failed');
    const ok = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
      body: { otp, password: strongPassword(), deviceId: 'd' },
    });
    expect(ok.status).toBe(201);
  });
});

describe('authentication', () => {
  it('refuses a missing token', async () => {
    expectProblem(await api('GET', '/v1/me', { device: 'd' }), 401, 'unauthenticated');
  });

  it('refuses a tampered token', async () => {
    const c = await register();
    const [header, payload, signature] = c.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url');
    expectProblem(
      await api('GET', '/v1/me', { token: `${header}.${forged}.${signature}`, device: c.device }),
      401,
      'unauthenticated',
    );
    const flipped = signature!.slice(0, -4) + (signature!.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expectProblem(
      await api('GET', '/v1/me', { token: `${header}.${payload}.${flipped}`, device: c.device }),
      401,
      'unauthenticated',
    );
  });

  it('refuses an ID token where an access token is due', async () => {
    const c = await register();
    const s = await api('POST', '/v1/sessions', {
      body: { phoneNumber: c.phone, password: c.password, deviceId: c.device },
    });
    expectProblem(await api('GET', '/v1/me', { token: s.json.idToken, device: c.device }), 401, 'unauthenticated');
  });

  it('requires X-Device-Id on authenticated calls', async () => {
    const c = await register();
    const r = await api('GET', '/v1/me', { token: c.token });
    expectProblem(r, 400, 'validation-failed');
    expect(r.json.errors[0].name).toBe('X-Device-Id');
    expect((await as(c)('GET', '/v1/me')).status).toBe(200);
  });

  it('answers a wrong password with unauthenticated, and locks sign-in after five', async () => {
    const c = await register();
    const attempt = (password: string) =>
      api('POST', '/v1/sessions', { body: { phoneNumber: c.phone, password, deviceId: c.device } });
    for (let i = 0; i < 5; i++) expectProblem(await attempt('Wr0ng!password'), 401, 'unauthenticated');
    const locked = await attempt(c.password);
    expectProblem(locked, 403, 'too-many-attempts');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('does not tell an unknown phone from a wrong password', async () => {
    const r = await api('POST', '/v1/sessions', {
      body: { phoneNumber: newPhone(), password: strongPassword(), deviceId: 'd' },
    });
    expectProblem(r, 401, 'unauthenticated');
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  api,
  as,
  assertion,
  expectProblem,
  newPhone,
  otpFor,
  staff,
  startRegistration,
  strongPassword,
  type VerifiedCustomer,
  verifiedCustomer,
} from './client.ts';

// Changing the phone number (RULES.md §5; Circular 77/2025 amending Circular 50, in force
// 2026-03-01; API.md v1.1 "Changing the phone number"): an OTP to the NEW number and a biometric
// match bound to the challenge; afterwards sign-in uses the new number, the old one is free, every
// session ended, the old number told by SMS, the change audited. Through HTTP only.

const e164 = (phone: string) => `+84${phone.slice(1)}`;
const signIn = (phone: string, password: string, deviceId: string) =>
  api('POST', '/v1/sessions', { body: { phoneNumber: phone, password, deviceId } });

async function start(c: VerifiedCustomer, newPhoneNumber: string) {
  return as(c)('POST', '/v1/me/phone-changes', { newPhoneNumber });
}

/** The factors as the app brings them: the OTP the new number received, a face matched for this challenge. */
async function factors(c: VerifiedCustomer, to: string, challengeId: string) {
  return {
    otp: await otpFor(to, challengeId),
    biometricAssertion: await assertion(c.identity, { nonce: challengeId }),
  };
}

const authorize = (c: VerifiedCustomer, changeId: string, body: Record<string, string>) =>
  as(c)('POST', `/v1/me/phone-changes/${changeId}/authorize`, body);

describe('changing the phone number', () => {
  it('moves sign-in to the new number: the old one stops working, sessions end, the old number is told', async () => {
    const c = await verifiedCustomer();
    const session = await signIn(c.phone, c.password, c.device);
    expect(session.status).toBe(200);
    const to = newPhone();

    const started = await start(c, to);
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    expect(started.json.authentication.methods).toEqual(['OTP', 'BIOMETRIC']);
    const { challengeId } = started.json.authentication;
    // The OTP went to the new number, not the old one.
    const old = await api('GET', `/sandbox/sms?phoneNumber=${c.phone}&reference=${challengeId}`);
    expect(old.json.items).toEqual([]);

    const done = await authorize(c, started.json.changeId, await factors(c, to, challengeId));
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(done.json).toEqual({ phoneNumber: e164(to) });

    expectProblem(await signIn(c.phone, c.password, c.device), 401, 'unauthenticated');
    const again = await signIn(to, c.password, c.device);
    expect(again.status).toBe(200);
    const me = await api('GET', '/v1/me', { token: again.json.accessToken, device: c.device });
    expect(me.json).toMatchObject({ customerId: c.customerId, phoneNumber: e164(to) });

    // Every session from before the change is over.
    const refreshed = await api('POST', '/v1/sessions/refresh', {
      body: { refreshToken: session.json.refreshToken },
      device: c.device,
    });
    expectProblem(refreshed, 401, 'session-expired');

    // The old number heard of it, without a link and without the new number in full.
    const told = await api('GET', `/sandbox/sms?phoneNumber=${c.phone}`);
    const notice = told.json.items.find((m: { text: string }) => /doi sang/.test(m.text));
    expect(notice?.text).toContain(e164(to).slice(-4));
    expect(notice?.text).not.toContain(e164(to));
    expect(notice?.text).not.toMatch(/https?:/);

    // Audited under the customer.
    const compliance = await staff(['compliance']);
    const trail = await api('GET', `/v1/ops/audit?subject=${c.customerId}`, { token: compliance.token });
    expect(trail.json.items.map((e: { action: string }) => e.action)).toContain('PHONE_CHANGE');
  });

  it('frees the old number: someone else can register it', async () => {
    const c = await verifiedCustomer();
    const to = newPhone();
    const started = await start(c, to);
    const { challengeId } = started.json.authentication;
    expect((await authorize(c, started.json.changeId, await factors(c, to, challengeId))).status).toBe(200);

    const { registrationId } = await startRegistration(c.phone);
    const password = strongPassword();
    const device = randomUUID();
    const confirmed = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
      body: { otp: await otpFor(c.phone, registrationId), password, deviceId: device },
    });
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(201);
    expect(confirmed.json.customerId).not.toBe(c.customerId);
    // Each number signs in its own customer, each with its own password.
    const newcomer = await signIn(c.phone, password, device);
    expect(newcomer.status).toBe(200);
    const mine = await api('GET', '/v1/me', { token: newcomer.json.accessToken, device });
    expect(mine.json.customerId).toBe(confirmed.json.customerId);
    expectProblem(await signIn(c.phone, c.password, c.device), 401, 'unauthenticated');
    expect((await signIn(to, c.password, c.device)).status).toBe(200);
  });

  it('refuses a number that belongs to another customer with 409, in any written form', async () => {
    const [c, other] = await Promise.all([verifiedCustomer(), verifiedCustomer()]);
    expectProblem(await start(c, other.phone), 409, 'phone-already-registered');
    expectProblem(await start(c, e164(other.phone).replace('+84', '+84 ')), 409, 'phone-already-registered');
    // Its own number is not a change.
    expectProblem(await start(c, c.phone), 400, 'validation-failed');
  });

  it('refuses a wrong biometric and a wrong OTP, and the challenge stays usable until it expires', async () => {
    const c = await verifiedCustomer();
    const to = newPhone();
    const started = await start(c, to);
    const { challengeId } = started.json.authentication;
    const right = await factors(c, to, challengeId);

    // A face matched for another challenge, and a face that did not match.
    const otherNonce = await assertion(c.identity, { nonce: 'another-challenge' });
    expectProblem(
      await authorize(c, started.json.changeId, { ...right, biometricAssertion: otherNonce }),
      422,
      'biometric-mismatch',
    );
    const noMatch = await assertion(c.identity, { nonce: challengeId, faceMatch: false });
    expectProblem(
      await authorize(c, started.json.changeId, { ...right, biometricAssertion: noMatch }),
      422,
      'biometric-mismatch',
    );
    const wrongOtp = String((Number(right.otp) + 1) % 1_000_000).padStart(6, '0');
    const refused = await authorize(c, started.json.changeId, { ...right, otp: wrongOtp });
    expectProblem(refused, 400, 'otp-invalid');
    expect(refused.json.attemptsLeft).toBe(4); // the SMS code factor: 1 wrong entry of 5

    // The number did not move meanwhile; the right factors still do it.
    expect((await signIn(c.phone, c.password, c.device)).status).toBe(200);
    const done = await authorize(c, started.json.changeId, right);
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    // Repeated after success: the same answer.
    expect((await authorize(c, started.json.changeId, right)).json).toEqual({ phoneNumber: e164(to) });
  });

  it('a challenge has no tries of its own: after 6 faces that did not match, the right factors still change the number', async () => {
    const c = await verifiedCustomer();
    const to = newPhone();
    const started = await start(c, to);
    const { challengeId } = started.json.authentication;
    const right = await factors(c, to, challengeId);
    for (let i = 0; i < 6; i++) {
      const noMatch = await assertion(c.identity, { nonce: challengeId, faceMatch: false });
      expectProblem(
        await authorize(c, started.json.changeId, { ...right, biometricAssertion: noMatch }),
        422,
        'biometric-mismatch',
      );
    }
    const done = await authorize(c, started.json.changeId, right);
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(done.json).toEqual({ phoneNumber: e164(to) });
  });

  it('two customers moving to one number at once: exactly one gets it, the other 409', async () => {
    const [a, b] = await Promise.all([verifiedCustomer(), verifiedCustomer()]);
    const to = newPhone();
    const [sa, sb] = await Promise.all([start(a, to), start(b, to)]);
    expect([sa.status, sb.status]).toEqual([201, 201]);
    const [fa, fb] = await Promise.all([
      factors(a, to, sa.json.authentication.challengeId),
      factors(b, to, sb.json.authentication.challengeId),
    ]);
    const replies = await Promise.all([authorize(a, sa.json.changeId, fa), authorize(b, sb.json.changeId, fb)]);
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expectProblem(replies.find((r) => r.status === 409)!, 409, 'phone-already-registered');
    const winner = replies[0]!.status === 200 ? a : b;
    const loser = winner === a ? b : a;
    expect((await signIn(to, winner.password, winner.device)).status).toBe(200);
    expectProblem(await signIn(to, loser.password, loser.device), 401, 'unauthenticated');
    expect((await signIn(loser.phone, loser.password, loser.device)).status).toBe(200);
  });

  it('needs a verified identity: the biometric match compares against the first KYC', async () => {
    const { phone, registrationId } = await startRegistration();
    const password = strongPassword();
    const device = randomUUID();
    await api('POST', `/v1/registrations/${registrationId}/confirm`, {
      body: { otp: await otpFor(phone, registrationId), password, deviceId: device },
    });
    const token = (await signIn(phone, password, device)).json.accessToken;
    const r = await api('POST', '/v1/me/phone-changes', {
      body: { newPhoneNumber: newPhone() },
      token,
      device,
      idempotencyKey: randomUUID(),
    });
    expectProblem(r, 403, 'kyc-required');
  });
});

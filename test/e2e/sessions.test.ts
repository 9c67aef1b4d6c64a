import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeProcess } from '../support/runtime-process.ts';
import { api, as, expectProblem, fundedCustomer, otpFor, register, sleep, useApi } from './client.ts';

// API.md v1.1 "Lock-outs hold under concurrency" and "Sessions end when idle", tried as an
// attacker would: many wrong passwords at once, wrong SMS codes spread over many transfers, a
// session kept alive after it went idle or after its owner locked the wallet.

const M = 1_000_000;
const signIn = (phone: string, password: string, deviceId: string) =>
  api('POST', '/v1/sessions', { body: { phoneNumber: phone, password, deviceId } });

describe('password lock-out under concurrency', () => {
  it('30 parallel wrong passwords: at most 5 are checked (401), the rest meet the lock-out (403)', async () => {
    const c = await register();
    const replies = await Promise.all(Array.from({ length: 30 }, () => signIn(c.phone, 'Wr0ng!pass', c.device)));
    const checked = replies.filter((r) => r.status === 401);
    const locked = replies.filter((r) => r.status === 403);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(checked.length + locked.length).toBe(30);
    for (const r of locked) expectProblem(r, 403, 'too-many-attempts');
    expect(Number(locked[0]?.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password is locked out too, for the lock-out's 15 minutes.
    expectProblem(await signIn(c.phone, c.password, c.device), 403, 'too-many-attempts');
  });

  it('the right password among 20 parallel wrong ones gets no tokens past the fifth try', async () => {
    const c = await register();
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signIn(c.phone, i === 12 ? c.password : 'Wr0ng!pass', c.device)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    expect(statuses.filter((s) => s !== 403).length).toBeLessThanOrEqual(5);
  });

  it('a right password resets the count: four wrong, one right, four wrong again are all checked', async () => {
    const c = await register();
    for (let i = 0; i < 4; i++) expectProblem(await signIn(c.phone, 'Wr0ng!pass', c.device), 401, 'unauthenticated');
    expect((await signIn(c.phone, c.password, c.device)).status).toBe(200);
    for (let i = 0; i < 4; i++) expectProblem(await signIn(c.phone, 'Wr0ng!pass', c.device), 401, 'unauthenticated');
  });
});

describe('the SMS OTP factor locks across challenges', () => {
  it('5 wrong codes spread over transfers lock the factor: the 6th transfer is refused, even with its right code', async () => {
    const [payer, payee] = await Promise.all([fundedCustomer(10 * M), fundedCustomer()]);
    const p2p = { type: 'P2P', walletId: payer.walletId, toWalletId: payee.walletId, amount: 100_000 };
    for (let n = 0; n < 5; n++) {
      const t = await as(payer)('POST', '/v1/transfers', p2p);
      expect(t.json.authentication?.methods).toEqual(['OTP']);
      const wrong = (Number(await otpFor(payer.phone, t.json.authentication.challengeId)) + 1) % 1_000_000;
      const r = await as(payer)('POST', `/v1/transfers/${t.json.transferId}/authorize`, {
        otp: String(wrong).padStart(6, '0'),
      });
      expectProblem(r, 400, 'otp-invalid');
    }
    const sixth = await as(payer)('POST', '/v1/transfers', p2p);
    const otp = await otpFor(payer.phone, sixth.json.authentication.challengeId);
    const refused = await as(payer)('POST', `/v1/transfers/${sixth.json.transferId}/authorize`, { otp });
    expectProblem(refused, 403, 'too-many-attempts');
    expect((await as(payee)('GET', `/v1/wallets/${payee.walletId}`)).json.balance).toBe(0);
  });

  it('12 wrong codes sent at once: at most 5 are judged (otp-invalid), the rest and the right code after them are too-many-attempts', async () => {
    const [payer, payee] = await Promise.all([fundedCustomer(10 * M), fundedCustomer()]);
    const p2p = { type: 'P2P', walletId: payer.walletId, toWalletId: payee.walletId, amount: 100_000 };
    const transfers = [];
    for (let n = 0; n < 13; n++) transfers.push((await as(payer)('POST', '/v1/transfers', p2p)).json);
    const [last, ...attacked] = transfers;
    const wrongFor = async (t: { authentication: { challengeId: string } }) =>
      String((Number(await otpFor(payer.phone, t.authentication.challengeId)) + 1) % 1_000_000).padStart(6, '0');
    const wrongs = await Promise.all(attacked.map(wrongFor));
    const answers = await Promise.all(
      attacked.map((t, i) => as(payer)('POST', `/v1/transfers/${t.transferId}/authorize`, { otp: wrongs[i] })),
    );
    const judged = answers.filter((r) => r.json?.code === 'otp-invalid').length;
    const refused = answers.filter((r) => r.status === 403 && r.json?.code === 'too-many-attempts').length;
    expect(judged + refused, JSON.stringify(answers.map((r) => r.json?.code))).toBe(12);
    expect(judged).toBeLessThanOrEqual(5);
    const otp = await otpFor(payer.phone, last.authentication.challengeId);
    expectProblem(
      await as(payer)('POST', `/v1/transfers/${last.transferId}/authorize`, { otp }),
      403,
      'too-many-attempts',
    );
    expect((await as(payee)('GET', `/v1/wallets/${payee.walletId}`)).json.balance).toBe(0);
  });
});

// API.md v1.1: "Sign-in is possible only through POST /v1/sessions: the identity provider's own
// endpoints do not hand out tokens to a client that skips the wallet's checks." Tried at the
// identity provider named by the token's issuer, with the app client the token names.
describe("tokens from the identity provider's own endpoints", () => {
  const cognitoOf = (accessToken: string) => {
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString());
    const endpoint = new URL(claims.iss).origin;
    return async (authFlow: string, parameters: Record<string, string>): Promise<string | undefined> => {
      const res = await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
        },
        body: JSON.stringify({ AuthFlow: authFlow, ClientId: claims.client_id, AuthParameters: parameters }),
      });
      const json = (await res.json().catch(() => undefined)) as { AuthenticationResult?: { AccessToken?: string } };
      return json?.AuthenticationResult?.AccessToken;
    };
  };

  it('an access token refreshed at the provider (skipping the idle limit) is refused: 401, no money moves', async () => {
    const c = await fundedCustomer(2 * M);
    const session = (await signIn(c.phone, c.password, c.device)).json;
    const token = await cognitoOf(session.accessToken)('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: session.refreshToken });
    // cognito-local hands it out (it enforces no client's auth flows): the API is what refuses it.
    expect(token).toBeDefined();
    expectProblem(await api('GET', '/v1/me', { token, device: c.device }), 401, 'unauthenticated');
    const body = { type: 'WITHDRAWAL', walletId: c.walletId, linkId: c.linkId, amount: 100_000 };
    expectProblem(
      await api('POST', '/v1/transfers', { token, device: c.device, body, idempotencyKey: randomUUID() }),
      401,
      'unauthenticated',
    );
    // The wallet's own tokens still work.
    expect((await api('GET', '/v1/me', { token: session.accessToken, device: c.device })).status).toBe(200);
  });

  it("a password sign-in at the provider (skipping the wallet's lock-out) gets no token the API accepts", async () => {
    const c = await register();
    const e164 = `+84${c.phone.slice(1)}`;
    const token = await cognitoOf(c.token)('USER_PASSWORD_AUTH', { USERNAME: e164, PASSWORD: c.password });
    expect(token).toBeDefined();
    expectProblem(await api('GET', '/v1/me', { token, device: c.device }), 401, 'unauthenticated');
  });
});

describe('sessions', () => {
  it('access tokens live 5 minutes; a refresh gives a working access token', async () => {
    const c = await register();
    const session = await signIn(c.phone, c.password, c.device);
    const claims = JSON.parse(Buffer.from(session.json.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(300);
    const refreshed = await api('POST', '/v1/sessions/refresh', {
      body: { refreshToken: session.json.refreshToken },
      device: c.device,
    });
    expect(refreshed.status, JSON.stringify(refreshed.json)).toBe(200);
    expect((await api('GET', '/v1/me', { token: refreshed.json.accessToken, device: c.device })).status).toBe(200);
  });

  it('a refresh from another device, without X-Device-Id, or with an unknown token is refused', async () => {
    const c = await register();
    const { refreshToken } = (await signIn(c.phone, c.password, c.device)).json;
    expectProblem(
      await api('POST', '/v1/sessions/refresh', { body: { refreshToken }, device: randomUUID() }),
      401,
      'unauthenticated',
    );
    expectProblem(await api('POST', '/v1/sessions/refresh', { body: { refreshToken } }), 400, 'validation-failed');
    expectProblem(
      await api('POST', '/v1/sessions/refresh', { body: { refreshToken: 'x'.repeat(40) }, device: c.device }),
      401,
      'session-expired',
    );
  });

  it('locking the wallet ends the sessions: a refresh after it is session-expired', async () => {
    const c = await fundedCustomer();
    const { refreshToken } = (await signIn(c.phone, c.password, c.device)).json;
    expect((await as(c)('POST', `/v1/wallets/${c.walletId}/lock`, {})).status).toBe(200);
    expectProblem(
      await api('POST', '/v1/sessions/refresh', { body: { refreshToken }, device: c.device }),
      401,
      'session-expired',
    );
  });
});

// The idle limit is stage configuration (SESSION_IDLE_SECONDS locally): a runtime of its own
// with a short one shows a session ending when idle, without waiting 5 minutes.
describe('a session idle longer than the limit', () => {
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const runtime = await startRuntimeProcess('e2e-runtime-idle', { SESSION_IDLE_SECONDS: '2' });
    stop = runtime.stop;
    useApi(runtime.url);
  }, 120_000);
  afterAll(async () => {
    useApi(undefined);
    await stop?.();
  });

  it('is refused at refresh with session-expired, and stays ended', async () => {
    const c = await register();
    const { refreshToken } = (await signIn(c.phone, c.password, c.device)).json;
    const fresh = await api('POST', '/v1/sessions/refresh', { body: { refreshToken }, device: c.device });
    expect(fresh.status).toBe(200);
    await sleep(3_500);
    const idle = await api('POST', '/v1/sessions/refresh', { body: { refreshToken }, device: c.device });
    expectProblem(idle, 401, 'session-expired');
    expectProblem(
      await api('POST', '/v1/sessions/refresh', { body: { refreshToken }, device: c.device }),
      401,
      'session-expired',
    );
  });
});

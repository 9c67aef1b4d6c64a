import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { sandboxEkycIssuer, sandboxEkycPrivateJwk } from '../../functions/core/adapters/ekyc/sandbox-provider-key.ts';
import { businessDay } from '../../functions/core/domain/calendar.ts';
import {
  api,
  as,
  assertion,
  expectProblem,
  identity,
  kyc,
  openWallet,
  register,
  signInOn,
  verifiedCustomer,
} from './client.ts';

const today = () => businessDay(new Date());
const yearsAgo = (years: number, days = 0) => {
  const d = new Date(`${today()}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

async function signWith(claims: object, { key = sandboxEkycPrivateJwk, iat = Math.floor(Date.now() / 1000) } = {}) {
  return new SignJWT({ faceMatch: true, liveness: true, source: 'CCCD_CHIP', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid! })
    .setIssuer(sandboxEkycIssuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(await importJWK(key, 'ES256'));
}

describe('individual eKYC (RULES.md §5)', () => {
  it('verifies the customer, trusts the device and returns its soft-OTP secret once', async () => {
    const c = await register();
    const r = await kyc(c);
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('VERIFIED');
    expect(r.json.softOtp).toEqual({
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      suite: 'OCRA-1:HOTP-SHA1-6:QA64',
    });
    expect((await as(c)('GET', '/v1/me')).json.status).toBe('VERIFIED');
    expect((await signInOn(c, c.device)).deviceTrusted).toBe(true);
  });

  it('compares names without diacritics and case', async () => {
    const c = await register();
    const id = identity({ fullName: 'NGUYEN VAN AN' });
    const r = await kyc(c, id, await assertion({ ...id, fullName: 'Nguyễn  Văn An' }));
    expect(r.json.status).toBe('VERIFIED');
  });

  it('rejects a customer under 15 with guardian-required, and accepts one who is 15 today', async () => {
    const young = await kyc(await register(), identity({ dateOfBirth: yearsAgo(15, 1) }));
    expect(young.json).toMatchObject({ status: 'REJECTED', reasons: ['guardian-required'] });
    const fifteen = await kyc(await register(), identity({ dateOfBirth: yearsAgo(15) }));
    expect(fifteen.json.status).toBe('VERIFIED');
  });

  it('rejects an expired ID and accepts one that expires today', async () => {
    const expired = await kyc(await register(), identity({ idExpiryDate: yearsAgo(0, -1) }));
    expect(expired.json).toMatchObject({ status: 'REJECTED', reasons: ['id-expired'] });
    const lastDay = await kyc(await register(), identity({ idExpiryDate: today() }));
    expect(lastDay.json.status).toBe('VERIFIED');
  });

  it.each(['07912345678', '0791234567890', '07912345678a', '000123456789'])(
    'refuses the CCCD number %s',
    async (idNumber) => {
      expectProblem(await kyc(await register(), identity({ idNumber }), 'x'.repeat(40)), 400, 'validation-failed');
    },
  );

  it('refuses a failed face match or liveness with biometric-mismatch', async () => {
    const id = identity();
    expectProblem(
      await kyc(await register(), id, await assertion(id, { faceMatch: false })),
      422,
      'biometric-mismatch',
    );
    expectProblem(await kyc(await register(), id, await assertion(id, { liveness: false })), 422, 'biometric-mismatch');
  });

  it('refuses an assertion for a different person', async () => {
    const id = identity();
    const other = identity();
    expectProblem(await kyc(await register(), id, await assertion(other)), 422, 'biometric-mismatch');
    const otherName = await assertion({ ...id, fullName: 'Trần Thị Bình' });
    expectProblem(await kyc(await register(), id, otherName), 422, 'biometric-mismatch');
  });

  it('refuses a forged assertion (signed with another key) and an old one', async () => {
    const id = identity();
    const { privateKey } = await import('node:crypto').then((c) =>
      c.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    );
    const forgedKey = { ...privateKey.export({ format: 'jwk' }), kid: sandboxEkycPrivateJwk.kid, alg: 'ES256' };
    expectProblem(await kyc(await register(), id, await signWith(id, { key: forgedKey })), 422, 'biometric-mismatch');
    const old = await signWith(id, { iat: Math.floor(Date.now() / 1000) - 301 });
    expectProblem(await kyc(await register(), id, old), 422, 'biometric-mismatch');
    expect((await kyc(await register(), id, await signWith(id))).json.status).toBe('VERIFIED');
  });

  it('lets exactly one of two customers submitting the same ID number at once win', async () => {
    const id = identity();
    const [a, b] = await Promise.all([register(), register()]);
    const replies = await Promise.all([kyc(a, id), kyc(b, id)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expectProblem(replies.find((r) => r.status === 409)!, 409, 'duplicate-identity');
    expect(replies.find((r) => r.status === 200)!.json.status).toBe('VERIFIED');
  });

  it('never answers with the full ID number', async () => {
    const c = await register();
    const id = identity();
    const r = await kyc(c, id);
    const me = await as(c)('GET', '/v1/me');
    expect(JSON.stringify([r.json, me.json])).not.toContain(id.idNumber);
  });
});

describe('organisation eKYC', () => {
  const organization = (_rep = identity(), extra: Record<string, unknown> = {}) => ({
    kind: 'ORGANIZATION',
    legalName: 'Công ty TNHH Cà Phê Sáng',
    shortName: 'CA PHE SANG',
    enterpriseCode: `03${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    headOfficeAddress: '1 Lê Lợi, Quận 1, TP.HCM',
    tradingAddress: '1 Lê Lợi, Quận 1, TP.HCM',
    phoneNumber: '02838123456',
    ...extra,
  });

  it('verifies a merchant organisation through its legal representative', async () => {
    const c = await register();
    const rep = identity();
    const body = {
      ...organization(),
      legalRepresentative: { ...rep, ekycAssertion: await assertion(rep) },
      merchant: { displayName: 'Cà Phê Sáng', mcc: '5814' },
    };
    const r = await as(c)('POST', '/v1/me/kyc', body);
    expect(r.json.status).toBe('VERIFIED');
    const me = await as(c)('GET', '/v1/me');
    expect(me.json).toMatchObject({ status: 'VERIFIED', kind: 'ORGANIZATION' });
    const w = await openWallet(c);
    expect(w.status).toBe('PENDING_LINK');
  });

  it('refuses a second customer with the same enterprise code', async () => {
    const org = organization();
    const rep = identity();
    const first = await as(await register())('POST', '/v1/me/kyc', {
      ...org,
      legalRepresentative: { ...rep, ekycAssertion: await assertion(rep) },
    });
    expect(first.json.status).toBe('VERIFIED');
    const second = await as(await register())('POST', '/v1/me/kyc', {
      ...org,
      legalRepresentative: { ...rep, ekycAssertion: await assertion(rep) },
    });
    expectProblem(second, 409, 'duplicate-identity');
  });

  it('refuses a representative whose assertion is for someone else', async () => {
    const rep = identity();
    const r = await as(await register())('POST', '/v1/me/kyc', {
      ...organization(),
      legalRepresentative: { ...rep, ekycAssertion: await assertion(identity()) },
    });
    expectProblem(r, 422, 'biometric-mismatch');
  });
});

describe('wallets', () => {
  it('need KYC, start PENDING_LINK with 0 VND, and are private to their owner', async () => {
    const c = await register();
    expectProblem(await as(c)('POST', '/v1/wallets', {}), 403, 'kyc-required');
    await kyc(c);
    const w = await openWallet(c);
    expect(w).toEqual({ walletId: expect.any(String), status: 'PENDING_LINK', balance: 0, currency: 'VND' });
    const second = await openWallet(c);
    const list = await as(c)('GET', '/v1/wallets');
    expect(list.json.items.map((i: { walletId: string }) => i.walletId).sort()).toEqual(
      [w.walletId, second.walletId].sort(),
    );
    expect((await as(c)('GET', `/v1/wallets/${w.walletId}`)).json).toEqual(w);

    const other = await verifiedCustomer();
    expectProblem(await as(other)('GET', `/v1/wallets/${w.walletId}`), 404, 'not-found');
    expect((await as(other)('GET', '/v1/wallets')).json.items).toEqual([]);
  });

  it('are listed a page at a time (API.md "Pagination"): limit, an opaque cursor, none on the last page', async () => {
    const c = await verifiedCustomer();
    const opened = [await openWallet(c), await openWallet(c), await openWallet(c)].map((w) => w.walletId);
    const first = await as(c)('GET', '/v1/wallets?limit=2');
    expect(first.json.items).toHaveLength(2);
    expect(typeof first.json.nextCursor).toBe('string');
    const rest = await as(c)('GET', `/v1/wallets?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(rest.json).not.toHaveProperty('nextCursor');
    const seen = [...first.json.items, ...rest.json.items].map((w: { walletId: string }) => w.walletId);
    expect(seen.sort()).toEqual(opened.sort());
    for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'cursor=not-ours'])
      expectProblem(await as(c)('GET', `/v1/wallets?${bad}`), 400, 'validation-failed');
  });
});

describe('device trust (RULES.md §4)', () => {
  it('trusts a new device after a biometric check bound to a challenge, once', async () => {
    const c = await verifiedCustomer();
    const onNew = await signInOn(c, randomUUID());
    expect(onNew.deviceTrusted).toBe(false);
    const challenge = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {});
    expect(challenge.status).toBe(201);
    const { challengeId } = challenge.json;

    const wrongNonce = await assertion(c.identity, { nonce: 'another-challenge' });
    expectProblem(
      await as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, { challengeId, biometricAssertion: wrongNonce }),
      422,
      'biometric-mismatch',
    );

    const good = await assertion(c.identity, { nonce: challengeId });
    const trusted = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, {
      challengeId,
      biometricAssertion: good,
    });
    expect(trusted.status).toBe(200);
    expect(trusted.json).toEqual({
      deviceId: onNew.device,
      trusted: true,
      softOtp: { secret: expect.stringMatching(/^[A-Z2-7]{32}$/), suite: 'OCRA-1:HOTP-SHA1-6:QA64' },
    });
    expect(trusted.json.softOtp.secret).not.toBe(c.softOtpSecret);

    const replay = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, {
      challengeId,
      biometricAssertion: good,
    });
    expectProblem(replay, 400, 'challenge-expired');
    expect((await signInOn(c, onNew.device)).deviceTrusted).toBe(true);
  });

  it('does not let a challenge of one device trust another', async () => {
    const c = await verifiedCustomer();
    const a = await signInOn(c, randomUUID());
    const { challengeId } = (await as(a)('POST', `/v1/devices/${a.device}/trust-challenges`, {})).json;
    const other = randomUUID();
    const r = await as(a)('POST', `/v1/devices/${other}/trust`, {
      challengeId,
      biometricAssertion: await assertion(c.identity, { nonce: challengeId }),
    });
    expectProblem(r, 400, 'challenge-expired');
  });

  it('refuses trust to a customer without KYC', async () => {
    const c = await register();
    const { challengeId } = (await as(c)('POST', `/v1/devices/${c.device}/trust-challenges`, {})).json;
    const r = await as(c)('POST', `/v1/devices/${c.device}/trust`, {
      challengeId,
      biometricAssertion: await assertion(identity(), { nonce: challengeId }),
    });
    expectProblem(r, 403, 'kyc-required');
  });
});

describe('ID expiry job (RULES.md §5)', () => {
  it('warns by SMS 30 days before the ID expires, once', async () => {
    const c = await register();
    const in30 = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    const r = await kyc(c, identity({ idExpiryDate: businessDay(in30) }));
    expect(r.json.status).toBe('VERIFIED');
    const run = await api('POST', '/sandbox/jobs/id-expiry');
    expect(run.status).toBe(200);
    await api('POST', '/sandbox/jobs/id-expiry');
    const sms = await api('GET', `/sandbox/sms?phoneNumber=${c.phone}`);
    const warnings = sms.json.items.filter((m: { text: string }) => m.text.includes(businessDay(in30)));
    expect(warnings).toHaveLength(1);
  });
});

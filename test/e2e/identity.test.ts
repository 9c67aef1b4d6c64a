import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  activeCustomer,
  api,
  as,
  assertion,
  bankAccount,
  type Customer,
  deviceKey,
  dpopProof,
  expectProblem,
  fundedCustomer,
  holderOf,
  type Identity,
  identity,
  kyc,
  link,
  openWallet,
  otpFor,
  register,
  signInOn,
  type TransferView,
  topUp,
  type VerifiedCustomer,
  verifiedCustomer,
  waitFor,
} from './client.ts';

// The identity is fixed by the first KYC, weaker evidence counts for less, and device keys are
// bound with proof of possession (API.md v1.1 "Identity, devices and sessions, hardened"; RULES.md
// §3, §4, §5). Each test replays an attack and sees it refused. Re-verification after the ID
// expired needs the expiry job's clock: test/integration/identity.test.ts.

const M = 1_000_000;

const organization = (rep: Identity, ekycAssertion: string) => ({
  kind: 'ORGANIZATION',
  legalName: 'Công ty TNHH Một Thành Viên An Phát',
  shortName: 'AN PHAT',
  enterpriseCode: `01${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
  headOfficeAddress: '5 Tràng Tiền, Hoàn Kiếm, Hà Nội',
  tradingAddress: '5 Tràng Tiền, Hoàn Kiếm, Hà Nội',
  phoneNumber: '02439001122',
  legalRepresentative: { ...rep, ekycAssertion },
});

const me = async (c: Customer) => (await as(c)('GET', '/v1/me')).json;

describe('KYC is done once (RULES.md §5)', () => {
  it('refuses a verified individual re-submitting as an ORGANIZATION: still INDIVIDUAL, still capped', async () => {
    const [c, friend] = await Promise.all([fundedCustomer(100 * M + 1), activeCustomer()]);
    const again = await as(c)('POST', '/v1/me/kyc', organization(c.identity, await assertion(c.identity)));
    expectProblem(again, 409, 'already-verified');

    expect(await me(c)).toMatchObject({ status: 'VERIFIED', kind: 'INDIVIDUAL', limits: { monthlyCap: 100 * M } });
    // The personal monthly cap still applies to this customer's wallets (an organisation's would not).
    const over = await as(c)('POST', '/v1/transfers', {
      type: 'P2P',
      walletId: c.walletId,
      toWalletId: friend.walletId,
      amount: 100 * M + 1,
    });
    expectProblem(over, 422, 'monthly-limit-exceeded');
  });

  it('refuses a verified customer re-submitting as another person, who can still verify on their own account', async () => {
    const c = await verifiedCustomer();
    const other = identity({ fullName: 'Trần Thị Bình', dateOfBirth: '1992-09-30' });
    expectProblem(await kyc(c, other), 409, 'already-verified');
    expect((await me(c)).status).toBe('VERIFIED');

    // The real holder of that ID is not locked out as a duplicate.
    const owner = await register();
    const theirs = await kyc(owner, other);
    expect(theirs.status, JSON.stringify(theirs.json)).toBe(200);
    expect(theirs.json.status).toBe('VERIFIED');
    // And the first customer's own ID still belongs to it alone.
    expectProblem(await kyc(await register(), c.identity), 409, 'duplicate-identity');
  });

  it('lets one of two KYCs submitted at once for one customer win; the other is refused', async () => {
    const c = await register();
    const ids = [identity(), identity({ fullName: 'Phạm Minh Châu', dateOfBirth: '1988-02-14' })];
    const replies = await Promise.all(ids.map((id) => kyc(c, id)));
    expect(replies.map((r) => r.status).sort(), JSON.stringify(replies.map((r) => r.json))).toEqual([200, 409]);
    const winner = replies.findIndex((r) => r.status === 200);
    expect(replies[winner]!.json.status).toBe('VERIFIED');
    expectProblem(replies[1 - winner]!, 409, 'already-verified');
    expect(await me(c)).toMatchObject({ status: 'VERIFIED', kind: 'INDIVIDUAL' });

    // The identity is the winner's: its ID is taken, the loser's ID was never claimed.
    expectProblem(await kyc(await register(), ids[winner]!), 409, 'duplicate-identity');
    expect((await kyc(await register(), ids[1 - winner]!)).json.status).toBe('VERIFIED');
  });

  it('lets one of two identical KYCs submitted at once win, without a duplicate-identity', async () => {
    const c = await register();
    const id = identity();
    const ekycAssertion = await assertion(id);
    const replies = await Promise.all([kyc(c, id, ekycAssertion), kyc(c, id, ekycAssertion)]);
    expect(replies.map((r) => r.status).sort(), JSON.stringify(replies.map((r) => r.json))).toEqual([200, 409]);
    expectProblem(replies.find((r) => r.status === 409)!, 409, 'already-verified');
  });
});

describe("a face matched against the provider's own database (RULES.md §4, §5)", () => {
  it('never passes KYC', async () => {
    const c = await register();
    const id = identity();
    const r = await kyc(c, id, await assertion(id, { source: 'PROVIDER_DB' }));
    expectProblem(r, 422, 'biometric-mismatch');
    expect((await me(c)).status).toBe('REGISTERED');
    // The same person with a chip match passes.
    expect((await kyc(c, id, await assertion(id, { source: 'VNEID' }))).json.status).toBe('VERIFIED');
  });

  it("trusts a device only together with the challenge's SMS OTP", async () => {
    const c = await verifiedCustomer();
    const onNew = await signInOn(c, randomUUID());
    expect(onNew.deviceTrusted).toBe(false);
    const challenge = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {});
    expect(challenge.status).toBe(201);
    expect(Object.keys(challenge.json).sort()).toEqual(['challengeId', 'expiresAt']);
    const { challengeId } = challenge.json;
    const otp = await otpFor(c.phone, challengeId);
    const biometricAssertion = await assertion(c.identity, { nonce: challengeId, source: 'PROVIDER_DB' });
    const trust = (body: Record<string, unknown>) =>
      as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, { challengeId, biometricAssertion, ...body });

    expectProblem(await trust({}), 400, 'authentication-required');
    const wrong = String((Number(otp) + 1) % 1_000_000).padStart(6, '0');
    expectProblem(await trust({ otp: wrong }), 400, 'otp-invalid');

    const trusted = await trust({ otp });
    expect(trusted.status, JSON.stringify(trusted.json)).toBe(200);
    expect(trusted.json).toMatchObject({ deviceId: onNew.device, trusted: true });
    expect((await signInOn(c, onNew.device)).deviceTrusted).toBe(true);
  });

  it("does not accept another challenge's OTP", async () => {
    const c = await verifiedCustomer();
    const onNew = await signInOn(c, randomUUID());
    const first = (await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {})).json.challengeId;
    const second = (await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {})).json.challengeId;
    const r = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, {
      challengeId: second,
      biometricAssertion: await assertion(c.identity, { nonce: second, source: 'PROVIDER_DB' }),
      otp: await otpFor(c.phone, first),
    });
    expectProblem(r, 400, 'otp-invalid');
  });
});

describe('device keys at binding (RFC 9449 DPoP)', () => {
  const individual = async (id: Identity) => ({
    kind: 'INDIVIDUAL',
    ...id,
    idDocumentType: 'CCCD_CHIP',
    ekycAssertion: await assertion(id),
  });

  it('binds a key only with a proof signed by it, and refuses a private or malformed key', async () => {
    const c = await register();
    const id = identity();
    const key = deviceKey();
    const names = (r: { json: { errors?: { name: string }[] } }) => (r.json.errors ?? []).map((e) => e.name).join();

    const noProof = await as(c)('POST', '/v1/me/kyc', { ...(await individual(id)), devicePublicKey: key.jwk });
    expectProblem(noProof, 400, 'validation-failed');
    expect(names(noProof)).toContain('devicePublicKey');
    const otherKeysProof = await as(c, { dpop: deviceKey() })('POST', '/v1/me/kyc', {
      ...(await individual(id)),
      devicePublicKey: key.jwk,
    });
    expectProblem(otherKeysProof, 400, 'validation-failed');
    expect(names(otherKeysProof)).toContain('devicePublicKey');

    const { privateKey } = key;
    const withD = { ...key.jwk, d: privateKey.export({ format: 'jwk' }).d };
    const priv = await as(c, { dpop: key })('POST', '/v1/me/kyc', {
      ...(await individual(id)),
      devicePublicKey: withD,
    });
    expectProblem(priv, 400, 'validation-failed');
    const short = await as(c, { dpop: key })('POST', '/v1/me/kyc', {
      ...(await individual(id)),
      devicePublicKey: { ...key.jwk, x: key.jwk.x.slice(1) },
    });
    expectProblem(short, 400, 'validation-failed');
    expect((await me(c)).status).toBe('REGISTERED');
  });

  it('makes the KYC device count as trusted only with a fresh proof of its key', async () => {
    const c = await register();
    const id = identity();
    const key = deviceKey();
    const k = await as(c, { dpop: key })('POST', '/v1/me/kyc', { ...(await individual(id)), devicePublicKey: key.jwk });
    expect(k.status, JSON.stringify(k.json)).toBe(200);
    expect(k.json.status).toBe('VERIFIED');
    const bound: VerifiedCustomer = { ...c, deviceKey: key, identity: id, softOtpSecret: k.json.softOtp.secret };

    const w = await openWallet(bound);
    const account = await bankAccount(holderOf(bound));
    const l = await link(bound, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
    const topUpBody = { type: 'TOPUP', walletId: w.walletId, linkId: l.linkId, amount: 1 * M };

    // Without a proof the same device id is an untrusted device.
    expectProblem(await as(bound)('POST', '/v1/transfers', topUpBody, { dpop: undefined }), 403, 'device-not-trusted');
    // A proof signed by another key is no better.
    expectProblem(
      await as(bound)('POST', '/v1/transfers', topUpBody, { dpop: deviceKey() }),
      403,
      'device-not-trusted',
    );

    // With a valid proof it moves money.
    const proof = dpopProof(key, 'POST', '/v1/transfers', bound.token);
    const done = await as(bound)<TransferView>('POST', '/v1/transfers', topUpBody, { dpop: proof });
    expect(done.status, JSON.stringify(done.json)).toBe(201);
    expect((await waitFor(bound, done.json.transferId)).status).toBe('COMPLETED');
    // The same proof again (same jti) is a replay: untrusted.
    expectProblem(await as(bound)('POST', '/v1/transfers', topUpBody, { dpop: proof }), 403, 'device-not-trusted');
    // A fresh proof per call keeps working.
    await topUp({ ...bound, walletId: w.walletId, linkId: l.linkId }, 1 * M);
  });

  it("does not trust a stolen password on the victim's device id without the device's key", async () => {
    const c = await register();
    const id = identity();
    const key = deviceKey();
    const k = await as(c, { dpop: key })('POST', '/v1/me/kyc', { ...(await individual(id)), devicePublicKey: key.jwk });
    expect(k.status, JSON.stringify(k.json)).toBe(200);
    const signIn = (dpop?: typeof key | string) =>
      api('POST', '/v1/sessions', { body: { phoneNumber: c.phone, password: c.password, deviceId: c.device }, dpop });

    // The thief knows the password and copies the device id: signed in, but not trusted.
    const thief = await signIn();
    expect(thief.status).toBe(200);
    expect(thief.json.deviceTrusted).toBe(false);
    expect((await signIn(deviceKey())).json.deviceTrusted).toBe(false);
    // Nor can the thief's session move money by forging the header on a later call.
    const owner: VerifiedCustomer = { ...c, deviceKey: key, identity: id, softOtpSecret: k.json.softOtp.secret };
    const w = await openWallet(owner);
    const account = await bankAccount(holderOf(owner));
    const l = await link(owner, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
    const thiefAs = as({ ...c, token: thief.json.accessToken }, { dpop: undefined });
    const topUpBody = { type: 'TOPUP', walletId: w.walletId, linkId: l.linkId, amount: 1 * M };
    expectProblem(await thiefAs('POST', '/v1/transfers', topUpBody), 403, 'device-not-trusted');

    // The owner, whose phone holds the key, is trusted; the same proof replayed is not.
    const proof = dpopProof(key, 'POST', '/v1/sessions');
    expect((await signIn(proof)).json.deviceTrusted).toBe(true);
    expect((await signIn(proof)).json.deviceTrusted).toBe(false);
  });

  it('binds a device at device trust, and does not let a bound device be re-trusted without its key', async () => {
    const c = await verifiedCustomer();
    const onNew = await signInOn(c, randomUUID());
    const key = deviceKey();
    const trustWith = async (options: { dpop?: typeof key }, extra: Record<string, unknown> = {}) => {
      const { challengeId } = (await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {})).json;
      return as(onNew, options)('POST', `/v1/devices/${onNew.device}/trust`, {
        challengeId,
        biometricAssertion: await assertion(c.identity, { nonce: challengeId }),
        ...extra,
      });
    };
    expectProblem(await trustWith({}, { devicePublicKey: key.jwk }), 400, 'validation-failed');
    const bound = await trustWith({ dpop: key }, { devicePublicKey: key.jwk });
    expect(bound.status, JSON.stringify(bound.json)).toBe(200);

    // Keyless re-trust of the bound device is refused; with a proof of its key it is fine.
    expectProblem(await trustWith({}), 400, 'validation-failed');
    expect((await trustWith({ dpop: key })).status).toBe(200);

    // The bound device, with proofs, moves money; without, it does not.
    const w = await openWallet(c);
    const account = await bankAccount(holderOf(c));
    const l = await link(c, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
    const body = { type: 'TOPUP', walletId: w.walletId, linkId: l.linkId, amount: 1 * M };
    expectProblem(await as(onNew)('POST', '/v1/transfers', body), 403, 'device-not-trusted');
    const ok = await as(onNew, { dpop: key })('POST', '/v1/transfers', body);
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
  });
});

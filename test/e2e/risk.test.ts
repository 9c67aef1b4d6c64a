import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  afterCommitSettled,
  api,
  as,
  assertion,
  balanceOf,
  completed,
  expectLedgerConsistent,
  expectProblem,
  fundedCustomer,
  signInOn,
  staff,
  transfer,
  waitFor,
} from './client.ts';

// Issue #7 through HTTP: the risk engine on the transfer path (RULES.md §7, §8) and the
// operators' cases.

const M = 1_000_000;

async function operator(groups = ['operators', 'compliance']) {
  const { token } = await staff(groups);
  return (method: string, path: string, body?: unknown) =>
    api(method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(method === 'POST' ? { idempotencyKey: randomUUID() } : {}),
    });
}

async function watchlist(entries: { kind: string; value: string; severity: 'WARN' | 'BLOCK' }[]) {
  const ops = await operator();
  const r = await ops('POST', '/v1/ops/watchlist', {
    entries: entries.map((e) => ({ ...e, source: 'MPS_WARNING_DB', reason: 'reported by victims' })),
  });
  expect(r.status).toBe(200);
}

describe('watch lists on every transfer (RULES.md §7)', () => {
  it('refuses a transfer to a BLOCK-listed payee with payee-flagged, nothing moves', async () => {
    const [a, b] = await Promise.all([fundedCustomer(5 * M), fundedCustomer()]);
    await watchlist([{ kind: 'WALLET', value: b.walletId, severity: 'BLOCK' }]);
    const r = await as(a)('POST', '/v1/transfers', {
      type: 'P2P',
      walletId: a.walletId,
      toWalletId: b.walletId,
      amount: M,
    });
    expectProblem(r, 422, 'payee-flagged');
    expect(await balanceOf(a, a.walletId)).toBe(5 * M);
    expect(await balanceOf(b, b.walletId)).toBe(0);
  });

  it('refuses a payee whose phone is BLOCK-listed, addressed by phone', async () => {
    const [a, b] = await Promise.all([fundedCustomer(5 * M), fundedCustomer()]);
    await watchlist([{ kind: 'PHONE', value: `+84${b.phone.slice(1)}`, severity: 'BLOCK' }]);
    expectProblem(
      await as(a)('POST', '/v1/transfers', { type: 'P2P', walletId: a.walletId, toPhoneNumber: b.phone, amount: M }),
      422,
      'payee-flagged',
    );
  });

  it('asks OTP and biometric for a WARN-listed payee and warns payee-flagged', async () => {
    const [a, b] = await Promise.all([fundedCustomer(5 * M), fundedCustomer()]);
    await watchlist([{ kind: 'WALLET', value: b.walletId, severity: 'WARN' }]);
    const o = await transfer(a, { type: 'P2P', walletId: a.walletId, toWalletId: b.walletId, amount: 2 * M });
    expect(o.created.json).toMatchObject({ warnings: ['payee-flagged'], authentication: { class: 'C' } });
    expect([...o.challenges[0]!.methods].sort()).toEqual(['BIOMETRIC', 'OTP']);
    expect(o.final?.status).toBe('COMPLETED');
  });
});

describe('mule wallets', () => {
  it('holds the onward transfer of a wallet fed by 20 senders; an operator releases it and the money follows', async () => {
    const mule = await fundedCustomer();
    const senders = await Promise.all(Array.from({ length: 20 }, () => fundedCustomer(2 * M)));
    await Promise.all(
      senders.map((s) => completed(s, { type: 'P2P', walletId: s.walletId, toWalletId: mule.walletId, amount: M })),
    );
    expect(await balanceOf(mule, mule.walletId)).toBe(20 * M);
    await afterCommitSettled([mule.walletId]); // the risk engine reads what it has learnt
    const boss = await fundedCustomer();

    const onward = await transfer(mule, {
      type: 'P2P',
      walletId: mule.walletId,
      toWalletId: boss.walletId,
      amount: 18 * M,
    });
    expect(onward.final?.status).toBe('HELD');
    expect(await balanceOf(mule, mule.walletId)).toBe(2 * M); // reserved
    expect(await balanceOf(boss, boss.walletId)).toBe(0);

    const ops = await operator();
    const open = await ops('GET', '/v1/ops/cases?status=OPEN&limit=100');
    const held = open.json.items.find((c: { transferId: string }) => c.transferId === onward.final!.transferId);
    expect(held).toMatchObject({ status: 'OPEN', ruleHits: [expect.objectContaining({ rule: 'muleOnward' })] });

    const released = await ops('POST', `/v1/ops/cases/${held.caseId}/decision`, {
      decision: 'RELEASE',
      note: 'customer called, known supplier',
    });
    expect(released.status).toBe(200);
    expect((await waitFor(mule, onward.final!.transferId)).status).toBe('COMPLETED');
    expect(await balanceOf(boss, boss.walletId)).toBe(18 * M);
    expectProblem(
      await ops('POST', `/v1/ops/cases/${held.caseId}/decision`, { decision: 'REJECT', note: 'again' }),
      409,
      'case-decided',
    );
    await expectLedgerConsistent(mule, mule.walletId);
    await expectLedgerConsistent(boss, boss.walletId);

    const audit = await ops('GET', `/v1/ops/audit?subject=${held.caseId}`);
    expect(audit.json.items.some((e: { action: string }) => e.action === 'CASE_DECISION')).toBe(true);
  });
});

describe('account takeover', () => {
  it('holds a large transfer to a new payee from a device trusted minutes ago; REJECT returns the funds', async () => {
    const [victim, scammer] = await Promise.all([fundedCustomer(30 * M), fundedCustomer()]);
    const onNew = await signInOn(victim, randomUUID());
    const { challengeId } = (await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {})).json;
    const trust = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, {
      challengeId,
      biometricAssertion: await assertion(victim.identity, { nonce: challengeId }),
    });
    expect(trust.status).toBe(200);
    const newDevice = { ...victim, ...onNew, softOtpSecret: trust.json.softOtp.secret as string };

    const o = await transfer(newDevice, {
      type: 'P2P',
      walletId: victim.walletId,
      toWalletId: scammer.walletId,
      amount: 9 * M,
    });
    expect(o.final?.status).toBe('HELD');
    expect(await balanceOf(victim, victim.walletId)).toBe(21 * M);

    const ops = await operator();
    const cases = await ops('GET', '/v1/ops/cases?status=OPEN&limit=100');
    const held = cases.json.items.find((c: { transferId: string }) => c.transferId === o.final!.transferId);
    expect(held.ruleHits.map((h: { rule: string }) => h.rule)).toContain('accountTakeover');
    const rejected = await ops('POST', `/v1/ops/cases/${held.caseId}/decision`, {
      decision: 'REJECT',
      note: 'customer did not make it',
    });
    expect(rejected.json.transfer).toMatchObject({ status: 'REJECTED', failureCode: 'risk-rejected' });
    expect(await balanceOf(victim, victim.walletId)).toBe(30 * M);
    expect(await balanceOf(scammer, scammer.walletId)).toBe(0);
    const entries = await expectLedgerConsistent(victim, victim.walletId);
    expect(entries[0]).toMatchObject({ type: 'HOLD_RETURN', amount: 9 * M });
  });

  it('holds an EXTERNAL transfer to a bank account never paid, from a device trusted minutes ago', async () => {
    const victim = await fundedCustomer(30 * M);
    const accountNumber = `56${randomUUID().replace(/\D/g, '').slice(0, 10)}`;
    const created = await api('POST', '/sandbox/switch/accounts', {
      body: { institutionCode: 'TCB', accountNumber, holderName: 'TRAN VAN MULE' },
    });
    expect(created.status).toBe(201);
    const onNew = await signInOn(victim, randomUUID());
    const { challengeId } = (await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {})).json;
    const trust = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, {
      challengeId,
      biometricAssertion: await assertion(victim.identity, { nonce: challengeId }),
    });
    expect(trust.status).toBe(200);
    const newDevice = { ...victim, ...onNew, softOtpSecret: trust.json.softOtp.secret as string };
    const inquiry = await as(newDevice)('POST', '/v1/name-inquiries', { institutionCode: 'TCB', accountNumber });
    expect(inquiry.status).toBe(201);
    const o = await transfer(newDevice, {
      type: 'EXTERNAL',
      walletId: victim.walletId,
      amount: 6 * M,
      nameInquiryId: inquiry.json.nameInquiryId,
    });
    expect(o.final?.status).toBe('HELD');
    expect(await balanceOf(victim, victim.walletId)).toBe(24 * M);
    const ops = await operator();
    const cases = await ops('GET', '/v1/ops/cases?status=OPEN&limit=100');
    const held = cases.json.items.find((c: { transferId: string }) => c.transferId === o.final!.transferId);
    expect(held.ruleHits.map((h: { rule: string }) => h.rule)).toContain('accountTakeover');
    // Nothing reached the switch while the case is open.
    const atSwitch = await api('GET', `/sandbox/switch/accounts/TCB/${accountNumber}`);
    expect(atSwitch.json.balance).toBe(0);
  });

  it('does not hold the same customer paying a known payee from the KYC device', async () => {
    const [a, b] = await Promise.all([fundedCustomer(30 * M), fundedCustomer()]);
    const o = await transfer(a, { type: 'P2P', walletId: a.walletId, toWalletId: b.walletId, amount: 9 * M });
    expect(o.final?.status).toBe('COMPLETED');
  });
});

describe('cases are for operators', () => {
  it('answers a customer 403 on the case routes', async () => {
    const c = await fundedCustomer();
    expectProblem(await as(c)('GET', '/v1/ops/cases?status=OPEN'), 403, 'forbidden');
    expectProblem(
      await as(c)('POST', '/v1/ops/cases/x/decision', { decision: 'RELEASE', note: 'n' }),
      403,
      'forbidden',
    );
  });

  it('answers a cursor it did not issue with validation-failed', async () => {
    const ops = await operator();
    const foreign = Buffer.from(JSON.stringify({ pk: 'x', sk: 'y', gsi1pk: 'CASES#REJECTED', gsi1sk: 'z' })).toString(
      'base64url',
    );
    expectProblem(await ops('GET', `/v1/ops/cases?status=OPEN&cursor=${foreign}`), 400, 'validation-failed');
    expectProblem(await ops('GET', '/v1/ops/cases?cursor=garbage'), 400, 'validation-failed');
  });

  it('answers an unknown case with not-found', async () => {
    const ops = await operator();
    expectProblem(
      await ops('POST', '/v1/ops/cases/nope/decision', { decision: 'RELEASE', note: 'n' }),
      404,
      'not-found',
    );
  });
});

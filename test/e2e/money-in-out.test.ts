import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ocra } from '../../functions/core/domain/soft-otp.ts';
import {
  api,
  as,
  assertion,
  authorize,
  bankBalance,
  expectLedgerConsistent,
  expectProblem,
  factorsFor,
  fundedCustomer,
  otpFor,
  signInOn,
  staff,
  statementOf,
  type TransferView,
  topUp,
  waitFor,
} from './client.ts';

// Issue #5 through HTTP: top-ups and withdrawals with the linked bank, step-up by class
// (RULES.md §2–3), the settlement worker over SQS, statements, safeguarding.

const M = 1_000_000;

const operatorToken = async (groups = ['operators']) => (await staff(groups)).token;

const faults = (mode: string, count: number, accountNumber: string) =>
  api('POST', '/sandbox/bank/faults', { body: { mode, count, accountNumber } });

describe('top-up and withdrawal with the linked bank', () => {
  it('class A within the lines: the bank moves exactly what the wallet shows', async () => {
    const c = await fundedCustomer();
    const before = await bankBalance(c.account);
    await topUp(c, 10 * M);
    const w = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'WITHDRAWAL',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 4 * M,
    });
    expect(w.status).toBe(201);
    expect(w.json.authentication).toBeUndefined();
    expect((await waitFor(c, w.json.transferId)).status).toBe('COMPLETED');
    expect(before - (await bankBalance(c.account))).toBe(6 * M);
    const entries = await expectLedgerConsistent(c, c.walletId);
    expect(entries.map((e) => e.amount)).toEqual([-4 * M, 10 * M]);
  });

  it('a 15M top-up is class C: OTP and biometric (RULES.md §2, G > 10M)', async () => {
    const c = await fundedCustomer();
    const r = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'TOPUP',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 15 * M,
    });
    expect(r.json).toMatchObject({ status: 'REQUIRES_AUTHENTICATION', authentication: { class: 'C' } });
    expect([...r.json.authentication!.methods].sort()).toEqual(['BIOMETRIC', 'OTP']);
    const ok = await authorize(c, r.json);
    expect(ok.status).toBe(200);
    expect((await waitFor(c, r.json.transferId)).status).toBe('COMPLETED');
  });

  it('a top-up above 500M is class D: transaction-bound soft OTP and biometric', async () => {
    const c = await fundedCustomer();
    const r = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'TOPUP',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 500 * M + 1,
    });
    expect(r.json.authentication).toMatchObject({ class: 'D', methods: ['SOFT_OTP', 'BIOMETRIC'] });
    expect((await authorize(c, r.json)).status).toBe(200);
    expect((await waitFor(c, r.json.transferId)).status).toBe('COMPLETED');
  });

  it('refuses a withdrawal above the balance, and money from an untrusted device', async () => {
    const c = await fundedCustomer(2 * M);
    expectProblem(
      await as(c)('POST', '/v1/transfers', {
        type: 'WITHDRAWAL',
        walletId: c.walletId,
        linkId: c.linkId,
        amount: 2 * M + 1,
      }),
      422,
      'insufficient-funds',
    );
    const other = await signInOn(c, randomUUID());
    expectProblem(
      await as(other)('POST', '/v1/transfers', { type: 'TOPUP', walletId: c.walletId, linkId: c.linkId, amount: M }),
      403,
      'device-not-trusted',
    );
  });

  it('needs a bank link of the wallet', async () => {
    const c = await fundedCustomer();
    expectProblem(
      await as(c)('POST', '/v1/transfers', { type: 'TOPUP', walletId: c.walletId, linkId: 'no-such-link', amount: M }),
      422,
      'bank-link-required',
    );
  });
});

describe('bank failures, through the settlement queue', () => {
  it('a declined top-up FAILS with a failure code and credits nothing', async () => {
    const c = await fundedCustomer();
    await faults('DECLINE', 1, c.account.accountNumber);
    const r = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'TOPUP',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 3 * M,
    });
    expect(await waitFor(c, r.json.transferId)).toMatchObject({ status: 'FAILED', failureCode: 'bank-declined' });
    expect((await as(c)('GET', `/v1/wallets/${c.walletId}`)).json.balance).toBe(0);
  });

  it('a top-up whose answer timed out is credited exactly once', async () => {
    const c = await fundedCustomer();
    const before = await bankBalance(c.account);
    await faults('TIMEOUT', 1, c.account.accountNumber);
    const r = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'TOPUP',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 3 * M,
    });
    expect((await waitFor(c, r.json.transferId)).status).toBe('COMPLETED');
    expect((await as(c)('GET', `/v1/wallets/${c.walletId}`)).json.balance).toBe(3 * M);
    expect(before - (await bankBalance(c.account))).toBe(3 * M);
  });

  it('a declined withdrawal returns the reserved funds', async () => {
    const c = await fundedCustomer(5 * M);
    await faults('DECLINE', 1, c.account.accountNumber);
    const r = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'WITHDRAWAL',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 2 * M,
    });
    expect(await waitFor(c, r.json.transferId)).toMatchObject({ status: 'FAILED', failureCode: 'bank-declined' });
    const entries = await expectLedgerConsistent(c, c.walletId);
    expect(entries[0]).toMatchObject({ type: 'WITHDRAWAL_RETURN', amount: 2 * M, balanceAfter: 5 * M });
  });

  it('a bank 5xx is retried until the money moves, once', async () => {
    const c = await fundedCustomer();
    await faults('ERROR', 2, c.account.accountNumber);
    const r = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'TOPUP',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: M,
    });
    expect((await waitFor(c, r.json.transferId)).status).toBe('COMPLETED');
    expect((await as(c)('GET', `/v1/wallets/${c.walletId}`)).json.balance).toBe(M);
  });
});

describe('step-up factors (RULES.md §3)', () => {
  async function classC() {
    const c = await fundedCustomer();
    const r = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'TOPUP',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 12 * M,
    });
    return { c, t: r.json };
  }

  it('answers a wrong OTP with otp-invalid, and locks the challenge after 5 tries', async () => {
    const { c, t } = await classC();
    const factors = await factorsFor(c, t.authentication!);
    const wrong = { ...factors, otp: factors.otp === '000000' ? '111111' : '000000' };
    for (let i = 0; i < 5; i++) {
      expectProblem(await as(c)('POST', `/v1/transfers/${t.transferId}/authorize`, wrong), 400, 'otp-invalid');
    }
    expectProblem(await as(c)('POST', `/v1/transfers/${t.transferId}/authorize`, factors), 403, 'too-many-attempts');
  });

  it('names the missing factors with authentication-required', async () => {
    const { c, t } = await classC();
    const otp = await otpFor(c.phone, t.authentication!.challengeId);
    const r = await as(c)('POST', `/v1/transfers/${t.transferId}/authorize`, { otp });
    expectProblem(r, 400, 'authentication-required');
    expect(r.json.authentication.methods.sort()).toEqual(['BIOMETRIC', 'OTP']);
  });

  it('never accepts one challenge’s factors for another', async () => {
    const { c, t } = await classC();
    const second = (
      await as(c)<TransferView>('POST', '/v1/transfers', {
        type: 'TOPUP',
        walletId: c.walletId,
        linkId: c.linkId,
        amount: 11 * M,
      })
    ).json;
    const forFirst = await factorsFor(c, t.authentication!);
    expectProblem(await as(c)('POST', `/v1/transfers/${second.transferId}/authorize`, forFirst), 400, 'otp-invalid');
    const otherNonce = {
      otp: await otpFor(c.phone, second.authentication!.challengeId),
      biometricAssertion: forFirst.biometricAssertion,
    };
    expectProblem(
      await as(c)('POST', `/v1/transfers/${second.transferId}/authorize`, otherNonce),
      422,
      'biometric-mismatch',
    );
  });

  it('binds the soft OTP to the challenge and the creating device', async () => {
    const c = await fundedCustomer();
    const t = (
      await as(c)<TransferView>('POST', '/v1/transfers', {
        type: 'TOPUP',
        walletId: c.walletId,
        linkId: c.linkId,
        amount: 600 * M,
      })
    ).json;
    const a = t.authentication!;
    const biometricAssertion = await assertion(c.identity, { nonce: a.challengeId });
    const wrong = await as(c)('POST', `/v1/transfers/${t.transferId}/authorize`, {
      softOtp: ocra(c.softOtpSecret, 'another-challenge'),
      biometricAssertion,
    });
    expectProblem(wrong, 400, 'otp-invalid');
    const right = await as(c)('POST', `/v1/transfers/${t.transferId}/authorize`, {
      softOtp: ocra(c.softOtpSecret, a.challengeId),
      biometricAssertion,
    });
    expect(right.status).toBe(200);
  });

  it('returns the transfer unchanged when authorize is repeated after success', async () => {
    const { c, t } = await classC();
    const factors = await factorsFor(c, t.authentication!);
    const first = await as(c)<TransferView>('POST', `/v1/transfers/${t.transferId}/authorize`, factors);
    expect(first.status).toBe(200);
    const done = await waitFor(c, t.transferId);
    const again = await as(c)<TransferView>('POST', `/v1/transfers/${t.transferId}/authorize`, factors);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(done);
    expect((await as(c)('GET', `/v1/wallets/${c.walletId}`)).json.balance).toBe(12 * M);
  });
});

describe('statements', () => {
  it('pages newest first with signed amounts and the balance after each entry', async () => {
    const c = await fundedCustomer();
    for (const amount of [1 * M, 2 * M, 3 * M]) await topUp(c, amount);
    const w = await as(c)<TransferView>('POST', '/v1/transfers', {
      type: 'WITHDRAWAL',
      walletId: c.walletId,
      linkId: c.linkId,
      amount: 500_000,
    });
    await waitFor(c, w.json.transferId);
    const entries = await statementOf(c, c.walletId);
    expect(entries.map((e) => [e.amount, e.balanceAfter])).toEqual([
      [-500_000, 5_500_000],
      [3 * M, 6 * M],
      [2 * M, 3 * M],
      [1 * M, 1 * M],
    ]);
    const page = await as(c)('GET', `/v1/wallets/${c.walletId}/statement?limit=2`);
    expect(page.json.items).toHaveLength(2);
    expect(typeof page.json.nextCursor).toBe('string');
    expectProblem(await as(c)('GET', `/v1/wallets/${c.walletId}/statement?limit=101`), 400, 'validation-failed');
  });
});

describe('safeguarding reconciliation (Decree 52 Art. 6(3))', () => {
  it('is for operators only', async () => {
    const c = await fundedCustomer();
    expectProblem(await as(c)('GET', '/v1/ops/reconciliation/safeguarding'), 403, 'forbidden');
  });

  it('shows the guarantee account holding what the wallets hold plus what is in flight', async () => {
    const c = await fundedCustomer(3 * M);
    const token = await operatorToken();
    let last: any;
    for (let i = 0; i < 120; i++) {
      last = (await api('GET', '/v1/ops/reconciliation/safeguarding', { token })).json;
      if (last.difference === 0) break;
      await new Promise((r) => setTimeout(r, 250)); // other suites move money in parallel
    }
    expect(last.difference).toBe(0);
    expect(last.walletBalances).toBeGreaterThanOrEqual(3 * M);
    // inFlight may be negative: credits the switch owes us until the day is settled (docs/money.md).
    expect(Number.isSafeInteger(last.inFlight)).toBe(true);
    expect(last.guaranteeAccountBalance).toBe(last.walletBalances + last.inFlight);
    expect(c.walletId).toBeTruthy();
  });
});

describe('statement cursors', () => {
  it('answers a cursor it did not issue with validation-failed, not a 5xx', async () => {
    const c = await fundedCustomer();
    for (const cursor of [
      'not-base64!',
      Buffer.from('{"sk":42}').toString('base64url'),
      Buffer.from('[').toString('base64url'),
    ]) {
      expectProblem(
        await as(c)('GET', `/v1/wallets/${c.walletId}/statement?cursor=${encodeURIComponent(cursor)}`),
        400,
        'validation-failed',
      );
    }
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import {
  type ActiveCustomer,
  activeCustomer,
  anotherWallet,
  api,
  as,
  assertion,
  completed,
  expectProblem,
  fundedCustomer,
  newIdNumber,
  newPhone,
  openWallet,
  type Reply,
  type Staff,
  signInOn,
  staff,
  statementOf,
  topUp,
  verifiedCustomer,
} from './client.ts';

// Issue #7 through HTTP: operator freeze (RULES.md §7), customer self-lock (Circular 40 Art. 28),
// law-enforcement requests (Decree 52 Art. 11), the large-value report (RULES.md §8) and the staff
// audit trail (RULES.md §9, Law 91/2025).

const M = 1_000_000;

/** A staff call: a fresh Idempotency-Key on POST, no device (device trust is for customers). */
const ops = (s: Staff, method: string, path: string, body?: unknown): Promise<Reply> =>
  api(method, path, { token: s.token, body, idempotencyKey: method === 'POST' ? randomUUID() : undefined });

const p2p = (from: { walletId: string }, to: { walletId: string }, amount: number) => ({
  type: 'P2P',
  walletId: from.walletId,
  toWalletId: to.walletId,
  amount,
});

const smsCount = async (phone: string) =>
  ((await api('GET', `/sandbox/sms?phoneNumber=${encodeURIComponent(phone)}`)).json.items as unknown[]).length;

async function walletStatus(c: ActiveCustomer, walletId = c.walletId) {
  const r = await as(c)('GET', `/v1/wallets/${walletId}`);
  expect(r.status).toBe(200);
  return r.json.status as string;
}

interface AuditItem {
  auditId: string;
  actor: string;
  action: string;
  subject: string;
  purpose: { route: string; reason?: string; reference?: string };
  at: string;
}

async function auditOf(reader: Staff, subject: string): Promise<AuditItem[]> {
  const r = await ops(reader, 'GET', `/v1/ops/audit?subject=${encodeURIComponent(subject)}&limit=100`);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json.items;
}

describe('operator freeze (RULES.md §7)', () => {
  it('stops sending and receiving; unfreeze restores both', async () => {
    const [payer, sender] = await Promise.all([fundedCustomer(5 * M), fundedCustomer(5 * M)]);
    const operator = await staff();

    const frozen = await ops(operator, 'POST', `/v1/ops/wallets/${payer.walletId}/freeze`, {
      reason: 'Suspected account takeover',
      reference: 'TICKET-1001',
    });
    expect(frozen.status, JSON.stringify(frozen.json)).toBe(200);
    expect(frozen.json).toEqual({ walletId: payer.walletId, status: 'FROZEN', balance: 5 * M, currency: 'VND' });
    expect(await walletStatus(payer)).toBe('FROZEN');

    expectProblem(await as(payer)('POST', '/v1/transfers', p2p(payer, sender, M)), 403, 'wallet-frozen');
    expectProblem(await as(sender)('POST', '/v1/transfers', p2p(sender, payer, M)), 422, 'wallet-not-active');

    const lifted = await ops(operator, 'POST', `/v1/ops/wallets/${payer.walletId}/unfreeze`, {
      reason: 'Owner identified at the branch',
      reference: 'TICKET-1001',
    });
    expect(lifted.status, JSON.stringify(lifted.json)).toBe(200);
    expect(lifted.json.status).toBe('ACTIVE');
    await completed(sender, p2p(sender, payer, M));
    await completed(payer, p2p(payer, sender, 2 * M));
  });

  it('freezes PENDING_LINK and LOCKED wallets and gives each its status back', async () => {
    const c = await fundedCustomer();
    const pending = await openWallet(c);
    const operator = await staff();
    const body = { reason: 'Review', reference: 'TICKET-1002' };

    expect((await ops(operator, 'POST', `/v1/ops/wallets/${pending.walletId}/freeze`, body)).json.status).toBe(
      'FROZEN',
    );
    expect((await ops(operator, 'POST', `/v1/ops/wallets/${pending.walletId}/unfreeze`, body)).json.status).toBe(
      'PENDING_LINK',
    );

    expect((await as(c)('POST', `/v1/wallets/${c.walletId}/lock`, {})).json.status).toBe('LOCKED');
    expect((await ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/freeze`, body)).json.status).toBe('FROZEN');
    // The owner cannot unlock a frozen wallet, and locking it again keeps it FROZEN.
    expectProblem(await as(c)('POST', `/v1/wallets/${c.walletId}/unlock`, {}), 403, 'wallet-frozen');
    expect((await as(c)('POST', `/v1/wallets/${c.walletId}/lock`, {})).json.status).toBe('FROZEN');
    expect((await ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/unfreeze`, body)).json.status).toBe('LOCKED');
    expectProblem(
      await ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/unfreeze`, body),
      409,
      'wallet-not-frozen',
    );
    expectProblem(await ops(operator, 'POST', '/v1/ops/wallets/no-such-wallet/freeze', body), 404, 'not-found');
  });

  it('loses neither a lock nor a freeze that race each other', async () => {
    const operator = await staff();
    const customers = await Promise.all([fundedCustomer(), fundedCustomer(), fundedCustomer()]);
    await Promise.all(
      customers.map(async (c) => {
        const [lock, freeze] = await Promise.all([
          as(c)('POST', `/v1/wallets/${c.walletId}/lock`, { reason: 'lost phone' }),
          ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/freeze`, { reason: 'race', reference: 'RACE-1' }),
        ]);
        expect([lock.status, freeze.status]).toEqual([200, 200]);
        expect(await walletStatus(c)).toBe('FROZEN');
        const lifted = await ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/unfreeze`, {
          reason: 'race',
          reference: 'RACE-1',
        });
        // Whichever came first, the owner's lock survives the freeze.
        expect(lifted.json.status).toBe('LOCKED');
      }),
    );
  });
});

describe('customer self-lock (RULES.md §7, Circular 40 Art. 28)', () => {
  it('blocks the very next transfer, from any device; unlock needs the biometric bound to the challenge', async () => {
    const [c, other] = await Promise.all([fundedCustomer(3 * M), fundedCustomer(3 * M)]);
    const elsewhere = await signInOn(c, randomUUID()); // an untrusted device: locking must still work

    const locked = await as(elsewhere)('POST', `/v1/wallets/${c.walletId}/lock`, { reason: 'Lost my phone' });
    expect(locked.status, JSON.stringify(locked.json)).toBe(200);
    expect(locked.json).toEqual({ walletId: c.walletId, status: 'LOCKED', balance: 3 * M, currency: 'VND' });
    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, other, M)), 403, 'wallet-locked');
    expectProblem(await as(other)('POST', '/v1/transfers', p2p(other, c, M)), 422, 'wallet-not-active');

    // Unlocking needs a trusted device.
    expectProblem(await as(elsewhere)('POST', `/v1/wallets/${c.walletId}/unlock`, {}), 403, 'device-not-trusted');
    const started = await as(c)('POST', `/v1/wallets/${c.walletId}/unlock`, {});
    expect(started.status, JSON.stringify(started.json)).toBe(200);
    expect(started.json).toMatchObject({
      walletId: c.walletId,
      status: 'REQUIRES_AUTHENTICATION',
      authentication: { class: 'C', methods: ['BIOMETRIC'] },
    });
    const { challengeId, expiresAt } = started.json.authentication;
    const lifetime = new Date(expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(4 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(5 * 60_000);

    const unlock = (biometricAssertion: string) =>
      as(c)('POST', `/v1/wallets/${c.walletId}/unlock/authorize`, { biometricAssertion });
    expectProblem(await unlock(await assertion(c.identity, { nonce: 'another-challenge' })), 422, 'biometric-mismatch');
    expectProblem(await unlock(await assertion(c.identity)), 422, 'biometric-mismatch');
    expect(await walletStatus(c)).toBe('LOCKED');

    const right = await assertion(c.identity, { nonce: challengeId });
    const unlocked = await unlock(right);
    expect(unlocked.status, JSON.stringify(unlocked.json)).toBe(200);
    expect(unlocked.json).toEqual({ walletId: c.walletId, status: 'ACTIVE', balance: 3 * M, currency: 'VND' });
    // One use: the same assertion again is refused.
    expectProblem(await unlock(right), 400, 'challenge-expired');

    await completed(c, p2p(c, other, M));
    await completed(other, p2p(other, c, M));
  });

  it('answers 404 to another customer, as if the wallet did not exist', async () => {
    const [c, stranger] = await Promise.all([fundedCustomer(), fundedCustomer()]);
    expectProblem(await as(stranger)('POST', `/v1/wallets/${c.walletId}/lock`, {}), 404, 'not-found');
    expectProblem(await as(stranger)('POST', `/v1/wallets/${c.walletId}/unlock`, {}), 404, 'not-found');
    expect(await walletStatus(c)).toBe('ACTIVE');
    expectProblem(await as(c)('POST', `/v1/wallets/${c.walletId}/unlock`, {}), 409, 'wallet-not-locked');
  });

  it('refuses another customer’s biometric, even with the right nonce', async () => {
    const c = await fundedCustomer();
    expect((await as(c)('POST', `/v1/wallets/${c.walletId}/lock`, {})).status).toBe(200);
    const started = await as(c)('POST', `/v1/wallets/${c.walletId}/unlock`, {});
    const impostor = await verifiedCustomer();
    const r = await as(c)('POST', `/v1/wallets/${c.walletId}/unlock/authorize`, {
      biometricAssertion: await assertion(impostor.identity, { nonce: started.json.authentication.challengeId }),
    });
    expectProblem(r, 422, 'biometric-mismatch');
    expect(await walletStatus(c)).toBe('LOCKED');
  });
});

describe('law-enforcement requests (RULES.md §7, Decree 52 Art. 11)', () => {
  it('a FREEZE order stops every wallet of the subject sending and receiving, without telling the customer', async () => {
    const [c, sender] = await Promise.all([fundedCustomer(2 * M), fundedCustomer(2 * M)]);
    const second = await anotherWallet(c);
    const officer = await staff(['compliance']);
    const smsBefore = await smsCount(c.phone);

    const r = await ops(officer, 'POST', '/v1/ops/law-enforcement-requests', {
      authority: 'Công an thành phố Hà Nội (PC02)',
      reference: 'CV-1234/PC02',
      kind: 'FREEZE',
      subject: { phoneNumber: c.phone },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ status: 'COMPLETED', kind: 'FREEZE', customerId: c.customerId });
    expect(typeof r.json.requestId).toBe('string');
    expect(r.json.frozenWallets.map((w: { walletId: string }) => w.walletId).sort()).toEqual(
      [c.walletId, second.walletId].sort(),
    );
    expect(await walletStatus(c)).toBe('FROZEN');
    expect(await walletStatus(c, second.walletId)).toBe('FROZEN');

    expectProblem(await as(c)('POST', '/v1/transfers', p2p(c, sender, M)), 403, 'wallet-frozen');
    expectProblem(await as(sender)('POST', '/v1/transfers', p2p(sender, c, M)), 422, 'wallet-not-active');
    expectProblem(
      await as(sender)('POST', '/v1/transfers', p2p(sender, { walletId: second.walletId }, M)),
      422,
      'wallet-not-active',
    );
    expect(await smsCount(c.phone)).toBe(smsBefore);

    const read = await ops(officer, 'GET', `/v1/ops/law-enforcement-requests/${r.json.requestId}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(r.json);
  });

  it('answers an INFORMATION request with exactly the period’s statement entries, found by ID number', async () => {
    const c = await fundedCustomer();
    for (const amount of [1, 2, 3, 4, 5]) await topUp(c, amount * M);
    const entries = await statementOf(c, c.walletId); // newest first: 5, 4, 3, 2, 1
    expect(entries).toHaveLength(5);
    const period = { from: entries[3]!.createdAt, to: entries[1]!.createdAt };
    const officer = await staff(['compliance']);
    const smsBefore = await smsCount(c.phone);

    const r = await ops(officer, 'POST', '/v1/ops/law-enforcement-requests', {
      authority: 'Cơ quan Cảnh sát điều tra, Bộ Công an (C03)',
      reference: 'YC-77/C03',
      kind: 'INFORMATION',
      subject: { idNumber: c.identity.idNumber },
      period,
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const answer = r.json.answer;
    expect(answer.customer).toMatchObject({
      customerId: c.customerId,
      name: c.identity.fullName,
      phoneNumber: expect.stringMatching(/^\+84/),
      status: 'VERIFIED',
      kind: 'INDIVIDUAL',
    });
    expect(answer.customer.idNumberMask).toMatch(new RegExp(`^\\*+${c.identity.idNumber.slice(-3)}$`));
    expect(answer.wallets).toEqual([
      expect.objectContaining({ walletId: c.walletId, status: 'ACTIVE', balance: 15 * M }),
    ]);
    expect(answer.bankLinks).toEqual([
      expect.objectContaining({ linkId: c.linkId, walletId: c.walletId, bankCode: c.account.bankCode }),
    ]);
    expect(answer.bankLinks[0].maskedNumber).not.toContain(c.account.accountNumber);
    expect(answer.statement.entries.map((e: { entryId: string }) => e.entryId)).toEqual(
      entries.slice(1, 4).map((e) => e.entryId),
    );
    expect(answer.statement.entries.map((e: { amount: number }) => e.amount)).toEqual([4 * M, 3 * M, 2 * M]);
    // The package names no full ID or account number, and the customer hears nothing.
    const text = JSON.stringify(r.json);
    expect(text).not.toContain(c.identity.idNumber);
    expect(text).not.toContain(c.account.accountNumber);
    expect(await smsCount(c.phone)).toBe(smsBefore);
    expect(await walletStatus(c)).toBe('ACTIVE');

    const read = await ops(officer, 'GET', `/v1/ops/law-enforcement-requests/${r.json.requestId}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(r.json);
  });

  it('answers 404 for a subject that is no customer, and for an unknown request', async () => {
    const officer = await staff(['compliance']);
    const ask = (subject: Record<string, string>) =>
      ops(officer, 'POST', '/v1/ops/law-enforcement-requests', {
        authority: 'Công an tỉnh Bình Dương',
        reference: 'CV-9/PC02',
        kind: 'INFORMATION',
        subject,
      });
    expectProblem(await ask({ phoneNumber: newPhone() }), 404, 'not-found');
    expectProblem(await ask({ idNumber: newIdNumber() }), 404, 'not-found');
    expectProblem(await ask({ walletId: 'no-such-wallet' }), 404, 'not-found');
    expectProblem(await ask({}), 400, 'validation-failed');
    expectProblem(await ops(officer, 'GET', '/v1/ops/law-enforcement-requests/no-such-request'), 404, 'not-found');
  });
});

describe('large-value report (RULES.md §8)', () => {
  it('lists a completed transfer of 500,000,000 VND or more, and not a smaller one', async () => {
    const c = await fundedCustomer();
    const big = await completed(c, { type: 'TOPUP', walletId: c.walletId, linkId: c.linkId, amount: 500 * M + 1 });
    const small = await completed(c, { type: 'TOPUP', walletId: c.walletId, linkId: c.linkId, amount: 500 * M - 1 });
    const officer = await staff(['compliance']);
    const day = new Date(new Date(big.completedAt!).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

    const r = await ops(officer, 'GET', `/v1/ops/reports/large-value?date=${day}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ date: day, threshold: 500_000_000 });
    const ids = r.json.items.map((i: { transferId: string }) => i.transferId);
    expect(ids).toContain(big.transferId);
    expect(ids).not.toContain(small.transferId);
    expect(r.json.items.find((i: { transferId: string }) => i.transferId === big.transferId)).toEqual({
      transferId: big.transferId,
      type: 'TOPUP',
      amount: 500 * M + 1,
      walletId: c.walletId,
      status: 'COMPLETED',
      completedAt: big.completedAt,
      // Circular 27/2025: the full details of both parties, decrypted for compliance.
      sender: {
        kind: 'BANK_ACCOUNT',
        customerId: c.customerId,
        name: c.identity.fullName,
        idNumber: c.identity.idNumber,
        idType: 'CCCD',
        accountNumber: c.account.accountNumber,
        institution: c.account.bankCode,
      },
      receiver: {
        kind: 'WALLET',
        customerId: c.customerId,
        name: c.identity.fullName,
        idNumber: c.identity.idNumber,
        idType: 'CCCD',
        walletId: c.walletId,
        institution: expect.any(String),
      },
    });
    // Reading those details is audited under the customer too.
    expect((await auditOf(officer, c.customerId)).map((e) => e.action)).toContain('REPORT_READ');
    expectProblem(await ops(officer, 'GET', '/v1/ops/reports/large-value?date=yesterday'), 400, 'validation-failed');
  });
});

describe('audit trail (RULES.md §9)', () => {
  it('records each staff action with its actor and purpose, newest first', async () => {
    const c = await fundedCustomer();
    const operator = await staff();
    const officer = await staff(['compliance']);

    await ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/freeze`, { reason: 'Mule check', reference: 'T-7' });
    await ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/unfreeze`, { reason: 'Cleared', reference: 'T-7' });
    expect((await ops(operator, 'GET', '/v1/ops/reconciliation/safeguarding')).status).toBe(200);
    const listed = await ops(operator, 'POST', '/v1/ops/watchlist', {
      entries: [{ kind: 'PHONE', value: newPhone(), severity: 'WARN', source: 'INTERNAL', reason: 'test' }],
    });
    expect(listed.status).toBe(200);
    const request = await ops(officer, 'POST', '/v1/ops/law-enforcement-requests', {
      authority: 'Công an quận Hoàn Kiếm',
      reference: 'CV-55',
      kind: 'INFORMATION',
      subject: { walletId: c.walletId },
    });
    expect(request.status).toBe(201);
    expect((await ops(officer, 'GET', `/v1/ops/law-enforcement-requests/${request.json.requestId}`)).status).toBe(200);
    expect((await ops(officer, 'GET', '/v1/ops/reports/large-value?date=2026-01-02')).status).toBe(200);

    const onWallet = await auditOf(officer, c.walletId);
    expect(onWallet.map((e) => [e.action, e.actor])).toEqual([
      ['LAW_ENFORCEMENT_REQUEST_READ', officer.sub],
      ['LAW_ENFORCEMENT_REQUEST', officer.sub],
      ['WALLET_UNFREEZE', operator.sub],
      ['WALLET_FREEZE', operator.sub],
    ]);
    expect(onWallet[3]!.purpose).toEqual({
      route: 'POST /v1/ops/wallets/{walletId}/freeze',
      reason: 'Mule check',
      reference: 'T-7',
    });
    expect(onWallet[1]!.purpose).toMatchObject({ route: 'POST /v1/ops/law-enforcement-requests', reference: 'CV-55' });
    const times = onWallet.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);

    // Filed under the customer and the request too.
    expect((await auditOf(officer, c.customerId)).map((e) => e.action)).toContain('WALLET_FREEZE');
    expect((await auditOf(officer, request.json.requestId)).map((e) => e.action).sort()).toEqual(
      ['LAW_ENFORCEMENT_REQUEST', 'LAW_ENFORCEMENT_REQUEST_READ'].sort(),
    );

    const mine = async (subject: string) => (await auditOf(officer, subject)).filter((e) => e.actor === operator.sub);
    expect((await mine('reconciliation:safeguarding')).map((e) => e.purpose.route)).toEqual([
      'GET /v1/ops/reconciliation/safeguarding',
    ]);
    expect((await mine('watchlist')).map((e) => [e.action, e.purpose.route])).toEqual([
      ['WATCHLIST_IMPORT', 'POST /v1/ops/watchlist'],
    ]);
    const reports = (await auditOf(officer, 'report:large-value')).filter((e) => e.actor === officer.sub);
    expect(reports.map((e) => [e.action, e.purpose.reason])).toEqual([
      ['REPORT_READ', 'large-value report of 2026-01-02'],
    ]);

    // Reading the trail is audited too: the next read shows the one before.
    const again = await auditOf(officer, c.walletId);
    expect(again[0]).toMatchObject({
      action: 'AUDIT_READ',
      actor: officer.sub,
      purpose: { route: 'GET /v1/ops/audit' },
    });
  });

  it('pages the trail with a cursor', async () => {
    const c = await fundedCustomer();
    const operator = await staff();
    const officer = await staff(['compliance']);
    for (let i = 0; i < 3; i++) {
      const body = { reason: `round ${i}`, reference: `P-${i}` };
      expect((await ops(operator, 'POST', `/v1/ops/wallets/${c.walletId}/freeze`, body)).status).toBe(200);
    }
    const first = await ops(officer, 'GET', `/v1/ops/audit?subject=${c.walletId}&limit=2`);
    expect(first.json.items).toHaveLength(2);
    expect(typeof first.json.nextCursor).toBe('string');
    const second = await ops(
      officer,
      'GET',
      `/v1/ops/audit?subject=${c.walletId}&limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`,
    );
    expect(second.json.items.map((e: AuditItem) => e.purpose.reference)).toEqual(['P-0']);
    expect(first.json.items.map((e: AuditItem) => e.purpose.reference)).toEqual(['P-2', 'P-1']);
    // A cursor the API did not issue is bad input, not the first page again.
    expectProblem(
      await ops(officer, 'GET', `/v1/ops/audit?subject=${c.walletId}&cursor=not-a-cursor`),
      400,
      'validation-failed',
    );
  });
});

describe('access to staff routes', () => {
  const staffRoutes = routes.filter(
    (r) => r.access === 'operators' || r.access === 'compliance' || r.access === 'staff',
  );
  const pathOf = (path: string) => path.replace(/\{\w+\}/g, 'x');

  it('answers 403 forbidden to a customer on every operators and compliance route', async () => {
    expect(staffRoutes.length).toBeGreaterThanOrEqual(8);
    const c: ActiveCustomer = await activeCustomer();
    for (const route of staffRoutes) {
      const r = await as(c)(route.method, pathOf(route.path), route.method === 'GET' ? undefined : {});
      expectProblem(r, 403, 'forbidden');
    }
  });

  it('answers 403 to an operator without compliance on compliance routes, and the reverse', async () => {
    const [operator, officer] = await Promise.all([staff(['operators']), staff(['compliance'])]);
    for (const route of staffRoutes.filter((r) => r.access !== 'staff')) {
      const caller = route.access === 'compliance' ? operator : officer;
      const r = await ops(caller, route.method, pathOf(route.path), route.method === 'GET' ? undefined : {});
      expectProblem(r, 403, 'forbidden');
    }
  });

  it('answers 403 forbidden to a staff token on customer routes (staff users are not customers)', async () => {
    const operator = await staff(['operators', 'compliance']);
    const customerRoutes = routes.filter((r) => r.access === 'customer');
    expect(customerRoutes.length).toBeGreaterThan(20);
    for (const route of customerRoutes) {
      const r = await api(route.method, pathOf(route.path), {
        token: operator.token,
        device: 'staff-console',
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {}, idempotencyKey: randomUUID() }),
      });
      expectProblem(r, 403, 'forbidden');
    }
  });

  it("opens the audit trail to operators and to compliance officers alike (API.md lists it among the operators' routes)", async () => {
    const [operator, officer] = await Promise.all([staff(['operators']), staff(['compliance'])]);
    for (const caller of [operator, officer]) {
      const r = await ops(caller, 'GET', '/v1/ops/audit?subject=nobody');
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
  });
});

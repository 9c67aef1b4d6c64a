import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addWorkingDays, endOfHanoiDay } from '../../functions/core/domain/working-days.ts';
import { api, as, assertion, expectProblem, fundedCustomer, type Staff, signInOn, staff, transfer } from './client.ts';

// Suspicious-transaction reports (RULES.md §8; Law 14/2022 Art. 26, Circular 27/2025): a held
// transfer's case judged suspicious by an operator gives rise to a report due within 3 working
// days (the local runtime's configuration; Asia/Ho_Chi_Minh, weekends skipped), listed for
// compliance, once per case, audited. Through HTTP only.

const M = 1_000_000;

const call = (s: Staff, method: string, path: string, body?: unknown) =>
  api(method, path, { token: s.token, body, idempotencyKey: method === 'POST' ? randomUUID() : undefined });

/** A transfer the risk engine holds: a large P2P to a new payee from a device trusted minutes ago. */
async function heldTransfer() {
  const [victim, scammer] = await Promise.all([fundedCustomer(30 * M), fundedCustomer()]);
  const onNew = await signInOn(victim, randomUUID());
  const { challengeId } = (await as(onNew)('POST', `/v1/devices/${onNew.device}/trust-challenges`, {})).json;
  const trust = await as(onNew)('POST', `/v1/devices/${onNew.device}/trust`, {
    challengeId,
    biometricAssertion: await assertion(victim.identity, { nonce: challengeId }),
  });
  expect(trust.status).toBe(200);
  const o = await transfer(
    { ...victim, ...onNew, softOtpSecret: trust.json.softOtp.secret as string },
    { type: 'P2P', walletId: victim.walletId, toWalletId: scammer.walletId, amount: 9 * M },
  );
  expect(o.final?.status).toBe('HELD');
  return { victim, transferId: o.final!.transferId };
}

/** Pages through a list until the item is found. */
async function findIn(s: Staff, path: string, match: (item: any) => boolean) {
  let cursor: string | undefined;
  do {
    const r = await call(s, 'GET', `${path}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const found = r.json.items.find(match);
    if (found) return found;
    cursor = r.json.nextCursor;
  } while (cursor);
  return undefined;
}

describe('suspicious-transaction reports', () => {
  it('a held case judged suspicious gets a report due in 3 working days, listed for compliance, once', async () => {
    const { victim, transferId } = await heldTransfer();
    const [operator, officer] = await Promise.all([staff(['operators']), staff(['compliance'])]);
    const held = await findIn(operator, '/v1/ops/cases?status=OPEN', (c) => c.transferId === transferId);
    expect(held, `the case of ${transferId}`).toBeDefined();

    const r = await call(operator, 'POST', `/v1/ops/cases/${held.caseId}/suspicious`, {
      reason: 'New device, new payee, most of the balance: likely account takeover',
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const dueDate = addWorkingDays(new Date(r.json.detectedAt), 3);
    expect(r.json).toMatchObject({
      caseId: held.caseId,
      transferId,
      walletId: victim.walletId,
      customerId: victim.customerId,
      amount: 9 * M,
      status: 'OPEN',
      reportedBy: operator.sub,
      dueDate,
      dueAt: endOfHanoiDay(dueDate),
    });
    expect(r.json.ruleHits.map((h: { rule: string }) => h.rule)).toContain('accountTakeover');

    // Once per case.
    const again = await call(operator, 'POST', `/v1/ops/cases/${held.caseId}/suspicious`, { reason: 'again' });
    expectProblem(again, 409, 'case-reported');
    expect(again.json.reportId).toBe(r.json.reportId);

    // Listed for compliance, the soonest due first; not for operators or customers.
    const listed = await findIn(
      officer,
      '/v1/ops/reports/suspicious?status=OPEN',
      (i) => i.reportId === r.json.reportId,
    );
    expect(listed).toMatchObject({ reportId: r.json.reportId, dueDate });
    expectProblem(await call(operator, 'GET', '/v1/ops/reports/suspicious'), 403, 'forbidden');
    expectProblem(await as(victim)('GET', '/v1/ops/reports/suspicious'), 403, 'forbidden');

    // Audited under the case, the transfer and the customer.
    for (const subject of [held.caseId, transferId, victim.customerId]) {
      const trail = await call(officer, 'GET', `/v1/ops/audit?subject=${subject}&limit=100`);
      expect(trail.json.items.map((e: { action: string }) => e.action)).toContain('SUSPICIOUS_TRANSACTION_REPORT');
    }

    // The report does not decide the case: the operator still does.
    const decided = await call(operator, 'POST', `/v1/ops/cases/${held.caseId}/decision`, {
      decision: 'REJECT',
      note: 'reported as suspicious',
    });
    expect(decided.status, JSON.stringify(decided.json)).toBe(200);
  });

  it('answers 404 for a case that does not exist', async () => {
    const operator = await staff(['operators']);
    expectProblem(
      await call(operator, 'POST', '/v1/ops/cases/NO-SUCH-CASE/suspicious', { reason: 'x' }),
      404,
      'not-found',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { container, overrideServices } from '../../functions/core/container.ts';
import type { Clock } from '../../functions/core/ports/clock.ts';
import { runDataRetentionJob } from '../../functions/core/use-cases/data-retention-job.ts';
import { getDataRequest, requestData } from '../../functions/core/use-cases/personal-data.ts';
import { signIn } from '../../functions/core/use-cases/sign-in.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { verifiedCustomer } from '../support/journeys.ts';

// The data-retention job (RULES.md §8, §9; Law 91/2025, Law 14/2022 Art. 40) against the real
// engines, with an injected clock: an erased customer's record, kept encrypted for AML, is deleted
// with its wallets, consents, requests and guards once its 5 years have passed, and not a day
// before; each deletion is audited; a request a crash left OPEN is finished.

const clock = {
  at: new Date('2026-03-02T03:00:00Z'),
  now() {
    return this.at;
  },
} satisfies Clock & { at: Date };

const route = 'test';

async function erasedCustomer() {
  const c = await verifiedCustomer();
  const wallet = await openWallet(container(), c.customerId);
  const erased = await requestData(container(), { subject: c.customerId, groups: [] }, 'DELETE', route);
  expect(erased).toMatchObject({ kind: 'DELETE', status: 'COMPLETED' });
  return { ...c, walletId: wallet.walletId, requestId: erased.requestId };
}

describe('the data-retention job', () => {
  overrideServices({ clock });

  it('keeps an erased customer encrypted and restricted for 5 years, then deletes everything of it', async () => {
    clock.at = new Date('2026-03-02T03:00:00Z');
    const c = await erasedCustomer();
    const services = container();
    const kept = await services.store.getCustomer(c.customerId, { consistent: true });
    expect(kept).toMatchObject({ status: 'CLOSED', phoneNumber: '', retainUntil: '2031-03-03' });
    expect(kept?.identity).toBeUndefined();
    expect(kept?.retainedEnc).toBeTruthy();
    expect(JSON.stringify(kept)).not.toContain(c.identity.fullName);
    expect(JSON.stringify(kept)).not.toContain(c.phone);
    expect((await services.wallets.get(c.walletId))?.status).toBe('CLOSED');
    // Sign-in stopped at once: the number names no one (and the Cognito user is gone).
    await expect(
      signIn(services, { phoneNumber: c.phone, password: 'Str0ng!pass', deviceId: 'd' }),
    ).rejects.toMatchObject({
      reason: 'unauthenticated',
    });
    const idHash = await (await services.keyRing()).mac('id-number', c.identity.idNumber);
    expect(await services.lawEnforcement.customerIdByIdNumberHash(idHash)).toBe(c.customerId);

    // The day before the 5 years are over: nothing of it goes.
    clock.at = new Date('2031-03-02T16:00:00Z'); // 23:00 on 2031-03-02 in Hanoi
    await runDataRetentionJob(services);
    expect((await services.store.getCustomer(c.customerId, { consistent: true }))?.status).toBe('CLOSED');

    // From its day on, the job deletes it all, audited first.
    clock.at = new Date('2031-03-02T17:30:00Z'); // 00:30 on 2031-03-03 in Hanoi
    const run = await runDataRetentionJob(services);
    expect(run.customersDeleted).toBeGreaterThanOrEqual(1);
    expect(await services.store.getCustomer(c.customerId, { consistent: true })).toBeUndefined();
    expect(await services.wallets.get(c.walletId)).toBeUndefined();
    expect(await services.profile.consents(c.customerId)).toEqual([]);
    expect(await services.profile.dataRequestsOf(c.customerId)).toEqual([]);
    expect(await services.lawEnforcement.customerIdByIdNumberHash(idHash)).toBeUndefined();
    const trail = await services.audit.list(c.customerId, 100);
    expect(trail.items.map((e) => e.action)).toEqual(expect.arrayContaining(['DATA_ERASURE', 'RETENTION_DELETE']));

    // Again: nothing left to delete, nothing fails.
    clock.at = new Date('2031-03-04T03:00:00Z');
    const again = await runDataRetentionJob(services);
    expect(await services.store.getCustomer(c.customerId, { consistent: true })).toBeUndefined();
    expect(again.itemsDeleted).toBeGreaterThanOrEqual(0);
  });

  it('catches up a month of missed runs', async () => {
    clock.at = new Date('2026-03-10T03:00:00Z');
    const c = await erasedCustomer();
    clock.at = new Date('2031-04-05T03:00:00Z'); // 27 days after its day (2031-03-11)
    await runDataRetentionJob(container());
    expect(await container().store.getCustomer(c.customerId, { consistent: true })).toBeUndefined();
  });

  it('finishes a request a crash left OPEN', async () => {
    clock.at = new Date('2026-05-04T03:00:00Z');
    const c = await verifiedCustomer();
    const services = container();
    // An ACCESS request written, its answer cut off before the export (a Lambda timed out).
    const request = {
      requestId: `01TEST${Date.now()}`,
      customerId: c.customerId,
      kind: 'ACCESS' as const,
      status: 'OPEN' as const,
      createdAt: clock.at.toISOString(),
      dueAt: new Date(clock.at.getTime() + 3 * 86_400_000).toISOString(),
    };
    await services.profile.createDataRequest(request);
    const run = await runDataRetentionJob(services);
    expect(run.requestsFinished).toBeGreaterThanOrEqual(1);
    const done = await getDataRequest(services, c.customerId, request.requestId);
    expect(done).toMatchObject({ status: 'COMPLETED' });
    expect((done as unknown as { export: { profile: { customerId: string } } }).export.profile.customerId).toBe(
      c.customerId,
    );
  });
});

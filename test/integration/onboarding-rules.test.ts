import { describe, expect, it } from 'vitest';
import { container, overrideServices } from '../../functions/core/container.ts';
import type { Clock } from '../../functions/core/ports/clock.ts';
import { runIdExpiryJob } from '../../functions/core/use-cases/id-expiry-job.ts';
import { submitKyc } from '../../functions/core/use-cases/submit-kyc.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { kycInput, newIdNumber, registeredCustomer } from '../support/journeys.ts';

// Onboarding rules that need a moving clock or an operator's data, against the real engines.

const clock = {
  at: new Date('2026-11-28T03:00:00Z'),
  now() {
    return this.at;
  },
} satisfies Clock & { at: Date };
overrideServices({ clock });
describe('watch-list screening at opening (RULES.md §5, §7)', () => {
  it('rejects an ID number on a BLOCK entry and lets a WARN entry through', async () => {
    const blocked = newIdNumber();
    const warned = newIdNumber();
    await container().watchlist.upsert(
      [
        { kind: 'ID_NUMBER', value: blocked, severity: 'BLOCK', source: 'MPS_WARNING_DB', reason: 'fraud ring' },
        { kind: 'ID_NUMBER', value: warned, severity: 'WARN', source: 'SBV_SIMO', reason: 'reported once' },
      ],
      clock.now(),
    );
    const a = await registeredCustomer();
    expect(await submitKyc(container(), a.customerId, 'd', await kycInput(undefined, blocked))).toEqual({
      status: 'REJECTED',
      reasons: ['watchlist-blocked'],
    });
    expect((await container().store.getCustomer(a.customerId))?.status).toBe('REJECTED');
    const b = await registeredCustomer();
    expect((await submitKyc(container(), b.customerId, 'd', await kycInput(undefined, warned))).status).toBe(
      'VERIFIED',
    );
  });
});

describe('ID expiry (RULES.md §5)', () => {
  it('makes the customer REVERIFICATION_REQUIRED the day after expiry; a new KYC restores VERIFIED', async () => {
    const c = await registeredCustomer();
    const expiry = '2026-12-05';
    expect((await submitKyc(container(), c.customerId, 'd', await kycInput(expiry))).status).toBe('VERIFIED');

    clock.at = new Date('2026-12-05T10:00:00Z'); // the last valid day, in Hanoi
    await runIdExpiryJob(container());
    expect((await container().store.getCustomer(c.customerId))?.status).toBe('VERIFIED');

    clock.at = new Date('2026-12-05T17:30:00Z'); // 00:30 on 6 December in Hanoi
    const run = await runIdExpiryJob(container());
    expect(run.expired).toBeGreaterThanOrEqual(1);
    expect((await container().store.getCustomer(c.customerId))?.status).toBe('REVERIFICATION_REQUIRED');
    await expect(openWallet(container(), c.customerId)).rejects.toMatchObject({ reason: 'kyc-required' });

    const customer = await container().store.getCustomer(c.customerId);
    const again = await kycInput('2046-12-05');
    const sameId = await container()
      .keyRing()
      .then((r) => r.decrypt(customer!.identity!.idNumberEnc));
    const renewed = await kycInput('2046-12-05', sameId);
    expect(again.idNumber).not.toBe(sameId);
    expect((await submitKyc(container(), c.customerId, 'd', renewed)).status).toBe('VERIFIED');
    expect((await container().store.getCustomer(c.customerId))?.status).toBe('VERIFIED');
  });

  it('catches up after missed runs, and never touches a customer twice', async () => {
    const c = await registeredCustomer();
    clock.at = new Date('2026-11-28T03:00:00Z');
    await submitKyc(container(), c.customerId, 'd', await kycInput('2026-12-10'));
    clock.at = new Date('2026-12-14T03:00:00Z'); // four days of missed runs
    await runIdExpiryJob(container());
    expect((await container().store.getCustomer(c.customerId))?.status).toBe('REVERIFICATION_REQUIRED');
    const second = await runIdExpiryJob(container());
    expect(second.expired).toBe(0);
  });
});

describe('personal data at rest (RULES.md §9)', () => {
  it('stores the ID number and birth date encrypted, with a keyed hash and a mask', async () => {
    clock.at = new Date('2026-11-28T03:00:00Z');
    const c = await registeredCustomer();
    const input = await kycInput();
    await submitKyc(container(), c.customerId, 'd', input);
    const stored = await container().store.getCustomer(c.customerId);
    const raw = JSON.stringify(stored);
    expect(raw).not.toContain(input.idNumber);
    expect(raw).not.toContain(input.dateOfBirth);
    expect(stored?.identity?.idNumberMask).toBe(`*********${input.idNumber.slice(-3)}`);
    const ring = await container().keyRing();
    expect(await ring.decrypt(stored!.identity!.idNumberEnc)).toBe(input.idNumber);
    expect(stored?.identity?.idNumberHash).toBe(await ring.mac('id-number', input.idNumber));
  });
});

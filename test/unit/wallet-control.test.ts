import { describe, expect, it } from 'vitest';
import {
  planFreeze,
  planLock,
  planUnfreeze,
  planUnlock,
  releasedStatus,
} from '../../functions/core/domain/wallet-control.ts';

// Freeze (operators, law enforcement) and self-lock (RULES.md §7): who stops a wallet and where it returns.

describe('freeze and unfreeze', () => {
  it('freezes ACTIVE, LOCKED and PENDING_LINK wallets, remembering where they were', () => {
    for (const status of ['ACTIVE', 'LOCKED', 'PENDING_LINK'] as const) {
      expect(planFreeze({ status })).toEqual({ kind: 'freeze', from: status });
    }
  });

  it('records another order on a frozen wallet and refuses a closed one', () => {
    expect(planFreeze({ status: 'FROZEN' })).toEqual({ kind: 'already-frozen' });
    expect(planFreeze({ status: 'CLOSED' })).toEqual({ kind: 'closed' });
  });

  it('brings a wallet its owner locked back LOCKED', () => {
    expect(planUnfreeze({ status: 'FROZEN', frozenFrom: 'LOCKED', activeLinks: 1 })).toEqual({
      kind: 'unfreeze',
      to: 'LOCKED',
    });
  });

  it('otherwise decides by the bank links it has now, not by what it had when frozen', () => {
    expect(planUnfreeze({ status: 'FROZEN', frozenFrom: 'ACTIVE', activeLinks: 2 })).toEqual({
      kind: 'unfreeze',
      to: 'ACTIVE',
    });
    // Frozen before its first link, linked while frozen: ACTIVE (RULES.md §6 is met).
    expect(planUnfreeze({ status: 'FROZEN', frozenFrom: 'PENDING_LINK', activeLinks: 1 })).toEqual({
      kind: 'unfreeze',
      to: 'ACTIVE',
    });
    expect(planUnfreeze({ status: 'FROZEN', frozenFrom: 'PENDING_LINK' })).toEqual({
      kind: 'unfreeze',
      to: 'PENDING_LINK',
    });
  });

  it('has nothing to lift on a wallet that is not frozen', () => {
    for (const status of ['ACTIVE', 'LOCKED', 'PENDING_LINK', 'CLOSED'] as const) {
      expect(planUnfreeze({ status })).toEqual({ kind: 'not-frozen' });
    }
  });
});

describe('self-lock and unlock', () => {
  it('locks ACTIVE and PENDING_LINK wallets at once', () => {
    expect(planLock({ status: 'ACTIVE' })).toEqual({ kind: 'lock', from: 'ACTIVE' });
    expect(planLock({ status: 'PENDING_LINK' })).toEqual({ kind: 'lock', from: 'PENDING_LINK' });
  });

  it('keeps a FROZEN wallet FROZEN, remembering the lock for when the freeze is lifted', () => {
    expect(planLock({ status: 'FROZEN', frozenFrom: 'ACTIVE' })).toEqual({ kind: 'lock-under-freeze' });
    expect(planLock({ status: 'FROZEN', frozenFrom: 'LOCKED' })).toEqual({ kind: 'already-locked' });
    expect(planLock({ status: 'LOCKED' })).toEqual({ kind: 'already-locked' });
    expect(planLock({ status: 'CLOSED' })).toEqual({ kind: 'closed' });
  });

  it('unlocks only a LOCKED wallet, to ACTIVE with a bank link and PENDING_LINK without', () => {
    expect(planUnlock({ status: 'LOCKED', activeLinks: 1 })).toEqual({ kind: 'unlock', to: 'ACTIVE' });
    expect(planUnlock({ status: 'LOCKED', activeLinks: 0 })).toEqual({ kind: 'unlock', to: 'PENDING_LINK' });
    expect(planUnlock({ status: 'FROZEN' })).toEqual({ kind: 'frozen' });
    expect(planUnlock({ status: 'ACTIVE' })).toEqual({ kind: 'not-locked' });
    expect(planUnlock({ status: 'CLOSED' })).toEqual({ kind: 'closed' });
  });

  it('releases to ACTIVE only with at least one bank link', () => {
    expect(releasedStatus({})).toBe('PENDING_LINK');
    expect(releasedStatus({ activeLinks: 0 })).toBe('PENDING_LINK');
    expect(releasedStatus({ activeLinks: 3 })).toBe('ACTIVE');
  });
});

import { describe, expect, it } from 'vitest';
import { type LedgerPhase, postings, sumsToZero } from '../../functions/core/domain/ledger.ts';
import { countersOn, countsTowardDailyTotals, countsTowardMonthlyCap } from '../../functions/core/domain/transfer.ts';

describe('double-entry postings (DESIGN.md "Money movement")', () => {
  const t = { walletId: 'w1', toWalletId: 'w2', amount: 1_234_567 };

  it.each<LedgerPhase>([
    'TOPUP_CREDIT',
    'WITHDRAWAL_RESERVE',
    'WITHDRAWAL_PAYOUT',
    'WITHDRAWAL_RETURN',
    'TRANSFER',
    'HOLD_RESERVE',
    'HOLD_RELEASE',
    'HOLD_RETURN',
  ])('%s sums to zero', (phase) => {
    expect(sumsToZero(postings(phase, t))).toBe(true);
  });

  it('credits the wallet against safeguarding on a top-up', () => {
    expect(postings('TOPUP_CREDIT', t)).toEqual([
      { account: { wallet: 'w1' }, amount: 1_234_567 },
      { account: { system: 'SAFEGUARDING' }, amount: -1_234_567 },
    ]);
  });

  it('a withdrawal reserved then returned leaves the wallet whole and clearing empty', () => {
    const all = [...postings('WITHDRAWAL_RESERVE', t), ...postings('WITHDRAWAL_RETURN', t)];
    const net = (key: string) =>
      all.filter((p) => JSON.stringify(p.account).includes(key)).reduce((s, p) => s + p.amount, 0);
    expect(net('w1')).toBe(0);
    expect(net('BANK_CLEARING')).toBe(0);
  });

  it('a withdrawal paid out moves the money from the wallet to the bank', () => {
    const all = [...postings('WITHDRAWAL_RESERVE', t), ...postings('WITHDRAWAL_PAYOUT', t)];
    const net = (key: string) =>
      all.filter((p) => JSON.stringify(p.account).includes(key)).reduce((s, p) => s + p.amount, 0);
    expect([net('w1'), net('BANK_CLEARING'), net('SAFEGUARDING')]).toEqual([-1_234_567, 0, 1_234_567]);
  });
});

describe('what counts toward the limits', () => {
  it('leaves top-ups out of the daily totals (RULES.md §2)', () => {
    expect(countsTowardDailyTotals('TOPUP')).toBe(false);
    expect(countsTowardDailyTotals('WITHDRAWAL')).toBe(true);
    expect(countsTowardDailyTotals('P2P')).toBe(true);
  });

  it('counts P2P to others and payments of individuals toward the monthly cap (RULES.md §6)', () => {
    expect(countsTowardMonthlyCap({ type: 'P2P', group: 'I.3', customerKind: 'INDIVIDUAL' })).toBe(true);
    expect(countsTowardMonthlyCap({ type: 'PAYMENT', group: 'I.2', customerKind: 'INDIVIDUAL' })).toBe(true);
    expect(countsTowardMonthlyCap({ type: 'P2P', group: 'I.1', customerKind: 'INDIVIDUAL' })).toBe(false);
    expect(countsTowardMonthlyCap({ type: 'WITHDRAWAL', group: 'I.3', customerKind: 'INDIVIDUAL' })).toBe(false);
    expect(countsTowardMonthlyCap({ type: 'TOPUP', group: 'I.3', customerKind: 'INDIVIDUAL' })).toBe(false);
    expect(countsTowardMonthlyCap({ type: 'PAYMENT', group: 'II.2', customerKind: 'ORGANIZATION' })).toBe(false);
  });

  it('starts the counters afresh on a new Hanoi day', () => {
    const wallet = { counterDay: '2026-11-28', counters: { 'I.3': { total: 15_000_000, totalAB: 15_000_000 } } };
    expect(countersOn(wallet, 'I.3', new Date('2026-11-28T16:59:59Z'))).toEqual({
      total: 15_000_000,
      totalAB: 15_000_000,
    });
    expect(countersOn(wallet, 'I.3', new Date('2026-11-28T17:00:00Z'))).toEqual({ total: 0, totalAB: 0 });
    expect(countersOn(wallet, 'I.2', new Date('2026-11-28T10:00:00Z'))).toEqual({ total: 0, totalAB: 0 });
  });
});

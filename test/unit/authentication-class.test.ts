import { describe, expect, it } from 'vitest';
import {
  type AuthenticationClass,
  authenticationClass,
  classThresholds,
  countersAfter,
  type DailyCounters,
  maxClass,
  requiredFactors,
  strongerOrEqual,
  type TransactionGroup,
  transactionGroup,
} from '../../functions/core/domain/authentication-class.ts';

// Amounts are written out in VND on purpose (not taken from `classThresholds`), so a wrong
// threshold in the code fails these tests.
const M = 1_000_000;
const B = 1_000_000_000;

/** The class of one transaction: G = amount, T = total, Tksth = totalAB. */
const classOf = (group: TransactionGroup, amount: number, total = 0, totalAB = 0, linkedBank = false) =>
  authenticationClass({ group, amount, counters: { total, totalAB }, linkedBank });

describe('transaction groups (RULES.md §1, Circular 50 Appendix 01)', () => {
  it.each([
    ['P2P', 'INDIVIDUAL', true, 'I.1'],
    ['P2P', 'INDIVIDUAL', false, 'I.3'],
    ['PAYMENT', 'INDIVIDUAL', false, 'I.2'],
    ['PAYMENT', 'INDIVIDUAL', true, 'I.2'],
    ['TOPUP', 'INDIVIDUAL', false, 'I.3'],
    ['TOPUP', 'INDIVIDUAL', true, 'I.3'],
    ['WITHDRAWAL', 'INDIVIDUAL', false, 'I.3'],
    ['WITHDRAWAL', 'INDIVIDUAL', true, 'I.3'],
    ['P2P', 'ORGANIZATION', true, 'II.1'],
    ['P2P', 'ORGANIZATION', false, 'II.2'],
    ['PAYMENT', 'ORGANIZATION', false, 'II.2'],
    ['PAYMENT', 'ORGANIZATION', true, 'II.2'],
    ['TOPUP', 'ORGANIZATION', false, 'II.2'],
    ['TOPUP', 'ORGANIZATION', true, 'II.2'],
    ['WITHDRAWAL', 'ORGANIZATION', false, 'II.2'],
    ['WITHDRAWAL', 'ORGANIZATION', true, 'II.2'],
  ] as const)('%s by an %s (ownWallet %s) is group %s', (type, customerKind, ownWallet, group) => {
    expect(transactionGroup({ type, customerKind, ownWallet })).toBe(group);
  });
});

describe('groups I.1 and II.1: own wallets are always class A (RULES.md §2)', () => {
  it.each([
    ['I.1', 1, 0],
    ['I.1', 500 * M + 1, 0],
    ['I.1', 2 * B, 100 * B],
    ['II.1', 1, 0],
    ['II.1', 1 * B + 1, 0],
    ['II.1', 20 * B, 100 * B],
  ] as const)('%s: G = %i, T = %i → A', (group, amount, total) => {
    expect(classOf(group, amount, total, total)).toBe('A');
  });
});

describe('group I.2, payments: by G+T (RULES.md §2)', () => {
  it.each([
    [5 * M - 1, 'A'],
    [5 * M, 'A'],
    [5 * M + 1, 'B'],
    [10 * M + 1, 'B'],
    [20 * M + 1, 'B'],
    [100 * M - 1, 'B'],
    [100 * M, 'B'],
    [100 * M + 1, 'C'],
    [500 * M + 1, 'C'],
    [1_500 * M - 1, 'C'],
    [1_500 * M, 'C'],
    [1_500 * M + 1, 'D'],
  ] as const)('G = %i alone → %s', (amount, expected) => {
    expect(classOf('I.2', amount)).toBe(expected);
  });

  it.each([
    [1 * M, 4 * M - 1, 'A'],
    [1 * M, 4 * M, 'A'],
    [1 * M, 4 * M + 1, 'B'],
    [1, 5 * M, 'B'],
    [1 * M, 99 * M - 1, 'B'],
    [1 * M, 99 * M, 'B'],
    [1 * M, 99 * M + 1, 'C'],
    [1 * M, 1_499 * M - 1, 'C'],
    [1 * M, 1_499 * M, 'C'],
    [1 * M, 1_499 * M + 1, 'D'],
    [1, 1_500 * M, 'D'],
  ] as const)('G = %i with T = %i (G+T decides) → %s', (amount, total, expected) => {
    expect(classOf('I.2', amount, total, total)).toBe(expected);
  });

  it('ignores Tksth and the linked bank: only G+T counts', () => {
    expect(classOf('I.2', 1 * M, 0, 50 * M, true)).toBe('A');
    expect(classOf('I.2', 6 * M, 0, 0, true)).toBe('B');
    // T well past the lines although Tksth was reset by a C: still C on G+T.
    expect(classOf('I.2', 1 * M, 200 * M, 0)).toBe('C');
  });
});

describe('group I.3, transfers to another owner, top-ups, withdrawals (RULES.md §2)', () => {
  it.each([
    [1, 'B'],
    [10 * M - 1, 'B'],
    [10 * M, 'B'],
    [10 * M + 1, 'C'],
    [20 * M, 'C'],
    [100 * M + 1, 'C'],
    [500 * M - 1, 'C'],
    [500 * M, 'C'],
    [500 * M + 1, 'D'],
    [1_500 * M + 1, 'D'],
  ] as const)('G = %i alone, not with a linked bank → %s', (amount, expected) => {
    expect(classOf('I.3', amount)).toBe(expected);
  });

  it.each([
    // G ≤ 10M: the 20M line on G+Tksth decides between A/B and C.
    [10 * M, 10 * M - 1, 'B'],
    [10 * M, 10 * M, 'B'],
    [10 * M, 10 * M + 1, 'C'],
    [5 * M, 15 * M - 1, 'B'],
    [5 * M, 15 * M, 'B'],
    [5 * M, 15 * M + 1, 'C'],
    [1, 20 * M - 1, 'B'],
    [1, 20 * M, 'C'],
  ] as const)('G = %i with Tksth = T = %i → %s', (amount, totalAB, expected) => {
    expect(classOf('I.3', amount, totalAB, totalAB)).toBe(expected);
  });

  it.each([
    // G ≤ 10M and G+Tksth > 20M: the 1.5B line on G+T decides between C and D.
    [10 * M, 1_490 * M - 1, 'C'],
    [10 * M, 1_490 * M, 'C'],
    [10 * M, 1_490 * M + 1, 'D'],
    // 10M < G ≤ 500M: the same line.
    [10 * M + 1, 1_490 * M - 2, 'C'],
    [10 * M + 1, 1_490 * M - 1, 'C'],
    [10 * M + 1, 1_490 * M, 'D'],
    [500 * M, 1 * B - 1, 'C'],
    [500 * M, 1 * B, 'C'],
    [500 * M, 1 * B + 1, 'D'],
  ] as const)('G = %i, Tksth = 20M, T = %i (G+T decides) → %s', (amount, total, expected) => {
    expect(classOf('I.3', amount, total, 20 * M)).toBe(expected);
  });

  it('keeps B within the A/B lines however large T is (T only separates C from D)', () => {
    expect(classOf('I.3', 10 * M, 1_495 * M, 10 * M)).toBe('B');
    expect(classOf('I.3', 10 * M, 1_495 * M, 10 * M, true)).toBe('A');
  });

  it('makes G > 500M class D even on a fresh day', () => {
    expect(classOf('I.3', 500 * M + 1, 0, 0, true)).toBe('D');
  });
});

describe('group I.3 with the owner linked bank: class A within the lines (RULES.md §2)', () => {
  it.each([
    [1, 0, 'A'],
    [10 * M - 1, 0, 'A'],
    [10 * M, 0, 'A'],
    [10 * M, 10 * M, 'A'],
    [10 * M, 10 * M + 1, 'C'],
    [5 * M, 15 * M, 'A'],
    [5 * M, 15 * M + 1, 'C'],
    [10 * M + 1, 0, 'C'],
    [15 * M, 0, 'C'],
    [500 * M, 0, 'C'],
    [500 * M + 1, 0, 'D'],
  ] as const)('G = %i with Tksth = T = %i → %s', (amount, totalAB, expected) => {
    expect(classOf('I.3', amount, totalAB, totalAB, true)).toBe(expected);
  });

  it('is D past the 1.5B line on G+T once outside the A/B lines', () => {
    expect(classOf('I.3', 10 * M, 1_490 * M + 1, 15 * M, true)).toBe('D');
  });

  it.each([
    ['TOPUP', 5 * M, 'A'],
    ['TOPUP', 15 * M, 'C'],
    ['WITHDRAWAL', 10 * M, 'A'],
    ['WITHDRAWAL', 500 * M + 1, 'D'],
  ] as const)('an individual %s of %i with the linked bank is class %s', (type, amount, expected) => {
    const group = transactionGroup({ type, customerKind: 'INDIVIDUAL', ownWallet: false });
    expect(authenticationClass({ group, amount, counters: { total: 0, totalAB: 0 }, linkedBank: true })).toBe(expected);
  });
});

describe('group II.2, organisations: C or D only (RULES.md §2)', () => {
  it.each([
    [1, 'C'],
    [5 * M, 'C'],
    [10 * M, 'C'],
    [1 * B - 1, 'C'],
    [1 * B, 'C'],
    [1 * B + 1, 'D'],
  ] as const)('G = %i alone → %s', (amount, expected) => {
    expect(classOf('II.2', amount)).toBe(expected);
    expect(classOf('II.2', amount, 0, 0, true)).toBe(expected);
  });

  it.each([
    [1 * B, 9 * B - 1, 'C'],
    [1 * B, 9 * B, 'C'],
    [1 * B, 9 * B + 1, 'D'],
    [1 * M, 9_999 * M - 1, 'C'],
    [1 * M, 9_999 * M, 'C'],
    [1 * M, 9_999 * M + 1, 'D'],
    [1, 10 * B, 'D'],
  ] as const)('G = %i with T = %i (G+T decides) → %s', (amount, total, expected) => {
    expect(classOf('II.2', amount, total, 0)).toBe(expected);
  });
});

describe('counters after a committed transaction (RULES.md §2)', () => {
  const counters: DailyCounters = { total: 30 * M, totalAB: 12 * M };

  it.each([
    ['A', { total: 33 * M, totalAB: 15 * M }],
    ['B', { total: 33 * M, totalAB: 15 * M }],
    ['C', { total: 33 * M, totalAB: 0 }],
    ['D', { total: 33 * M, totalAB: 0 }],
  ] as const)('class %s: %o', (cls, expected) => {
    expect(countersAfter(counters, 3 * M, cls)).toEqual(expected);
  });

  it('does not change the counters it was given', () => {
    countersAfter(counters, 3 * M, 'C');
    expect(counters).toEqual({ total: 30 * M, totalAB: 12 * M });
  });

  it('resets Tksth after a D too, so the next small transfer is B again', () => {
    const afterD = countersAfter({ total: 0, totalAB: 0 }, 600 * M, classOf('I.3', 600 * M));
    expect(afterD).toEqual({ total: 600 * M, totalAB: 0 });
    expect(authenticationClass({ group: 'I.3', amount: 5 * M, counters: afterD, linkedBank: false })).toBe('B');
  });
});

describe('RULES.md test vectors (individual, I.3, P2P to another owner, fresh day)', () => {
  const group = transactionGroup({ type: 'P2P', customerKind: 'INDIVIDUAL', ownWallet: false });

  /** Replays the earlier transactions (checking their classes) and returns the counters before G. */
  function countersBefore(earlier: readonly (readonly [number, AuthenticationClass])[]): DailyCounters {
    let counters: DailyCounters = { total: 0, totalAB: 0 };
    for (const [amount, expected] of earlier) {
      const cls = authenticationClass({ group, amount, counters, linkedBank: false });
      expect(cls).toBe(expected);
      counters = countersAfter(counters, amount, cls);
    }
    return counters;
  }

  const classAfter = (earlier: readonly (readonly [number, AuthenticationClass])[], amount: number) =>
    authenticationClass({ group, amount, counters: countersBefore(earlier), linkedBank: false });

  it('is group I.3', () => expect(group).toBe('I.3'));

  it('vector 1 (RULES.md): none earlier, G = 5,000,000 → B', () => {
    expect(classAfter([], 5_000_000)).toBe('B');
  });

  it('vector 2 (RULES.md): 5M → B, then G = 10,000,000 → B (G+Tksth = 15M)', () => {
    expect(countersBefore([[5 * M, 'B']])).toEqual({ total: 5 * M, totalAB: 5 * M });
    expect(classAfter([[5 * M, 'B']], 10_000_000)).toBe('B');
  });

  it('vector 3 (RULES.md): 5M → B, 10M → B, then G = 6,000,000 → C (G+Tksth = 21M > 20M)', () => {
    const earlier = [
      [5 * M, 'B'],
      [10 * M, 'B'],
    ] as const;
    expect(countersBefore(earlier)).toEqual({ total: 15 * M, totalAB: 15 * M });
    expect(classAfter(earlier, 6_000_000)).toBe('C');
  });

  it('vector 4 (RULES.md): 5M → B, 10M → B, 6M → C, then G = 3,000,000 → B (Tksth was reset by the C)', () => {
    const earlier = [
      [5 * M, 'B'],
      [10 * M, 'B'],
      [6 * M, 'C'],
    ] as const;
    expect(countersBefore(earlier)).toEqual({ total: 21 * M, totalAB: 0 });
    expect(classAfter(earlier, 3_000_000)).toBe('B');
  });

  it('vector 4b (RULES.md): 5M → B, 10M → B, 6M → C, 3M → B, then G = 5,000,000 → B (G+Tksth = 8M)', () => {
    const earlier = [
      [5 * M, 'B'],
      [10 * M, 'B'],
      [6 * M, 'C'],
      [3 * M, 'B'],
    ] as const;
    const counters = countersBefore(earlier);
    expect(counters).toEqual({ total: 24 * M, totalAB: 3 * M });
    expect(classAfter(earlier, 5_000_000)).toBe('B');
    // Without the reset Tksth would be 18M and G+Tksth = 23M → C.
    expect(
      authenticationClass({ group, amount: 5 * M, counters: { total: 24 * M, totalAB: 18 * M }, linkedBank: false }),
    ).toBe('C');
  });

  it('vector 5 (RULES.md): none earlier, G = 10,000,001 → C', () => {
    expect(classAfter([], 10_000_001)).toBe('C');
  });

  it('vector 6 (RULES.md): none earlier, G = 500,000,001 → D', () => {
    expect(classAfter([], 500_000_001)).toBe('D');
  });
});

describe('factors per class (RULES.md §3, API.md authentication.methods)', () => {
  it.each([
    ['A', 'INDIVIDUAL', []],
    ['B', 'INDIVIDUAL', ['OTP']],
    ['C', 'INDIVIDUAL', ['OTP', 'BIOMETRIC']],
    ['D', 'INDIVIDUAL', ['SOFT_OTP', 'BIOMETRIC']],
    ['A', 'ORGANIZATION', []],
    ['B', 'ORGANIZATION', ['OTP']],
    ['C', 'ORGANIZATION', ['SOFT_OTP']],
    ['D', 'ORGANIZATION', ['SOFT_OTP']],
  ] as const)('class %s, %s: %j', (cls, kind, factors) => {
    expect(requiredFactors(cls, kind)).toEqual(factors);
  });

  it('returns a fresh list each time', () => {
    requiredFactors('C', 'INDIVIDUAL').push('SOFT_OTP');
    expect(requiredFactors('C', 'INDIVIDUAL')).toEqual(['OTP', 'BIOMETRIC']);
  });
});

describe('class order A < B < C < D (RULES.md §3: a stronger method satisfies a weaker class)', () => {
  it.each([
    ['A', 'A', true, 'A'],
    ['A', 'B', false, 'B'],
    ['A', 'C', false, 'C'],
    ['A', 'D', false, 'D'],
    ['B', 'A', true, 'B'],
    ['B', 'B', true, 'B'],
    ['B', 'C', false, 'C'],
    ['B', 'D', false, 'D'],
    ['C', 'A', true, 'C'],
    ['C', 'B', true, 'C'],
    ['C', 'C', true, 'C'],
    ['C', 'D', false, 'D'],
    ['D', 'A', true, 'D'],
    ['D', 'B', true, 'D'],
    ['D', 'C', true, 'D'],
    ['D', 'D', true, 'D'],
  ] as const)('%s vs %s: strongerOrEqual %s, max %s', (a, b, stronger, max) => {
    expect(strongerOrEqual(a, b)).toBe(stronger);
    expect(maxClass(a, b)).toBe(max);
  });
});

describe('thresholds (RULES.md §2)', () => {
  it('are the amounts of Circular 50 Appendix 01', () => {
    expect(classThresholds).toEqual({
      payment: { classA: 5_000_000, classB: 100_000_000, classC: 1_500_000_000 },
      transfer: {
        classABPerTransaction: 10_000_000,
        classABDaily: 20_000_000,
        classCPerTransaction: 500_000_000,
        classCDaily: 1_500_000_000,
      },
      organisation: { classCPerTransaction: 1_000_000_000, classCDaily: 10_000_000_000 },
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  accountTakeover,
  defaultRiskConfig,
  dormantLargeMove,
  evaluateRisk,
  hanoiHour,
  isNightInHanoi,
  isRoundAmount,
  type MerchantFeatures,
  merchantCashOut,
  merchantNight,
  merchantRoundAmounts,
  muleOnward,
  type PayerFeatures,
  type RiskConfig,
  type RiskFeatures,
  riskRules,
  type TransferFeatures,
  watchlistPayee,
  watchlistPayer,
} from '../../functions/core/domain/risk/index.ts';

// Thresholds are written out in VND and counts on purpose (not read from `defaultRiskConfig`), so a
// changed default breaks these tests. Every rule is tested just at and just below its lines.
const M = 1_000_000;
const dayMs = 24 * 60 * 60 * 1000;
const config = defaultRiskConfig;

/** 10:00 in Hanoi on a Tuesday. */
const at = new Date('2026-03-10T03:00:00Z');
const daysBefore = (days: number, ms = 0) => new Date(at.getTime() - days * dayMs - ms);

/** A quiet merchant: a shop with ordinary prices, by day, that keeps its takings. */
const quietMerchant: MerchantFeatures = {
  paymentsLast24h: 40,
  distinctPayersLast24h: 35,
  roundAmountPaymentsLast24h: 10,
  nightPaymentsLast24h: 2,
  receivedLast24h: 60 * M,
  withdrawnLastHour: 0,
};

interface Overrides {
  transfer?: Partial<TransferFeatures>;
  watchlist?: RiskFeatures['watchlist'];
  payer?: Partial<PayerFeatures>;
  merchant?: Partial<MerchantFeatures>;
}

/** A harmless P2P of 1M from a known device to a known payee, by a wallet in daily use; nothing fires. */
function features(overrides: Overrides = {}): RiskFeatures {
  return {
    transfer: {
      type: 'P2P',
      amount: 1 * M,
      at,
      payerWalletId: 'w-payer',
      payeeWalletId: 'w-payee',
      ...overrides.transfer,
    },
    watchlist: { ...overrides.watchlist },
    payer: {
      newDevice: false,
      failedLoginsLast24h: 0,
      newPayee: false,
      usualAmount: 1 * M,
      historyCount: 20,
      receivedLast24h: 0,
      distinctSendersLast24h: 0,
      sentLastHour: 0,
      openedAt: new Date('2024-01-15T02:00:00Z'),
      lastActivityBeforeToday: daysBefore(1),
      movedToday: 0,
      ...overrides.payer,
    },
    ...(overrides.merchant ? { merchant: { ...quietMerchant, ...overrides.merchant } } : {}),
  };
}

/** The default configuration with one section changed. */
const withConfig = <K extends keyof RiskConfig>(key: K, change: Partial<RiskConfig[K]>): RiskConfig => ({
  ...defaultRiskConfig,
  [key]: { ...defaultRiskConfig[key], ...change },
});

// Patterns that fire exactly one rule, at its lines.
/** 10 senders, 20M received; 10M sent in the last hour + 6M now = 16M = 80%. */
const mule: Overrides = {
  payer: { distinctSendersLast24h: 10, receivedLast24h: 20 * M, sentLastHour: 10 * M },
  transfer: { amount: 6 * M },
};
/** New device, new payee, 5M = 5 × the usual 1M. */
const takeover: Overrides = { payer: { newDevice: true, newPayee: true }, transfer: { amount: 5 * M } };
/** Idle exactly 183 days, 300M moved today + 100M now = 400M. */
const dormant: Overrides = {
  payer: { lastActivityBeforeToday: daysBefore(183), movedToday: 300 * M },
  transfer: { amount: 100 * M },
};

describe('watchlistPayee (RULES.md §7)', () => {
  it('BLOCK enforces a BLOCK with payee-flagged', () => {
    expect(watchlistPayee(features({ watchlist: { payee: 'BLOCK' } }), config)).toEqual({
      rule: 'watchlistPayee',
      score: 100,
      reason: 'The payee is on a watch list with severity BLOCK.',
      enforces: { decision: 'BLOCK', problemCode: 'payee-flagged' },
    });
  });

  it('WARN enforces at least STEP_UP with the warning payee-flagged', () => {
    expect(watchlistPayee(features({ watchlist: { payee: 'WARN' } }), config)).toMatchObject({
      rule: 'watchlistPayee',
      score: 40,
      enforces: { decision: 'STEP_UP', warning: 'payee-flagged' },
    });
  });

  it('does not fire for an unlisted payee, nor for a listed payer', () => {
    expect(watchlistPayee(features(), config)).toBeUndefined();
    expect(watchlistPayee(features({ watchlist: { payer: 'BLOCK' } }), config)).toBeUndefined();
  });
});

describe('watchlistPayer (RULES.md §7)', () => {
  it('BLOCK enforces a BLOCK with risk-blocked (not payee-flagged: no tipping off)', () => {
    expect(watchlistPayer(features({ watchlist: { payer: 'BLOCK' } }), config)).toMatchObject({
      rule: 'watchlistPayer',
      score: 100,
      enforces: { decision: 'BLOCK', problemCode: 'risk-blocked' },
    });
  });

  it('WARN enforces STEP_UP without a warning to the customer', () => {
    expect(watchlistPayer(features({ watchlist: { payer: 'WARN' } }), config)).toMatchObject({
      rule: 'watchlistPayer',
      score: 40,
      enforces: { decision: 'STEP_UP' },
    });
    expect(watchlistPayer(features({ watchlist: { payer: 'WARN' } }), config)?.enforces).not.toHaveProperty('warning');
  });

  it('does not fire for an unlisted payer, nor for a listed payee', () => {
    expect(watchlistPayer(features(), config)).toBeUndefined();
    expect(watchlistPayer(features({ watchlist: { payee: 'BLOCK' } }), config)).toBeUndefined();
  });
});

describe('muleOnward', () => {
  it.each(['P2P', 'PAYMENT', 'WITHDRAWAL'] as const)('fires on a %s passing on 80%% of 24 h receipts', (type) => {
    const hit = muleOnward(features({ ...mule, transfer: { ...mule.transfer, type } }), config);
    expect(hit).toMatchObject({ rule: 'muleOnward', score: 80 });
    expect(hit?.reason).toBe(
      'Received 20,000,000 VND from 10 senders in 24 h and sends 16,000,000 VND (80%) on within an hour.',
    );
  });

  it('counts the last hour: this transfer alone (6M = 30%) is not enough without it', () => {
    expect(muleOnward(features({ ...mule, payer: { ...mule.payer, sentLastHour: 0 } }), config)).toBeUndefined();
  });

  it('fires on a single transfer of everything received', () => {
    const all = features({
      payer: { distinctSendersLast24h: 25, receivedLast24h: 50 * M },
      transfer: { amount: 40 * M },
    });
    expect(muleOnward(all, config)).toBeDefined();
  });

  it('does not fire with 9 distinct senders', () => {
    expect(
      muleOnward(features({ ...mule, payer: { ...mule.payer, distinctSendersLast24h: 9 } }), config),
    ).toBeUndefined();
  });

  it('does not fire just below 80% passed on', () => {
    expect(muleOnward(features({ ...mule, transfer: { amount: 6 * M - 1 } }), config)).toBeUndefined();
  });

  it('does not fire below 10M received (shared bills, class funds)', () => {
    const small = features({
      payer: { distinctSendersLast24h: 30, receivedLast24h: 10 * M - 1 },
      transfer: { amount: 10 * M - 1 },
    });
    expect(muleOnward(small, config)).toBeUndefined();
    const atFloor = features({
      payer: { distinctSendersLast24h: 30, receivedLast24h: 10 * M },
      transfer: { amount: 10 * M },
    });
    expect(muleOnward(atFloor, config)).toBeDefined();
  });

  it('does not fire on a top-up (money in, not out)', () => {
    expect(muleOnward(features({ ...mule, transfer: { ...mule.transfer, type: 'TOPUP' } }), config)).toBeUndefined();
  });

  it("does not fire on a merchant's withdrawal of its takings (merchantCashOut judges that)", () => {
    const sweep = features({ ...mule, transfer: { ...mule.transfer, type: 'WITHDRAWAL' }, merchant: {} });
    expect(muleOnward(sweep, config)).toBeUndefined();
  });

  it('follows the configuration', () => {
    const nine = features({ ...mule, payer: { ...mule.payer, distinctSendersLast24h: 9 } });
    expect(muleOnward(nine, withConfig('muleOnward', { minDistinctSenders: 9 }))).toBeDefined();
  });
});

describe('accountTakeover', () => {
  it('fires on a new device, a new payee and 5 × the usual amount', () => {
    const hit = accountTakeover(features(takeover), config);
    expect(hit).toMatchObject({ rule: 'accountTakeover', score: 80 });
    expect(hit?.reason).toBe('Sends 5,000,000 VND to a new payee from a new device (usual amount 1,000,000 VND).');
  });

  it.each(['PAYMENT', 'EXTERNAL'] as const)(
    'fires on a %s too (EXTERNAL: a bank account never paid before)',
    (type) => {
      expect(
        accountTakeover(features({ ...takeover, transfer: { ...takeover.transfer, type } }), config),
      ).toBeDefined();
    },
  );

  it('fires on 3 failed sign-ins from a known device, not on 2', () => {
    const failed = (n: number) => features({ ...takeover, payer: { newPayee: true, failedLoginsLast24h: n } });
    expect(accountTakeover(failed(3), config)?.reason).toContain('after 3 failed sign-ins in 24 h');
    expect(accountTakeover(failed(2), config)).toBeUndefined();
  });

  it('uses 5 × the usual amount when that is above the floor', () => {
    const usual2M = (amount: number) =>
      features({ payer: { ...takeover.payer, usualAmount: 2 * M }, transfer: { amount } });
    expect(accountTakeover(usual2M(10 * M), config)).toBeDefined();
    expect(accountTakeover(usual2M(10 * M - 1), config)).toBeUndefined();
  });

  it('never goes below the 5M floor for a wallet with small usual amounts', () => {
    const usualSmall = (amount: number) =>
      features({ payer: { ...takeover.payer, usualAmount: 200_000 }, transfer: { amount } });
    expect(accountTakeover(usualSmall(5 * M), config)).toBeDefined();
    expect(accountTakeover(usualSmall(5 * M - 1), config)).toBeUndefined();
  });

  it('uses the floor alone without history', () => {
    const fresh = (amount: number) =>
      features({ payer: { ...takeover.payer, usualAmount: 0, historyCount: 0 }, transfer: { amount } });
    expect(accountTakeover(fresh(5 * M), config)?.reason).toContain('(no payment history)');
    expect(accountTakeover(fresh(5 * M - 1), config)).toBeUndefined();
  });

  it('does not fire just below 5 × the usual amount', () => {
    expect(accountTakeover(features({ ...takeover, transfer: { amount: 5 * M - 1 } }), config)).toBeUndefined();
  });

  it('does not fire for a payee paid before', () => {
    expect(
      accountTakeover(features({ ...takeover, payer: { newDevice: true, newPayee: false } }), config),
    ).toBeUndefined();
  });

  it('does not fire from a known device without failed sign-ins', () => {
    expect(
      accountTakeover(features({ ...takeover, payer: { newDevice: false, newPayee: true } }), config),
    ).toBeUndefined();
  });

  it.each(['WITHDRAWAL', 'TOPUP'] as const)('does not fire on a %s (the money stays with the owner)', (type) => {
    expect(accountTakeover(features({ ...takeover, transfer: { amount: 50 * M, type } }), config)).toBeUndefined();
  });
});

describe('dormantLargeMove (RULES.md §8: Law 14/2022, Decree 19/2023)', () => {
  it('fires when a wallet idle 183 days moves 400M in the day', () => {
    const hit = dormantLargeMove(features(dormant), config);
    expect(hit).toMatchObject({ rule: 'dormantLargeMove', score: 40 });
    expect(hit?.reason).toBe(
      'Idle for 183 days, the wallet moves 400,000,000 VND today: customer due diligence is due.',
    );
  });

  it.each(['TOPUP', 'WITHDRAWAL', 'P2P', 'PAYMENT'] as const)('fires on a %s of 400M at once', (type) => {
    const oneMove = features({
      payer: { lastActivityBeforeToday: daysBefore(400) },
      transfer: { type, amount: 400 * M },
    });
    expect(dormantLargeMove(oneMove, config)).toBeDefined();
  });

  it('does not fire just below 400M in the day', () => {
    expect(dormantLargeMove(features({ ...dormant, transfer: { amount: 100 * M - 1 } }), config)).toBeUndefined();
  });

  it('does not fire just short of 183 days idle', () => {
    const recent = features({ ...dormant, payer: { ...dormant.payer, lastActivityBeforeToday: daysBefore(183, -1) } });
    expect(dormantLargeMove(recent, config)).toBeUndefined();
  });

  it('counts a never-used wallet as idle since it was opened', () => {
    const neverUsed = (openedAt: Date) =>
      features({ ...dormant, payer: { ...dormant.payer, lastActivityBeforeToday: undefined, openedAt } });
    expect(dormantLargeMove(neverUsed(daysBefore(183)), config)).toBeDefined();
    expect(dormantLargeMove(neverUsed(daysBefore(10)), config)).toBeUndefined();
  });

  it('does not fire for a wallet in use, however old', () => {
    expect(dormantLargeMove(features({ ...dormant, payer: { movedToday: 300 * M } }), config)).toBeUndefined();
  });
});

describe('merchantRoundAmounts', () => {
  /** 30 payers, 40 of 50 payments round = 80%. */
  const round: Partial<MerchantFeatures> = {
    distinctPayersLast24h: 30,
    paymentsLast24h: 50,
    roundAmountPaymentsLast24h: 40,
  };

  it.each(['PAYMENT', 'WITHDRAWAL'] as const)('fires on a %s involving the merchant', (type) => {
    const hit = merchantRoundAmounts(features({ transfer: { type }, merchant: round }), config);
    expect(hit).toMatchObject({ rule: 'merchantRoundAmounts', score: 40 });
    expect(hit?.reason).toBe('The merchant had 30 payers in 24 h and 80% of its payments are round amounts.');
  });

  it('does not fire just below 80% round (79 of 100)', () => {
    const merchant = (roundAmountPaymentsLast24h: number) =>
      features({
        transfer: { type: 'PAYMENT' },
        merchant: { ...round, paymentsLast24h: 100, roundAmountPaymentsLast24h },
      });
    expect(merchantRoundAmounts(merchant(79), config)).toBeUndefined();
    expect(merchantRoundAmounts(merchant(80), config)).toBeDefined();
  });

  it('does not fire with 29 distinct payers', () => {
    const merchant = { ...round, distinctPayersLast24h: 29, roundAmountPaymentsLast24h: 50 };
    expect(merchantRoundAmounts(features({ transfer: { type: 'PAYMENT' }, merchant }), config)).toBeUndefined();
  });

  it('does not fire for a quiet merchant, without a merchant, or on a P2P or TOPUP', () => {
    expect(merchantRoundAmounts(features({ transfer: { type: 'PAYMENT' }, merchant: {} }), config)).toBeUndefined();
    expect(merchantRoundAmounts(features({ transfer: { type: 'PAYMENT' } }), config)).toBeUndefined();
    expect(merchantRoundAmounts(features({ transfer: { type: 'P2P' }, merchant: round }), config)).toBeUndefined();
    expect(merchantRoundAmounts(features({ transfer: { type: 'TOPUP' }, merchant: round }), config)).toBeUndefined();
  });
});

describe('round amounts and night in Hanoi (how the caller keeps the merchant counters)', () => {
  it.each([
    [100_000, true],
    [2_500_000, true],
    [150_000, false],
    [45_000, false],
    [129_000, false],
    [0, false],
  ])('%d is round: %s', (amount, expected) => expect(isRoundAmount(amount, config)).toBe(expected));

  it.each([
    ['2026-03-09T16:59:59Z', 23, false],
    ['2026-03-09T17:00:00Z', 0, true],
    ['2026-03-09T21:59:59Z', 4, true],
    ['2026-03-09T22:00:00Z', 5, false],
    ['2026-03-10T03:00:00Z', 10, false],
  ])('%s is %d h in Hanoi, night: %s', (iso, hour, night) => {
    expect(hanoiHour(new Date(iso))).toBe(hour);
    expect(isNightInHanoi(new Date(iso), config)).toBe(night);
  });

  it('supports a night window over midnight', () => {
    const late = withConfig('merchantNight', { nightStartHour: 22, nightEndHour: 5 });
    expect(isNightInHanoi(new Date('2026-03-09T15:00:00Z'), late)).toBe(true); // 22:00
    expect(isNightInHanoi(new Date('2026-03-09T19:00:00Z'), late)).toBe(true); // 02:00
    expect(isNightInHanoi(new Date('2026-03-09T14:59:59Z'), late)).toBe(false); // 21:59:59
    expect(isNightInHanoi(new Date('2026-03-09T22:00:00Z'), late)).toBe(false); // 05:00
  });
});

describe('merchantNight', () => {
  /** 5 of 10 payments at night = 50%. */
  const night: Partial<MerchantFeatures> = { paymentsLast24h: 10, nightPaymentsLast24h: 5 };

  it.each(['PAYMENT', 'WITHDRAWAL'] as const)('fires on a %s involving the merchant', (type) => {
    const hit = merchantNight(features({ transfer: { type }, merchant: night }), config);
    expect(hit).toMatchObject({ rule: 'merchantNight', score: 40 });
    expect(hit?.reason).toBe("5 of the merchant's 10 payments in 24 h were made between 00:00 and 05:00 Hanoi time.");
  });

  it('does not fire just below half at night (49 of 100)', () => {
    const merchant = (nightPaymentsLast24h: number) =>
      features({ transfer: { type: 'PAYMENT' }, merchant: { paymentsLast24h: 100, nightPaymentsLast24h } });
    expect(merchantNight(merchant(49), config)).toBeUndefined();
    expect(merchantNight(merchant(50), config)).toBeDefined();
    expect(
      merchantNight(
        features({ transfer: { type: 'PAYMENT' }, merchant: { ...night, nightPaymentsLast24h: 4 } }),
        config,
      ),
    ).toBeUndefined();
  });

  it('does not fire with 9 payments, even all at night', () => {
    const merchant = { paymentsLast24h: 9, nightPaymentsLast24h: 9 };
    expect(merchantNight(features({ transfer: { type: 'PAYMENT' }, merchant }), config)).toBeUndefined();
  });

  it('does not fire for a quiet merchant or on a P2P', () => {
    expect(merchantNight(features({ transfer: { type: 'PAYMENT' }, merchant: {} }), config)).toBeUndefined();
    expect(merchantNight(features({ transfer: { type: 'P2P' }, merchant: night }), config)).toBeUndefined();
  });
});

describe('merchantCashOut', () => {
  /** 50M received, 25M withdrawn in the last hour + 20M now = 45M = 90%. */
  const cashOut: Overrides = {
    transfer: { type: 'WITHDRAWAL', amount: 20 * M },
    merchant: { receivedLast24h: 50 * M, withdrawnLastHour: 25 * M },
  };

  it('fires on a withdrawal of 90% of the 24 h receipts within an hour', () => {
    const hit = merchantCashOut(features(cashOut), config);
    expect(hit).toMatchObject({ rule: 'merchantCashOut', score: 40 });
    expect(hit?.reason).toBe(
      'The merchant withdraws 45,000,000 VND within an hour, 90% of the 50,000,000 VND it received in 24 h.',
    );
  });

  it('does not fire just below 90%', () => {
    expect(
      merchantCashOut(features({ ...cashOut, transfer: { type: 'WITHDRAWAL', amount: 20 * M - 1 } }), config),
    ).toBeUndefined();
  });

  it('does not fire below 50M of receipts (a small shop sweeping its takings)', () => {
    const small = features({
      transfer: { type: 'WITHDRAWAL', amount: 50 * M },
      merchant: { receivedLast24h: 50 * M - 1 },
    });
    expect(merchantCashOut(small, config)).toBeUndefined();
  });

  it('does not fire on a PAYMENT to the merchant, nor on a withdrawal from a non-merchant wallet', () => {
    expect(
      merchantCashOut(features({ ...cashOut, transfer: { type: 'PAYMENT', amount: 20 * M } }), config),
    ).toBeUndefined();
    expect(merchantCashOut(features({ transfer: cashOut.transfer }), config)).toBeUndefined();
  });
});

describe('riskRules', () => {
  it('lists every rule, watch lists first', () => {
    expect(riskRules.map((r) => r.name)).toEqual([
      'watchlistPayee',
      'watchlistPayer',
      'muleOnward',
      'accountTakeover',
      'dormantLargeMove',
      'merchantRoundAmounts',
      'merchantNight',
      'merchantCashOut',
    ]);
  });

  it('is silent on the quiet default, for every transfer type', () => {
    for (const type of ['TOPUP', 'WITHDRAWAL', 'P2P', 'PAYMENT'] as const) {
      const quiet = features({
        transfer: { type },
        merchant: type === 'PAYMENT' || type === 'WITHDRAWAL' ? {} : undefined,
      });
      expect(riskRules.map((rule) => rule(quiet, config))).toEqual(riskRules.map(() => undefined));
    }
  });
});

describe('evaluateRisk (policy)', () => {
  const rulesOf = (f: RiskFeatures, c?: RiskConfig) => evaluateRisk(f, c).hits.map((h) => h.rule);

  it('allows with score 0 when nothing fires', () => {
    expect(evaluateRisk(features())).toEqual({ decision: 'ALLOW', score: 0, hits: [], warnings: [] });
  });

  it('blocks a BLOCK-listed payee with payee-flagged', () => {
    const a = evaluateRisk(features({ watchlist: { payee: 'BLOCK' } }));
    expect(a).toMatchObject({ decision: 'BLOCK', problemCode: 'payee-flagged', score: 100, warnings: [] });
    expect(a.hits.map((h) => h.rule)).toEqual(['watchlistPayee']);
  });

  it('blocks a BLOCK-listed payer with risk-blocked', () => {
    expect(evaluateRisk(features({ watchlist: { payer: 'BLOCK' } }))).toMatchObject({
      decision: 'BLOCK',
      problemCode: 'risk-blocked',
    });
  });

  it('names the payee when both sides are BLOCK-listed, and records every hit', () => {
    const a = evaluateRisk(features({ ...mule, watchlist: { payee: 'BLOCK', payer: 'BLOCK' } }));
    expect(a).toMatchObject({ decision: 'BLOCK', problemCode: 'payee-flagged', score: 280 });
    expect(a.hits.map((h) => h.rule)).toEqual(['watchlistPayee', 'watchlistPayer', 'muleOnward']);
  });

  it('steps up a WARN-listed payee with the warning payee-flagged', () => {
    const a = evaluateRisk(features({ watchlist: { payee: 'WARN' } }));
    expect(a).toMatchObject({ decision: 'STEP_UP', score: 40, warnings: ['payee-flagged'] });
    expect(a.problemCode).toBeUndefined();
  });

  it('steps up a WARN-listed payer without a warning', () => {
    expect(evaluateRisk(features({ watchlist: { payer: 'WARN' } }))).toMatchObject({
      decision: 'STEP_UP',
      warnings: [],
    });
  });

  it('steps up a WARN even when its score is set below the step-up line', () => {
    const a = evaluateRisk(features({ watchlist: { payee: 'WARN' } }), withConfig('watchlist', { warnScore: 0 }));
    expect(a).toMatchObject({ decision: 'STEP_UP', score: 0, warnings: ['payee-flagged'] });
  });

  it('holds a WARN-listed payee with another signal, keeping the warning', () => {
    const a = evaluateRisk(features({ ...dormant, watchlist: { payee: 'WARN' } }));
    expect(a).toMatchObject({ decision: 'HOLD', score: 80, warnings: ['payee-flagged'] });
    expect(a.hits.map((h) => h.rule)).toEqual(['watchlistPayee', 'dormantLargeMove']);
  });

  it('holds a mule onward transfer', () => {
    expect(evaluateRisk(features(mule))).toMatchObject({ decision: 'HOLD', score: 80, warnings: [] });
    expect(rulesOf(features(mule))).toEqual(['muleOnward']);
  });

  it('holds a takeover pattern', () => {
    expect(evaluateRisk(features(takeover))).toMatchObject({ decision: 'HOLD', score: 80 });
    expect(rulesOf(features(takeover))).toEqual(['accountTakeover']);
  });

  it('steps up a dormant large move (AML due diligence by a biometric match)', () => {
    expect(evaluateRisk(features(dormant))).toMatchObject({ decision: 'STEP_UP', score: 40, warnings: [] });
    expect(rulesOf(features(dormant))).toEqual(['dormantLargeMove']);
  });

  it('steps up one merchant anomaly, holds two or three', () => {
    const payment = (merchant: Partial<MerchantFeatures>) => features({ transfer: { type: 'PAYMENT' }, merchant });
    const round = { distinctPayersLast24h: 30, paymentsLast24h: 50, roundAmountPaymentsLast24h: 40 };
    const night = { paymentsLast24h: 50, nightPaymentsLast24h: 25 };
    expect(evaluateRisk(payment(round))).toMatchObject({ decision: 'STEP_UP', score: 40 });
    expect(evaluateRisk(payment(night))).toMatchObject({ decision: 'STEP_UP', score: 40 });
    expect(evaluateRisk(payment({ ...round, ...night }))).toMatchObject({ decision: 'HOLD', score: 80 });
    const withdrawal = features({
      transfer: { type: 'WITHDRAWAL', amount: 54 * M },
      merchant: { ...round, ...night, receivedLast24h: 60 * M },
    });
    const a = evaluateRisk(withdrawal);
    expect(a).toMatchObject({ decision: 'HOLD', score: 120 });
    expect(a.hits.map((h) => h.rule)).toEqual(['merchantRoundAmounts', 'merchantNight', 'merchantCashOut']);
  });

  it('never blocks on the score alone by default, however many rules fire', () => {
    const everything = features({
      transfer: { type: 'PAYMENT', amount: 400 * M },
      payer: {
        ...takeover.payer,
        distinctSendersLast24h: 40,
        receivedLast24h: 450 * M,
        lastActivityBeforeToday: daysBefore(200),
      },
      merchant: {
        distinctPayersLast24h: 30,
        paymentsLast24h: 50,
        roundAmountPaymentsLast24h: 40,
        nightPaymentsLast24h: 25,
      },
    });
    const a = evaluateRisk(everything);
    expect(a).toMatchObject({ decision: 'HOLD', score: 280 });
    expect(a.problemCode).toBeUndefined();
    expect(a.hits.map((h) => h.rule)).toEqual([
      'muleOnward',
      'accountTakeover',
      'dormantLargeMove',
      'merchantRoundAmounts',
      'merchantNight',
    ]);
  });

  it('blocks on the score with risk-blocked when a block line is configured', () => {
    const strict = withConfig('policy', { blockScore: 160 });
    const both = features({ ...takeover, payer: { ...takeover.payer, ...mule.payer }, transfer: { amount: 6 * M } });
    expect(evaluateRisk(both, strict)).toMatchObject({ decision: 'BLOCK', score: 160, problemCode: 'risk-blocked' });
    expect(evaluateRisk(features(mule), strict)).toMatchObject({ decision: 'HOLD', score: 80 });
    expect(evaluateRisk(both, withConfig('policy', { blockScore: 161 })).decision).toBe('HOLD');
  });

  it.each([
    [39, 'ALLOW'],
    [40, 'STEP_UP'],
    [69, 'STEP_UP'],
    [70, 'HOLD'],
  ] as const)('a total score of %d gives %s (step-up from 40, hold from 70)', (score, decision) => {
    const scored = withConfig('dormantLargeMove', { score });
    const a = evaluateRisk(features(dormant), scored);
    expect(a).toMatchObject({ decision, score });
    expect(a.hits.map((h) => h.rule)).toEqual(['dormantLargeMove']);
  });
});

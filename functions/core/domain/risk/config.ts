// Thresholds and scores of the risk engine. RULES.md §7 (Circular 40 Art. 28) leaves the criteria
// for abnormal transactions to the provider, so every value here is a configuration default, not
// a constant; only the AML dormancy line comes from a regulation (RULES.md §8). Amounts in VND.
//
// Scores are designed against the policy lines: every rule alone reaches at least STEP_UP
// (score ≥ stepUpScore), a strong pattern alone (mule, takeover) reaches HOLD, and two weak
// signals together (two merchant anomalies, a dormant move to a WARN payee) reach HOLD.

export interface RiskConfig {
  watchlist: { warnScore: number; blockScore: number };
  muleOnward: { minDistinctSenders: number; minReceived: number; onwardShare: number; score: number };
  accountTakeover: { minFailedLogins: number; amountMultiple: number; minAmount: number; score: number };
  dormantLargeMove: { idleDays: number; minMovedInDay: number; score: number };
  merchantRoundAmounts: { roundUnit: number; minDistinctPayers: number; roundShare: number; score: number };
  merchantNight: {
    nightStartHour: number;
    nightEndHour: number;
    minPayments: number;
    nightShare: number;
    score: number;
  };
  merchantCashOut: { cashOutShare: number; minReceived: number; score: number };
  policy: {
    stepUpScore: number;
    holdScore: number;
    /** Absent: a score alone never blocks (only a watch-list BLOCK does). */
    blockScore?: number;
  };
}

export const defaultRiskConfig: RiskConfig = {
  // RULES.md §7: a listed payee (or payer). The watch-list rules impose their decision whatever
  // the score (BLOCK rejects, WARN raises to at least STEP_UP); the scores only add weight, so
  // that a WARN plus any other rule reaches HOLD.
  watchlist: {
    warnScore: 40,
    blockScore: 100,
  },
  // Mule wallets (seed 000: wallets rented out to launder scam proceeds): many victims pay in,
  // the money leaves at once. The floor keeps shared bills and class funds (many small senders,
  // one payment on) out; below 10M the harm is small and the class A/B line of Circular 50 is 10M.
  muleOnward: {
    minDistinctSenders: 10, // at least 10 distinct sender wallets in 24 h
    minReceived: 10_000_000, // and at least 10M received from them in 24 h
    onwardShare: 0.8, // this transfer + the last hour's outgoing ≥ 80% of the 24 h receipts
    score: 80, // alone → HOLD
  },
  // Account takeover (seed 003: fake police apps and sites harvest OTPs, then drain the wallet):
  // an unfamiliar device or guessed password, a payee never paid before, an unusual amount.
  accountTakeover: {
    minFailedLogins: 3, // failed sign-ins in 24 h that count as a signal (the 5th locks sign-in)
    amountMultiple: 5, // amount ≥ 5 × the usual outgoing amount ...
    minAmount: 5_000_000, // ... and ≥ 5M (with no history, ≥ 5M alone); the class A/B payment line of Circular 50
    score: 80, // alone → HOLD
  },
  // RULES.md §8 (Law 14/2022, Decree 19/2023): customer due diligence when an account dormant for
  // 6 months moves 400M or more in a day. STEP_UP: the class C biometric match against the chip
  // ID or VNeID re-identifies the customer at the moment of the move, and the recorded hit tells
  // compliance to complete the due diligence; any other signal on top reaches HOLD.
  dormantLargeMove: {
    idleDays: 183, // 6 months without moving money
    minMovedInDay: 400_000_000, // today's moves before this transfer + this transfer
    score: 40, // alone → STEP_UP
  },
  // Fake merchants and "aggregate payment" fronts (seed 004) collect gambling stakes and scam
  // money: many payers, round amounts. Shops see prices such as 45,000 or 129,000.
  merchantRoundAmounts: {
    roundUnit: 100_000, // a round amount is a whole multiple of 100,000
    minDistinctPayers: 30, // at least 30 distinct payers in 24 h
    roundShare: 0.8, // at least 80% of the 24 h payments round
    score: 40, // one merchant anomaly → STEP_UP, two → HOLD
  },
  // Illegal platforms take money around the clock; shops mostly by day.
  merchantNight: {
    nightStartHour: 0, // 00:00 Asia/Ho_Chi_Minh (UTC+7, no DST) ...
    nightEndHour: 5, // ... to before 05:00
    minPayments: 10, // at least 10 payments in 24 h, so a few late sales do not count
    nightShare: 0.5, // at least half of them at night
    score: 40,
  },
  // Pass-through: the merchant's takings leave as soon as they arrive. The floor leaves small
  // shops that sweep their day's takings to the bank alone.
  merchantCashOut: {
    cashOutShare: 0.9, // withdrawn in the last hour + this withdrawal ≥ 90% of the 24 h receipts
    minReceived: 50_000_000, // only when the 24 h receipts are at least 50M
    score: 40,
  },
  policy: {
    stepUpScore: 40, // raise the class to at least C (RULES.md §3: OTP and a biometric match)
    holdScore: 70, // HELD: funds reserved, a case opened for an operator (API.md /v1/ops/cases)
    // No blockScore: a score never rejects by itself. A HOLD keeps the money reserved and puts
    // an operator in the loop, which protects a victim at least as well as a rejection and lets
    // a false positive through after review.
  },
};

/**
 * The stage's thresholds: the defaults with the overrides of the stage configuration (a JSON
 * object of the same shape, `RISK_CONFIG`). An override naming no threshold of the defaults, or
 * not a number, is refused at start-up rather than ignored.
 */
export function riskConfigWith(overrides: unknown): RiskConfig {
  if (overrides === undefined) return defaultRiskConfig;
  return merge(defaultRiskConfig, overrides, 'risk') as RiskConfig;
}

function merge(base: unknown, over: unknown, path: string): unknown {
  if (typeof base === 'number' || base === undefined) {
    if (typeof over !== 'number' || !Number.isFinite(over)) throw new Error(`${path} must be a number`);
    return over;
  }
  if (!over || typeof over !== 'object' || Array.isArray(over)) throw new Error(`${path} must be an object`);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) {
    if (!(key in out) && !(path === 'risk.policy' && key === 'blockScore'))
      throw new Error(`${path}.${key} is no risk threshold`);
    out[key] = merge(out[key], value, `${path}.${key}`);
  }
  return out;
}

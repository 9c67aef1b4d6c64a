// The risk rules (RULES.md §7, Circular 40 Art. 28: criteria by time, amount, frequency and
// failed logins, and criteria for wallets suspected of fraud; RULES.md §8 for AML). Each rule is
// small and pure: features and thresholds in, a hit or nothing out. The policy adds the scores.

import type { RiskConfig } from './config.ts';
import type { RiskFeatures } from './features.ts';

/** The problem codes of a rejected transfer (API.md error codes). */
export type RiskProblemCode = 'payee-flagged' | 'risk-blocked';
/** The warnings a transfer may carry (API.md: `warnings`). */
export type RiskWarning = 'payee-flagged';

/** What a watch-list hit imposes whatever the total score (RULES.md §7). */
export type Enforcement =
  | { decision: 'BLOCK'; problemCode: RiskProblemCode }
  | { decision: 'STEP_UP'; warning?: RiskWarning };

export interface RuleHit {
  /** The rule's name, as in `riskRules`. */
  rule: string;
  score: number;
  /** A short English sentence for the operator reviewing the case. */
  reason: string;
  enforces?: Enforcement;
}

export type RiskRule = (features: RiskFeatures, config: RiskConfig) => RuleHit | undefined;

const dayMs = 24 * 60 * 60 * 1000;

/** 1234567 → "1,234,567 VND" (no locale data needed). */
const vnd = (amount: number): string => `${String(Math.round(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} VND`;

const hour = (h: number): string => `${String(h).padStart(2, '0')}:00`;

const percent = (part: number, whole: number): string => `${Math.round((100 * part) / whole)}%`;

/** Money leaving the payer's wallet: everything but a top-up. */
const isOutgoing = (f: RiskFeatures): boolean => f.transfer.type !== 'TOPUP';

/**
 * RULES.md §7: `BLOCK` entries reject with `payee-flagged`; `WARN` entries raise the class to at
 * least C and return the warning `payee-flagged`.
 */
export const watchlistPayee: RiskRule = (f, c) => {
  const severity = f.watchlist.payee;
  if (severity === 'BLOCK') {
    return {
      rule: 'watchlistPayee',
      score: c.watchlist.blockScore,
      reason: 'The payee is on a watch list with severity BLOCK.',
      enforces: { decision: 'BLOCK', problemCode: 'payee-flagged' },
    };
  }
  if (severity === 'WARN') {
    return {
      rule: 'watchlistPayee',
      score: c.watchlist.warnScore,
      reason: 'The payee is on a watch list with severity WARN.',
      enforces: { decision: 'STEP_UP', warning: 'payee-flagged' },
    };
  }
  return undefined;
};

/**
 * The payer's own wallet, phone or bank account is listed (RULES.md §7: criteria for wallets
 * suspected of fraud). Same decisions as for a payee, but the customer is told nothing specific:
 * `payee-flagged` would be untrue, and naming the listing would tip off a suspect (Law 14/2022
 * forbids disclosing AML suspicions), so a BLOCK answers `risk-blocked` and a WARN only steps up
 * (the biometric match shows whether the owner is really the one acting).
 */
export const watchlistPayer: RiskRule = (f, c) => {
  const severity = f.watchlist.payer;
  if (severity === 'BLOCK') {
    return {
      rule: 'watchlistPayer',
      score: c.watchlist.blockScore,
      reason: 'The payer is on a watch list with severity BLOCK.',
      enforces: { decision: 'BLOCK', problemCode: 'risk-blocked' },
    };
  }
  if (severity === 'WARN') {
    return {
      rule: 'watchlistPayer',
      score: c.watchlist.warnScore,
      reason: 'The payer is on a watch list with severity WARN.',
      enforces: { decision: 'STEP_UP' },
    };
  }
  return undefined;
};

/**
 * A mule wallet passes money on: received from many distinct senders in 24 h, and this transfer
 * plus the last hour's outgoing money is most of it. Outgoing transfers only; a merchant's
 * withdrawal of its takings is judged by `merchantCashOut` instead.
 */
export const muleOnward: RiskRule = (f, c) => {
  const { minDistinctSenders, minReceived, onwardShare, score } = c.muleOnward;
  const { receivedLast24h, distinctSendersLast24h, sentLastHour } = f.payer;
  if (!isOutgoing(f)) return undefined;
  if (f.transfer.type === 'WITHDRAWAL' && f.merchant) return undefined;
  if (distinctSendersLast24h < minDistinctSenders || receivedLast24h < minReceived) return undefined;
  const onward = sentLastHour + f.transfer.amount;
  if (onward < onwardShare * receivedLast24h) return undefined;
  return {
    rule: 'muleOnward',
    score,
    reason: `Received ${vnd(receivedLast24h)} from ${distinctSendersLast24h} senders in 24 h and sends ${vnd(onward)} (${percent(onward, receivedLast24h)}) on within an hour.`,
  };
};

/** The amount from which a transfer is unusual: multiple × usual, never below the floor; the floor alone without history. */
const unusualFrom = (f: RiskFeatures, c: RiskConfig): number => {
  const { amountMultiple, minAmount } = c.accountTakeover;
  if (f.payer.historyCount === 0) return minAmount;
  return Math.max(minAmount, amountMultiple * f.payer.usualAmount);
};

/**
 * Account takeover (seed 003; RULES.md §4, §7: device, failed logins, amount): an unfamiliar
 * device or several failed sign-ins, a payee never paid before, and an unusual amount. P2P,
 * PAYMENT and EXTERNAL (API.md v1.1: the risk engine applies to it as to any transfer to another
 * owner; an account at another bank is where a taken-over wallet is drained to). Not withdrawals:
 * they go to the owner's own bank account, whose ownership the bank confirmed when it was linked
 * (RULES.md §6), so they cannot carry the money away from the owner.
 */
export const accountTakeover: RiskRule = (f, c) => {
  const { type, amount } = f.transfer;
  const { newDevice, failedLoginsLast24h, newPayee } = f.payer;
  if (type !== 'P2P' && type !== 'PAYMENT' && type !== 'EXTERNAL') return undefined;
  const suspiciousAccess = newDevice || failedLoginsLast24h >= c.accountTakeover.minFailedLogins;
  const threshold = unusualFrom(f, c);
  if (!suspiciousAccess || !newPayee || amount < threshold) return undefined;
  const access = newDevice ? 'from a new device' : `after ${failedLoginsLast24h} failed sign-ins in 24 h`;
  const usual = f.payer.historyCount === 0 ? 'no payment history' : `usual amount ${vnd(f.payer.usualAmount)}`;
  return {
    rule: 'accountTakeover',
    score: c.accountTakeover.score,
    reason: `Sends ${vnd(amount)} to a new payee ${access} (${usual}).`,
  };
};

/**
 * RULES.md §8 (Law 14/2022, Decree 19/2023): customer due diligence when an account dormant for
 * 6 months moves 400M or more in a day. Dormant = no money moved since `lastActivityBeforeToday`,
 * or since opening for a wallet that never moved money. Every transfer type moves money.
 */
export const dormantLargeMove: RiskRule = (f, c) => {
  const { idleDays, minMovedInDay, score } = c.dormantLargeMove;
  const idleSince = f.payer.lastActivityBeforeToday ?? f.payer.openedAt;
  const idleMs = f.transfer.at.getTime() - idleSince.getTime();
  const movedInDay = f.payer.movedToday + f.transfer.amount;
  if (idleMs < idleDays * dayMs || movedInDay < minMovedInDay) return undefined;
  const idle = Math.floor(idleMs / dayMs);
  return {
    rule: 'dormantLargeMove',
    score,
    reason: `Idle for ${idle} days, the wallet moves ${vnd(movedInDay)} today: customer due diligence is due.`,
  };
};

/** The merchant wallet this transfer involves: the payee of a PAYMENT or the payer of a WITHDRAWAL. */
const merchantOf = (f: RiskFeatures) =>
  f.transfer.type === 'PAYMENT' || f.transfer.type === 'WITHDRAWAL' ? f.merchant : undefined;

/** Fake merchants (seed 004): many payers paying round amounts, like stakes. */
export const merchantRoundAmounts: RiskRule = (f, c) => {
  const m = merchantOf(f);
  const { minDistinctPayers, roundShare, score } = c.merchantRoundAmounts;
  if (!m || m.distinctPayersLast24h < minDistinctPayers) return undefined;
  if (m.roundAmountPaymentsLast24h < roundShare * m.paymentsLast24h) return undefined;
  return {
    rule: 'merchantRoundAmounts',
    score,
    reason: `The merchant had ${m.distinctPayersLast24h} payers in 24 h and ${percent(m.roundAmountPaymentsLast24h, m.paymentsLast24h)} of its payments are round amounts.`,
  };
};

/** Fake merchants (seed 004; RULES.md §7: time): most payments between midnight and 5 am Hanoi time. */
export const merchantNight: RiskRule = (f, c) => {
  const m = merchantOf(f);
  const { nightStartHour, nightEndHour, minPayments, nightShare, score } = c.merchantNight;
  if (!m || m.paymentsLast24h < minPayments) return undefined;
  if (m.nightPaymentsLast24h < nightShare * m.paymentsLast24h) return undefined;
  return {
    rule: 'merchantNight',
    score,
    reason: `${m.nightPaymentsLast24h} of the merchant's ${m.paymentsLast24h} payments in 24 h were made between ${hour(nightStartHour)} and ${hour(nightEndHour)} Hanoi time.`,
  };
};

/** Pass-through merchants (seed 004): the day's takings leave within the hour. */
export const merchantCashOut: RiskRule = (f, c) => {
  const m = f.transfer.type === 'WITHDRAWAL' ? f.merchant : undefined;
  const { cashOutShare, minReceived, score } = c.merchantCashOut;
  if (!m || m.receivedLast24h < minReceived) return undefined;
  const cashOut = m.withdrawnLastHour + f.transfer.amount;
  if (cashOut < cashOutShare * m.receivedLast24h) return undefined;
  return {
    rule: 'merchantCashOut',
    score,
    reason: `The merchant withdraws ${vnd(cashOut)} within an hour, ${percent(cashOut, m.receivedLast24h)} of the ${vnd(m.receivedLast24h)} it received in 24 h.`,
  };
};

/** Every rule, in the order hits are reported: watch lists first. */
export const riskRules: readonly RiskRule[] = [
  watchlistPayee,
  watchlistPayer,
  muleOnward,
  accountTakeover,
  dormantLargeMove,
  merchantRoundAmounts,
  merchantNight,
  merchantCashOut,
];

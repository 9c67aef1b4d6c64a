// The running features of one wallet that the risk engine reads on the transfer path (RULES.md §7,
// §8; DESIGN.md "no scans on the hot path"): hour buckets of amounts and counts, and sketches of
// counterparties. A profile learns from the wallet's statement entries after they commit, one
// entry at a time in version order (`appliedVersion`), so that applying the same entry twice
// changes nothing and a movement is never counted twice.

import { businessDay } from '../calendar.ts';
import type { EntryType } from '../ledger.ts';
import type { RiskConfig } from './config.ts';
import { isNightInHanoi, isRoundAmount } from './features.ts';

/** Hour buckets keyed `h<hours since epoch>`. */
export type HourBuckets = Record<string, number>;

export interface RiskProfile {
  inbound: HourBuckets;
  outbound: HourBuckets;
  withdrawn: HourBuckets;
  payments: HourBuckets;
  roundPayments: HourBuckets;
  nightPayments: HourBuckets;
  /** Counterparty wallet → last time (epoch ms). */
  senders: Record<string, number>;
  payees: Record<string, number>;
  usualAmount: number;
  historyCount: number;
  lastActivityAt?: string;
  /** The Hanoi day of `lastActivityAt`, and the last activity of an earlier day (the dormancy rule). */
  activityDay?: string;
  lastActivityBeforeToday?: string;
  movedToday: number;
  /** The wallet version of the last statement entry learnt (entries are numbered by version). */
  appliedVersion: number;
}

/** A committed statement entry, as the profile learns it. */
export interface LearntEntry {
  walletId: string;
  /** The wallet version the entry produced (its number in the statement). */
  version: number;
  transferId: string;
  type: EntryType;
  /** Signed: credits positive, debits negative. */
  amount: number;
  counterparty?: string;
  /** A party outside the wallet (a switch account) by keyed hash: the profile knows it by this, not by the masked number. */
  counterpartyKey?: string;
  at: string;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Weight of the newest amount in the wallet's usual amount (an exponentially weighted mean). */
const EWMA_WEIGHT = 0.2;
/** Buckets older than this are dropped once a map holds more than `PRUNE_ABOVE` keys. */
const OLD_AFTER_HOURS = 48;
const PRUNE_ABOVE = 60;
/**
 * A sketch of counterparties stops growing here: the rules count at most 30 distinct ones, and an
 * item must stay far below DynamoDB's 400 KB (a busy merchant has thousands of payers a day).
 * A payee beyond the cap keeps looking new to `accountTakeover`: the safe side.
 */
export const SKETCH_CAP = 200;

export const hourOf = (at: Date): number => Math.floor(at.getTime() / HOUR_MS);
export const bucketOf = (at: Date): string => `h${hourOf(at)}`;

/** The sum of the buckets of the last `hours` hours up to `at`. */
export function sumHours(buckets: HourBuckets | undefined, at: Date, hours: number): number {
  const now = hourOf(at);
  let sum = 0;
  for (const [key, value] of Object.entries(buckets ?? {})) {
    const h = Number(key.slice(1));
    if (h > now - hours && h <= now) sum += value;
  }
  return sum;
}

/** How many counterparties of a sketch were seen since `since` (epoch ms). */
export const countSince = (sketch: Record<string, number> | undefined, since: number): number =>
  Object.values(sketch ?? {}).filter((t) => t >= since).length;

export const emptyProfile = (): RiskProfile => ({
  inbound: {},
  outbound: {},
  withdrawn: {},
  payments: {},
  roundPayments: {},
  nightPayments: {},
  senders: {},
  payees: {},
  usualAmount: 0,
  historyCount: 0,
  movedToday: 0,
  appliedVersion: 0,
});

const add = (buckets: HourBuckets, at: Date, amount: number): HourBuckets => {
  const key = bucketOf(at);
  return { ...buckets, [key]: (buckets[key] ?? 0) + amount };
};

/** Records the counterparty unless the sketch is full (one already there is refreshed). */
function remember(sketch: Record<string, number>, walletId: string, at: Date): Record<string, number> {
  if (!(walletId in sketch) && Object.keys(sketch).length >= SKETCH_CAP) return sketch;
  return { ...sketch, [walletId]: at.getTime() };
}

function activity(p: RiskProfile, at: Date, moved: number): Partial<RiskProfile> {
  const today = businessDay(at);
  const sameDay = p.activityDay === today;
  return {
    lastActivityAt: at.toISOString(),
    activityDay: today,
    ...(sameDay || !p.lastActivityAt ? {} : { lastActivityBeforeToday: p.lastActivityAt }),
    movedToday: (sameDay ? p.movedToday : 0) + moved,
  };
}

/** Drops what no rule looks at any more, so that the item stays small. */
function pruned(p: RiskProfile, at: Date): RiskProfile {
  const out = { ...p };
  const oldHour = hourOf(at) - OLD_AFTER_HOURS;
  for (const map of ['inbound', 'outbound', 'withdrawn', 'payments', 'roundPayments', 'nightPayments'] as const) {
    const keys = Object.keys(out[map]);
    if (keys.length > PRUNE_ABOVE)
      out[map] = Object.fromEntries(Object.entries(out[map]).filter(([k]) => Number(k.slice(1)) >= oldHour));
  }
  // Senders matter for 24 h only; payees are kept longer (a known payee is not a new one).
  for (const [map, keepMs] of [
    ['senders', DAY_MS],
    ['payees', 30 * DAY_MS],
  ] as const) {
    if (Object.keys(out[map]).length >= SKETCH_CAP / 2)
      out[map] = Object.fromEntries(Object.entries(out[map]).filter(([, t]) => t >= at.getTime() - keepMs));
  }
  return out;
}

/** Who the other side is for the sketches: a wallet of ours by id, a switch account by its keyed hash. */
const partyOf = (e: LearntEntry): string | undefined => e.counterpartyKey ?? e.counterparty;

/** Money that left the wallet for someone (P2P, PAYMENT, WITHDRAWAL): the payer's side. */
function learnOutgoing(p: RiskProfile, e: LearntEntry, at: Date): RiskProfile {
  const amount = -e.amount;
  const usualAmount =
    p.historyCount === 0 ? amount : Math.round((1 - EWMA_WEIGHT) * p.usualAmount + EWMA_WEIGHT * amount);
  return {
    ...p,
    outbound: add(p.outbound, at, amount),
    ...(e.type === 'WITHDRAWAL' ? { withdrawn: add(p.withdrawn, at, amount) } : {}),
    ...(partyOf(e) ? { payees: remember(p.payees, partyOf(e)!, at) } : {}),
    ...activity(p, at, amount),
    usualAmount,
    historyCount: p.historyCount + 1,
  };
}

/** Money received from another wallet (P2P or PAYMENT in): the payee's side; a PAYMENT counts for merchants. */
function learnIncoming(p: RiskProfile, e: LearntEntry, at: Date, config: RiskConfig): RiskProfile {
  const payment = e.type === 'PAYMENT';
  return {
    ...p,
    inbound: add(p.inbound, at, e.amount),
    ...(payment ? { payments: add(p.payments, at, 1) } : {}),
    ...(payment && isRoundAmount(e.amount, config) ? { roundPayments: add(p.roundPayments, at, 1) } : {}),
    ...(payment && isNightInHanoi(at, config) ? { nightPayments: add(p.nightPayments, at, 1) } : {}),
    ...(partyOf(e) ? { senders: remember(p.senders, partyOf(e)!, at) } : {}),
    ...activity(p, at, e.amount),
  };
}

/**
 * The profile after one more statement entry of its wallet. An entry at or below
 * `appliedVersion` was learnt before and changes nothing. Returns (top-ups, withdrawal and hold
 * returns) move the version on and nothing else: they are not new behaviour of the wallet.
 */
export function learn(profile: RiskProfile, e: LearntEntry, config: RiskConfig): RiskProfile {
  if (e.version <= profile.appliedVersion) return profile;
  const at = new Date(e.at);
  let next: RiskProfile;
  if (e.type === 'TOPUP') next = { ...profile, ...activity(profile, at, e.amount) };
  else if (e.type === 'WITHDRAWAL_RETURN' || e.type === 'HOLD_RETURN' || e.type === 'EXTERNAL_RETURN') next = profile;
  else if (e.amount < 0) next = learnOutgoing(profile, e, at);
  else next = learnIncoming(profile, e, at, config);
  return { ...pruned(next, at), appliedVersion: e.version };
}

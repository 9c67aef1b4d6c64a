import type { WatchlistKind, WatchlistSeverity } from './watchlist.ts';

/** Hour buckets keyed `h<hours since epoch>`, and sketches of counterparties keyed by wallet id. */
export type HourBuckets = Record<string, number>;

/** The counters and sketches the risk engine reads about one wallet (RULES.md §7). */
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
}

export interface RiskLookup {
  walletIds: string[];
  deviceOf?: { customerId: string; deviceId: string };
  signInPhone?: string;
  watch: { kind: WatchlistKind; valueHash: string }[];
}

export interface RiskSnapshot {
  profiles: Record<string, RiskProfile | undefined>;
  device?: { firstSeenAt?: string; trustedAt?: string; trustedVia?: 'KYC' | 'CHALLENGE' };
  signIn?: { recentFailures?: number; lastFailureAt?: string };
  watch: { kind: WatchlistKind; valueHash: string; severity: WatchlistSeverity }[];
}

export interface ProfileChange {
  walletId: string;
  /** What the change was computed from; a missing profile is created first. */
  before: RiskProfile | undefined;
  add: Partial<
    Record<
      'inbound' | 'outbound' | 'withdrawn' | 'payments' | 'roundPayments' | 'nightPayments',
      { bucket: string; amount: number }
    >
  >;
  counterparty?: { map: 'senders' | 'payees'; walletId: string; at: number };
  set: Partial<
    Pick<
      RiskProfile,
      'usualAmount' | 'historyCount' | 'lastActivityAt' | 'activityDay' | 'lastActivityBeforeToday' | 'movedToday'
    >
  >;
  /** Bucket and counterparty keys too old to matter, removed on the way. */
  prune: { map: keyof RiskProfile; key: string }[];
}

/** One round trip for everything the engine needs; updates are single-item and atomic. */
export interface RiskProfiles {
  snapshot(lookup: RiskLookup): Promise<RiskSnapshot>;
  apply(change: ProfileChange): Promise<void>;
}

export type WatchlistKind = 'WALLET' | 'PHONE' | 'BANK_ACCOUNT' | 'ID_NUMBER';
export type WatchlistSeverity = 'WARN' | 'BLOCK';

export interface WatchlistEntry {
  kind: WatchlistKind;
  value: string;
  severity: WatchlistSeverity;
  source: 'MPS_WARNING_DB' | 'SBV_SIMO' | 'INTERNAL';
  reason: string;
}

/** The police (MPS) and State Bank (SIMO) warning lists and our own (RULES.md §5, §7). */
export interface Watchlist {
  /** The severity of the entry for this value, if any. */
  lookup(kind: WatchlistKind, value: string): Promise<WatchlistSeverity | undefined>;
  upsert(entries: WatchlistEntry[], now: Date): Promise<number>;
}

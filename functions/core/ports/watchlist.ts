export type WatchlistKind = 'WALLET' | 'PHONE' | 'BANK_ACCOUNT' | 'ID_NUMBER';
export type WatchlistSeverity = 'WARN' | 'BLOCK';

export interface WatchlistEntry {
  kind: WatchlistKind;
  value: string;
  severity: WatchlistSeverity;
  source: 'MPS_WARNING_DB' | 'SBV_SIMO' | 'INTERNAL';
  reason: string;
}

/**
 * The police (MPS) and State Bank (SIMO) warning lists and our own (RULES.md §5, §7). Values are
 * matched in their canonical form (functions/core/domain/identifiers.ts), on import and on lookup.
 */
export interface Watchlist {
  /** The severity of the entry for this value, if any. */
  lookup(kind: WatchlistKind, value: string): Promise<WatchlistSeverity | undefined>;
  /** Writes the entries (an entry named twice in one import: BLOCK wins); how many distinct entries. */
  upsert(entries: WatchlistEntry[], now: Date): Promise<number>;
  /**
   * The customer each entry names today, found through an item keyed by the value itself (no
   * scan): a PHONE by the phone guard, an ID_NUMBER by the identity guard (individuals), a WALLET
   * by its owner. A BANK_ACCOUNT names nobody here: linked accounts are kept encrypted under their
   * wallet, with no index by number (they are screened on every top-up and withdrawal instead).
   */
  customersNamed(entries: readonly Pick<WatchlistEntry, 'kind' | 'value'>[]): Promise<(string | undefined)[]>;
}

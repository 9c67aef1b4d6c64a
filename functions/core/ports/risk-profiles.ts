import type { RiskProfile } from '../domain/risk/profile.ts';

export type { HourBuckets, RiskProfile } from '../domain/risk/profile.ts';

/**
 * The risk engine's running features per wallet (RULES.md §7). Read on the transfer path with
 * everything else (functions/core/ports/ledger.ts `read`); written after the commit by the
 * money-events consumer, one wallet's entries in version order.
 */
export interface RiskProfiles {
  /** These wallets' profiles (absent: the wallet never moved money), strongly consistent, in one round trip. */
  load(walletIds: string[]): Promise<Record<string, RiskProfile | undefined>>;
  /**
   * Writes the profile if it is still as read (`readVersion` its `appliedVersion`; undefined: it
   * did not exist). False when another writer got there first: read again and fold again.
   */
  save(walletId: string, profile: RiskProfile, readVersion: number | undefined): Promise<boolean>;
}

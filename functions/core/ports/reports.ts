import type { Transfer } from '../domain/transfer.ts';

export interface ReportStore {
  /** Transfers that reached COMPLETED on this Hanoi day at or above the large-value threshold. */
  largeValueTransfers(day: string): Promise<Transfer[]>;
}

/** Hands a transfer to the settlement worker, which calls the bank. */
export interface SettlementQueue {
  enqueue(transferId: string): Promise<void>;
}

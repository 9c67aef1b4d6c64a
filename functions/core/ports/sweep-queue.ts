/**
 * Asks for a sweep of a busy wallet's inbox (functions/core/domain/inbox.ts). In AWS an SQS FIFO
 * queue with the wallet as message group: one sweeper per wallet at a time, in order.
 */
export interface SweepQueue {
  /** `dedupId` names the request: the same one sent twice (a retried batch) is delivered once. */
  request(requests: readonly { walletId: string; dedupId: string }[]): Promise<void>;
}

import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SweepQueue } from '../../ports/sweep-queue.ts';

/** SendMessageBatch takes 10 messages. */
const BATCH = 10;

/**
 * The sweep queue (functions/resources.ts `sweepQueue`): FIFO, the wallet id as message group, so
 * that SQS hands one wallet's requests to one consumer at a time; the request's id, hashed, as
 * deduplication id (SQS drops a duplicate within 5 minutes).
 */
export class SqsSweepQueue implements SweepQueue {
  readonly #sqs = new SQSClient({});
  constructor(private readonly queueUrl: string) {}

  async request(requests: readonly { walletId: string; dedupId: string }[]): Promise<void> {
    if (!requests.length) return;
    if (!this.queueUrl) throw new Error('SWEEP_QUEUE_URL is not set');
    for (let i = 0; i < requests.length; i += BATCH) {
      const out = await this.#sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: requests.slice(i, i + BATCH).map((r, n) => ({
            Id: String(n),
            MessageBody: JSON.stringify({ walletId: r.walletId }),
            MessageGroupId: r.walletId,
            MessageDeduplicationId: createHash('sha256').update(r.dedupId).digest('hex'),
          })),
        }),
      );
      if (out.Failed?.length)
        throw new Error(`${out.Failed.length} sweep request(s) not queued: ${out.Failed[0]?.Code}`);
    }
  }
}

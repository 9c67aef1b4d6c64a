import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SettlementQueue } from '../../ports/settlement-queue.ts';

export class SqsSettlementQueue implements SettlementQueue {
  readonly #sqs = new SQSClient({});
  constructor(private readonly queueUrl: string) {}

  async enqueue(transferId: string): Promise<void> {
    await this.#sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ transferId }) }),
    );
  }
}

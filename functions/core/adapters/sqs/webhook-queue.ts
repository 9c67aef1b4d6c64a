import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage, WebhookQueue } from '../../ports/merchants.ts';

/** SQS delays a message by at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

export class SqsWebhookQueue implements WebhookQueue {
  readonly #sqs = new SQSClient({});
  constructor(
    private readonly queueUrl: string,
    private readonly deadLetterUrl: string | undefined,
  ) {}

  async send(message: DeliveryMessage, delaySeconds = 0): Promise<void> {
    await this.#sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds))),
      }),
    );
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    if (!this.deadLetterUrl) throw new Error('WEBHOOK_DLQ_URL is not set');
    await this.#sqs.send(
      new SendMessageCommand({ QueueUrl: this.deadLetterUrl, MessageBody: JSON.stringify(message) }),
    );
  }
}

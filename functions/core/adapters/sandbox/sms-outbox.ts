import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { SmsMessage, SmsSender } from '../../ports/sms.ts';
import { dynamo } from '../dynamodb/client.ts';
import { keys, ttlAfter } from '../dynamodb/keys.ts';

export interface OutboxItem {
  text: string;
  otp?: string;
  reference?: string;
  sentAt: string;
}

/**
 * Sandbox SMS: messages are kept in the table for a day instead of being sent, readable at
 * `GET /sandbox/sms`. The table, not memory, so that every function of a sandbox stage sees them.
 * Never wired in production (see container.ts).
 */
export class SandboxSmsOutbox implements SmsSender {
  readonly #db = dynamo();
  constructor(
    private readonly table: string,
    private readonly now: () => Date,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const sentAt = this.now().toISOString();
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.sandboxSms(message.phoneNumber, sentAt, ulid()),
          text: message.text,
          otp: message.otp,
          reference: message.reference,
          sentAt,
          ttl: ttlAfter(new Date(sentAt), 24 * 60 * 60),
        },
      }),
    );
  }

  /** Newest first, optionally only the messages about one reference. */
  async list(phoneNumber: string, reference?: string): Promise<OutboxItem[]> {
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.sandboxSmsPartition(phoneNumber) },
        ScanIndexForward: false,
        Limit: 100,
      }),
    );
    return (out.Items ?? [])
      .filter((item) => reference === undefined || item.reference === reference)
      .map(({ text, otp, reference: ref, sentAt }) => ({ text, otp, reference: ref, sentAt }) as OutboxItem);
  }
}

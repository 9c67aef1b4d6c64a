import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NameInquiry } from '../../domain/name-inquiry.ts';
import type { NameInquiries } from '../../ports/name-inquiries.ts';
import { dynamo } from './client.ts';
import { keys, ttlAfter } from './keys.ts';

/** Kept a day past its 10 minutes (a transfer that names it later is told it expired), then TTL removes it. */
const KEPT_AFTER_EXPIRY_SECONDS = 24 * 60 * 60;

export class DynamoNameInquiries implements NameInquiries {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async save(q: NameInquiry): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.nameInquiry(q.nameInquiryId),
          ...q,
          ttl: ttlAfter(new Date(q.expiresAt), KEPT_AFTER_EXPIRY_SECONDS),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}

import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PaymentRequest } from '../../domain/payment-request.ts';
import type { PaymentRequestStore } from '../../ports/merchants.ts';
import { conditionHolds, dynamo } from './client.ts';
import { keys, ttlAfter } from './keys.ts';

// Payment requests in the wallet table. OPEN requests sit in a sparse GSI1 partition by expiry,
// spread over shards (no hot index key on a merchant's busiest day), which the expiry sweep reads;
// a request leaves it when it is PAID (in the payment's commit, commit-items.ts) or EXPIRED. The
// index keys are kept in `openIndexPk`/`openIndexSk` too, so a held payment rejected later can put
// its request back in the index without reading it first.

/** Shards of the OPEN index: each write of a request lands on one, the sweep reads them all. */
export const openRequestShards = 16;

/** Requests are kept a year after their expiry (the payments themselves live with the transfers). */
const KEEP_SECONDS = 366 * 24 * 60 * 60;

const shardOf = (paymentRequestId: string) =>
  Number.parseInt(createHash('sha256').update(paymentRequestId).digest('hex').slice(0, 8), 16) % openRequestShards;

/** A request as stored, without its keys and index bookkeeping. */
export function paymentRequestOf(item: Record<string, unknown>): PaymentRequest {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, openIndexPk: _op, openIndexSk: _os, ttl: _ttl, ...rest } = item;
  return rest as unknown as PaymentRequest;
}

export class DynamoPaymentRequests implements PaymentRequestStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async create(r: PaymentRequest): Promise<void> {
    const index = {
      gsi1pk: keys.openPaymentRequests(shardOf(r.paymentRequestId)),
      gsi1sk: `${r.expiresAt}#${r.paymentRequestId}`,
    };
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.paymentRequest(r.paymentRequestId),
          ...r,
          ...index,
          openIndexPk: index.gsi1pk,
          openIndexSk: index.gsi1sk,
          ttl: ttlAfter(new Date(r.expiresAt), KEEP_SECONDS),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(paymentRequestId: string): Promise<PaymentRequest | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.paymentRequest(paymentRequestId), ConsistentRead: true }),
    );
    return out.Item ? paymentRequestOf(out.Item) : undefined;
  }

  async dueForExpiry(now: Date, limit: number): Promise<string[]> {
    const before = `${now.toISOString()}#~`;
    const pages = await Promise.all(
      Array.from({ length: openRequestShards }, (_, shard) =>
        this.#db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
            ExpressionAttributeValues: { ':pk': keys.openPaymentRequests(shard), ':before': before },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((p) => (p.Items ?? []).map((i) => ({ id: i.paymentRequestId as string, at: i.gsi1sk as string })))
      .sort((a, b) => (a.at < b.at ? -1 : 1))
      .slice(0, limit)
      .map((x) => x.id);
  }

  async expire(paymentRequestId: string, now: Date): Promise<boolean> {
    const at = now.toISOString();
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.paymentRequest(paymentRequestId),
          UpdateExpression: 'SET #st = :expired, expiredAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#st = :open AND expiresAt <= :at',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':expired': 'EXPIRED', ':open': 'OPEN', ':at': at },
        }),
      ),
    );
  }
}

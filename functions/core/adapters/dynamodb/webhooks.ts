import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { refusals } from '../../domain/refusals.ts';
import type { WebhookConfig, WebhookDelivery } from '../../domain/webhooks.ts';
import type { DeliveryKey, WebhookStore } from '../../ports/merchants.ts';
import { batchGet, conditionHolds, dynamo } from './client.ts';
import { keys, ttlAfter } from './keys.ts';

// A merchant's webhook and its deliveries, in the merchant's own partition (`MERCHANT#<id>`): the
// webhook item, and one item per event delivered, newest last by `<createdAt>#<eventId>`.

/** Deliveries are listed for 30 days, then expire. */
const DELIVERY_TTL_SECONDS = 30 * 24 * 60 * 60;

const strip = ({ pk: _pk, sk: _sk, ttl: _ttl, ...rest }: Record<string, unknown>) => rest;

export class DynamoWebhookStore implements WebhookStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async get(customerId: string): Promise<WebhookConfig | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.webhook(customerId), ConsistentRead: true }),
    );
    return out.Item ? (strip(out.Item) as unknown as WebhookConfig) : undefined;
  }

  async getMany(customerIds: string[]): Promise<Record<string, WebhookConfig>> {
    const ids = [...new Set(customerIds)];
    const out: Record<string, WebhookConfig> = {};
    for (let i = 0; i < ids.length; i += 100) {
      const found = await batchGet(
        this.table,
        ids.slice(i, i + 100).map((id) => keys.webhook(id)),
      );
      for (const item of found.values()) {
        const config = strip(item) as unknown as WebhookConfig;
        out[config.customerId] = config;
      }
    }
    return out;
  }

  async put(config: WebhookConfig): Promise<void> {
    await this.#db.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.webhook(config.customerId), ...config } }),
    );
  }

  async fileDelivery(d: WebhookDelivery): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.webhookDelivery(d.merchantCustomerId, d.createdAt, d.eventId),
            ...d,
            ttl: ttlAfter(new Date(d.createdAt), DELIVERY_TTL_SECONDS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getDelivery(k: DeliveryKey): Promise<WebhookDelivery | undefined> {
    const out = await this.#db.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.webhookDelivery(k.merchantCustomerId, k.createdAt, k.eventId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? (strip(out.Item) as unknown as WebhookDelivery) : undefined;
  }

  async recordAttempt(
    k: DeliveryKey,
    readAttempts: number,
    outcome: Pick<WebhookDelivery, 'status' | 'attempts' | 'lastAttemptAt' | 'lastStatusCode' | 'nextAttemptAt'>,
  ): Promise<boolean> {
    const set: Record<string, unknown> = { ...outcome };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':read': readAttempts };
    const parts = Object.entries(set).flatMap(([field, value], i) => {
      if (value === undefined) return [];
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return [`#f${i} = :v${i}`];
    });
    const remove = outcome.nextAttemptAt === undefined ? ' REMOVE nextAttemptAt' : '';
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.webhookDelivery(k.merchantCustomerId, k.createdAt, k.eventId),
          UpdateExpression: `SET ${parts.join(', ')}${remove}`,
          ConditionExpression: 'attempts = :read',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async listDeliveries(customerId: string, limit: number, cursor?: string) {
    const pk = keys.webhook(customerId).pk;
    let start: Record<string, string> | undefined;
    if (cursor !== undefined) {
      try {
        const sk = JSON.parse(Buffer.from(cursor, 'base64url').toString()).sk;
        if (typeof sk !== 'string' || !sk.startsWith('DELIVERY#')) throw refusals.badCursor();
        start = { pk, sk };
      } catch {
        throw refusals.badCursor();
      }
    }
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
        ExpressionAttributeValues: { ':pk': pk, ':d': 'DELIVERY#' },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (out.Items ?? []).map((i) => strip(i) as unknown as WebhookDelivery);
    const last = out.LastEvaluatedKey;
    return {
      items,
      ...(last ? { nextCursor: Buffer.from(JSON.stringify({ sk: last.sk })).toString('base64url') } : {}),
    };
  }
}

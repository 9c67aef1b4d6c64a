import { createHash } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Session, Sessions } from '../../ports/sessions.ts';
import { batchGet, conditionHolds, dynamo } from './client.ts';
import { keys, ttlAfter } from './keys.ts';

/** A session is forgotten once its refresh token could no longer be used anyway (30 days). */
const SESSION_TTL_SECONDS = 31 * 24 * 60 * 60;
const hash = (refreshToken: string) => createHash('sha256').update(refreshToken).digest('base64url');

export class DynamoSessions implements Sessions {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async open(refreshToken: string, session: Session): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.session(hash(refreshToken)),
          ...session,
          ttl: ttlAfter(new Date(session.issuedAt), SESSION_TTL_SECONDS),
        },
      }),
    );
  }

  async find(refreshToken: string) {
    const found = await batchGet(this.table, [keys.session(hash(refreshToken))]);
    const item = [...found.values()][0];
    if (!item || item.ended) return undefined;
    const { pk: _pk, sk: _sk, ttl: _ttl, ended: _ended, ...session } = item;
    const marker = await batchGet(this.table, [keys.sessionsOf(session.customerId as string)]);
    const revokedBefore = [...marker.values()][0]?.revokedBefore as string | undefined;
    return { session: session as unknown as Session, ...(revokedBefore ? { revokedBefore } : {}) };
  }

  refreshed(refreshToken: string, lastIssuedAtRead: string, now: Date): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.session(hash(refreshToken)),
          UpdateExpression: 'SET lastIssuedAt = :now',
          ConditionExpression: 'lastIssuedAt = :read',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':read': lastIssuedAtRead },
        }),
      ),
    );
  }

  async end(refreshToken: string): Promise<void> {
    await this.#db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.session(hash(refreshToken)),
          UpdateExpression: 'SET ended = :yes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      )
      .catch(() => undefined);
  }

  async revokeAll(customerId: string, now: Date): Promise<void> {
    await this.#db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.sessionsOf(customerId),
        UpdateExpression: 'SET revokedBefore = :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }
}

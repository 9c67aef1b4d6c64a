import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, auditTtl } from '../../domain/audit.ts';
import { refusals } from '../../domain/refusals.ts';
import type { AuditLog } from '../../ports/audit-log.ts';
import { dynamo } from './client.ts';
import { keys } from './keys.ts';

/**
 * The audit table (functions/resources.ts `auditTable`): append-only. Entries are written with
 * PutItem conditional on `attribute_not_exists(pk)`, one per subject, and carry a TTL of 5 years
 * and 30 days; nothing here updates or deletes, and IAM grants no function UpdateItem or DeleteItem.
 */
export class DynamoAuditLog implements AuditLog {
  readonly #db = dynamo();
  constructor(private readonly table: string | undefined) {}

  #tableName(): string {
    // Fail closed: without its audit table, a staff action must not go ahead unrecorded.
    if (!this.table) throw new Error('AUDIT_TABLE_NAME is not set: staff actions cannot be audited');
    return this.table;
  }

  async append(entry: Omit<AuditEntry, 'subject'>): Promise<void> {
    const TableName = this.#tableName();
    const ttl = auditTtl(new Date(entry.at));
    await Promise.all(
      [...new Set(entry.subjects)].map((subject) =>
        this.#db.send(
          new PutCommand({
            TableName,
            Item: { ...keys.auditEntry(subject, entry.at, entry.auditId), ...entry, subject, ttl },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    );
  }

  async list(subject: string, limit: number, cursor?: string) {
    const pk = keys.auditSubject(subject);
    const start = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !start) {
      // As every list: a cursor this API did not issue is bad input, not the first page again.
      throw refusals.badCursor();
    }
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.#tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: { pk, sk: start } } : {}),
      }),
    );
    const items = (out.Items ?? []).map(
      ({ auditId, actor, actorGroups, action, subject: s, subjects, purpose, at }) =>
        ({ auditId, actor, actorGroups, action, subject: s, subjects, purpose, at }) as AuditEntry,
    );
    const last = out.LastEvaluatedKey?.sk as string | undefined;
    return { items, ...(last ? { nextCursor: Buffer.from(last).toString('base64url') } : {}) };
  }
}

function decodeCursor(cursor: string): string | undefined {
  const sk = Buffer.from(cursor, 'base64url').toString();
  // Sort keys are `<ISO instant>#<ulid>`; anything else is not a cursor we issued.
  return /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9A-Z]{26}$/.test(sk) ? sk : undefined;
}

import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LawEnforcementRequest, LawEnforcementStore, PackageEntry } from '../../ports/law-enforcement.ts';
import { dynamo } from './client.ts';
import { ENTRIES_PER_PART } from './commit-items.ts';
import { keys } from './keys.ts';

export class DynamoLawEnforcementStore implements LawEnforcementStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async customerIdByIdNumberHash(idNumberHash: string): Promise<string | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.identityGuard('IDENTITY', idNumberHash) }),
    );
    return out.Item?.customerId as string | undefined;
  }

  /** The statement parts of an answer package; the request item itself is written by the commit after them. */
  async saveParts(request: LawEnforcementRequest): Promise<void> {
    const entries = request.answer?.statement.entries ?? [];
    for (let n = 0; n * ENTRIES_PER_PART < entries.length; n++) {
      await this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.lawEnforcementPart(request.requestId, n + 1),
            entries: entries.slice(n * ENTRIES_PER_PART, (n + 1) * ENTRIES_PER_PART),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    }
  }

  async get(requestId: string): Promise<LawEnforcementRequest | undefined> {
    const { pk } = keys.lawEnforcementRequest(requestId);
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const head = items.find((i) => i.sk === 'LEREQ');
    if (!head) return undefined;
    const { pk: _pk, sk: _sk, parts: _parts, ...request } = head as Record<string, unknown>;
    const result = request as unknown as LawEnforcementRequest;
    if (result.answer) {
      const entries = items
        .filter((i) => typeof i.sk === 'string' && i.sk.startsWith('PART#'))
        .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
        .flatMap((i) => i.entries as PackageEntry[]);
      result.answer = { ...result.answer, statement: { ...result.answer.statement, entries } };
    }
    return result;
  }
}

import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LawEnforcementRequest, LawEnforcementStore, PackageEntry } from '../../ports/law-enforcement.ts';
import { dynamo } from './client.ts';
import { keys } from './keys.ts';

/** Statement entries per item: about 250 bytes each keeps a part far below DynamoDB's 400 KB. */
const ENTRIES_PER_PART = 200;

export class DynamoLawEnforcementStore implements LawEnforcementStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async customerIdByIdNumberHash(idNumberHash: string): Promise<string | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.identityGuard('IDENTITY', idNumberHash) }),
    );
    return out.Item?.customerId as string | undefined;
  }

  async save(request: LawEnforcementRequest): Promise<void> {
    const entries = request.answer?.statement.entries ?? [];
    const parts: PackageEntry[][] = [];
    for (let i = 0; i < entries.length; i += ENTRIES_PER_PART) parts.push(entries.slice(i, i + ENTRIES_PER_PART));
    // The parts first, the request last: a request item that exists is always complete.
    for (const [n, part] of parts.entries()) {
      await this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.lawEnforcementPart(request.requestId, n + 1), entries: part },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    }
    const answer = request.answer
      ? { ...request.answer, statement: { ...request.answer.statement, entries: [] } }
      : undefined;
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.lawEnforcementRequest(request.requestId),
          ...request,
          ...(answer ? { answer } : {}),
          parts: parts.length,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
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

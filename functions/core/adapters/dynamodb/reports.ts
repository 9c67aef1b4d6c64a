import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { largeValueIndexPartition } from '../../domain/large-value.ts';
import type { Transfer } from '../../domain/transfer.ts';
import type { ReportStore } from '../../ports/reports.ts';
import { dynamo } from './client.ts';

/** Reports from sparse indexes of the wallet table: each reads one partition, never the table. */
export class DynamoReportStore implements ReportStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async largeValueTransfers(day: string): Promise<Transfer[]> {
    const transfers: Transfer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': largeValueIndexPartition(day) },
          ExclusiveStartKey: start,
        }),
      );
      // gsi2 projects ALL attributes: the index item is the transfer as it was committed.
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...transfer } = item;
        transfers.push(transfer as Transfer);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return transfers;
  }
}

import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/commit-plan.ts';
import { refusals } from '../../domain/refusals.ts';
import type { SuspiciousReport, SuspiciousReportStatus } from '../../domain/suspicious-report.ts';
import type { AmlReportStore } from '../../ports/aml-reports.ts';
import { dynamo } from './client.ts';
import { auditItems } from './commit-items.ts';
import { keys } from './keys.ts';

/** Suspicious-transaction reports in the wallet table, listed by status through gsi1 (soonest due first). */
export class DynamoAmlReportStore implements AmlReportStore {
  readonly #db = dynamo();
  constructor(
    private readonly table: string,
    private readonly auditTable: string | undefined,
  ) {}

  async reportCase(report: SuspiciousReport, audit: AuditRecord) {
    if (!this.auditTable) throw new Error('AUDIT_TABLE_NAME is not set: this report cannot be audited');
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.riskCase(report.caseId),
                UpdateExpression: 'SET suspiciousReportId = :id',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(suspiciousReportId)',
                ExpressionAttributeValues: { ':id': report.reportId },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...keys.suspiciousReport(report.reportId),
                  ...report,
                  gsi1pk: keys.suspiciousReportsByStatus(report.status),
                  gsi1sk: `${report.dueAt}#${report.reportId}`,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...auditItems(this.auditTable, audit).map((b) => b.item),
          ],
        }),
      );
      return 'reported' as const;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code !== 'ConditionalCheckFailed' && !/ConditionalCheckFailed/.test((error as Error).message))
        throw error;
      // Which condition of the case failed: it is gone, or it was reported already.
      const out = await this.#db.send(
        new GetCommand({ TableName: this.table, Key: keys.riskCase(report.caseId), ConsistentRead: true }),
      );
      return out.Item ? ('already-reported' as const) : ('case-not-found' as const);
    }
  }

  async listSuspicious(status: SuspiciousReportStatus, limit: number, cursor?: string) {
    const pk = keys.suspiciousReportsByStatus(status);
    let start: Record<string, unknown> | undefined;
    if (cursor !== undefined) {
      try {
        start = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
      } catch {
        throw refusals.badCursor();
      }
      if (start?.gsi1pk !== pk || typeof start.pk !== 'string' || typeof start.gsi1sk !== 'string')
        throw refusals.badCursor();
    }
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (out.Items ?? []).map(({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _k, ...r }) => r as SuspiciousReport);
    const last = out.LastEvaluatedKey;
    return { items, ...(last ? { nextCursor: Buffer.from(JSON.stringify(last)).toString('base64url') } : {}) };
  }
}

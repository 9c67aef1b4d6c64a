import { createHash } from 'node:crypto';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { largeValueIndexAttributes } from '../../domain/large-value.ts';
import { type SystemAccount, systemAccountShards } from '../../domain/ledger.ts';
import { Refusal } from '../../domain/refusals.ts';
import type { RiskCase } from '../../domain/risk-case.ts';
import type { Transfer, TransferStatus } from '../../domain/transfer.ts';
import type { CommitOutcome, CommitPlan, Ledger, StatementEntry, WalletChange } from '../../ports/ledger.ts';
import { conditionHolds, dynamo } from './client.ts';
import { keys } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Role = 'transfer' | 'wallet' | 'entry' | 'system' | 'monthly' | 'case';

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** Opaque page cursors: a base64url JSON of the keys. Anything else is the caller's mistake, never a 5xx. */
const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeCursor(cursor: string | undefined, fields: readonly string[]): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
    if (fields.every((f) => typeof key[f] === 'string'))
      return Object.fromEntries(fields.map((f) => [f, key[f] as string]));
  } catch {
    // falls through to the refusal
  }
  throw badCursor();
}

const badCursor = () =>
  new Refusal('validation-failed', 'The cursor is not one this API issued.', {
    errors: [{ name: 'query.cursor', reason: 'an opaque nextCursor' }],
  });

const stripKeys = ({
  pk: _pk,
  sk: _sk,
  gsi1pk: _g,
  gsi1sk: _s,
  gsi2pk: _g2,
  gsi2sk: _s2,
  ...rest
}: Record<string, unknown>) => rest;

/** Names of Transfer fields used in update expressions, escaped (`status` is a reserved word). */
function setExpression(set: Record<string, unknown>, prefix: string) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(set).map(([field, value], i) => {
    names[`#${prefix}${i}`] = field;
    values[`:${prefix}${i}`] = value;
    return `#${prefix}${i} = :${prefix}${i}`;
  });
  return { parts, names, values };
}

export class DynamoLedger implements Ledger {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  #transferItem(plan: CommitPlan): TransactItem {
    if ('create' in plan.transfer) {
      const t = plan.transfer.create;
      return {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.transfer(t.transferId),
            ...t,
            ...this.#statusIndex(t.status, t.processingSince ?? t.createdAt, t.transferId),
            ...largeValueIndexAttributes(t),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    }
    const { transferId, from, set, amount } = plan.transfer.update;
    const indexed =
      amount === undefined || !set.status
        ? {}
        : largeValueIndexAttributes({ transferId, amount, status: set.status, completedAt: set.completedAt });
    const { parts, names, values } = setExpression({ ...set, ...indexed } as Record<string, unknown>, 't');
    const index = set.status
      ? this.#statusIndexUpdate(set.status, set.processingSince ?? '', transferId)
      : { set: [], remove: [], values: {} };
    const fromValues = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    return {
      Update: {
        TableName: this.table,
        Key: keys.transfer(transferId),
        UpdateExpression: `SET ${[...parts, ...index.set].join(', ')}${index.remove.length ? ` REMOVE ${index.remove.join(', ')}` : ''}`,
        ConditionExpression: `#st IN (${Object.keys(fromValues).join(', ')})`,
        ExpressionAttributeNames: { ...names, '#st': 'status' },
        ExpressionAttributeValues: { ...values, ...fromValues, ...index.values },
      },
    };
  }

  /** Transfers waiting for the bank sit in a sparse index the sweeper reads. */
  #statusIndex(status: TransferStatus, since: string, transferId: string) {
    return status === 'PROCESSING' ? { gsi1pk: keys.processingIndex, gsi1sk: `${since}#${transferId}` } : {};
  }

  #statusIndexUpdate(status: TransferStatus, since: string, transferId: string) {
    if (status === 'PROCESSING') {
      return {
        set: ['gsi1pk = :idxpk', 'gsi1sk = :idxsk'],
        remove: [] as string[],
        values: { ':idxpk': keys.processingIndex, ':idxsk': `${since}#${transferId}` },
      };
    }
    return { set: [] as string[], remove: ['gsi1pk', 'gsi1sk'], values: {} };
  }

  #walletItems(change: WalletChange, token: string): TransactItem[] {
    const { wallet, delta, counters, entry } = change;
    const next = wallet.version + 1;
    const balanceAfter = wallet.balance + delta;
    const values: Record<string, unknown> = { ':v': wallet.version, ':next': next, ':balance': balanceAfter };
    const sets = ['balance = :balance', 'version = :next'];
    if (counters) {
      const sameDay = wallet.counterDay === counters.day;
      sets.push('counterDay = :day', 'counters = :counters');
      values[':day'] = counters.day;
      values[':counters'] = { ...(sameDay ? wallet.counters : {}), [counters.group]: counters.next };
    }
    let condition = 'version = :v';
    const names: Record<string, string> = {};
    if (change.requireActive) {
      condition += ' AND #status = :active';
      names['#status'] = 'status';
      values[':active'] = 'ACTIVE';
    }
    return [
      {
        Update: {
          TableName: this.table,
          Key: keys.wallet(wallet.walletId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.walletEntry(wallet.walletId, next),
            entryId: digest(token, wallet.walletId).slice(0, 26),
            walletId: wallet.walletId,
            transferId: entry.transferId,
            type: entry.type,
            amount: delta,
            balanceAfter,
            ...(entry.counterparty ? { counterparty: entry.counterparty } : {}),
            createdAt: entry.at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  }

  /** Shard and entry id derive from the transfer: a retried commit is the same request (ClientRequestToken). */
  #systemItems(p: CommitPlan['system'][number], token: string, n: number): TransactItem[] {
    const shard = Number.parseInt(digest(p.transferId, p.account).slice(0, 8), 16) % systemAccountShards;
    return [
      {
        Update: {
          TableName: this.table,
          Key: keys.systemBalance(p.account, shard),
          UpdateExpression: 'ADD balance :amount',
          ExpressionAttributeValues: { ':amount': p.amount },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.systemEntry(p.account, shard, digest(token, String(n)).slice(0, 26)),
            transferId: p.transferId,
            amount: p.amount,
            createdAt: p.at,
          },
        },
      },
    ];
  }

  async commit(plan: CommitPlan): Promise<CommitOutcome> {
    const token = digest(plan.token, ...plan.wallets.map((w) => `${w.wallet.walletId}@${w.wallet.version}`)).slice(
      0,
      36,
    );
    const items: TransactItem[] = [this.#transferItem(plan)];
    const roles: Role[] = ['transfer'];
    for (const change of plan.wallets) {
      items.push(...this.#walletItems(change, token));
      roles.push('wallet', 'entry');
    }
    plan.system.forEach((posting, n) => {
      items.push(...this.#systemItems(posting, token, n));
      roles.push('system', 'system');
    });
    if (plan.monthly) {
      const m = plan.monthly;
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.monthlyUsage(m.customerId, m.month),
          UpdateExpression: 'ADD used :amount',
          // No arithmetic in conditions: the room left is computed here (DESIGN.md). A refund
          // (negative amount, a rejected held transfer) needs no room.
          ...(m.amount > 0
            ? {
                ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
                ExpressionAttributeValues: { ':amount': m.amount, ':room': m.cap - m.amount },
              }
            : { ExpressionAttributeValues: { ':amount': m.amount } }),
        },
      });
      roles.push('monthly');
    }
    if (plan.riskCase) {
      items.push(this.#caseItem(plan.riskCase));
      roles.push('case');
    }
    try {
      await this.#db.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      return 'committed';
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
      const failed = (role: Role) => reasons.some((r, i) => roles[i] === role && r.Code === 'ConditionalCheckFailed');
      if (failed('transfer')) return 'transfer-moved-on';
      if (failed('case')) return 'case-decided';
      if (failed('monthly') && !failed('wallet')) return 'monthly-limit';
      // A wallet changed since it was read, or DynamoDB reported a TransactionConflict: read again.
      return 'stale';
    }
  }

  #caseItem(riskCase: NonNullable<CommitPlan['riskCase']>): TransactItem {
    if ('open' in riskCase) {
      const c = riskCase.open;
      return {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.riskCase(c.caseId),
            ...c,
            gsi1pk: keys.casesByStatus(c.status),
            gsi1sk: `${c.createdAt}#${c.caseId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    }
    const c = riskCase.close;
    return {
      Update: {
        TableName: this.table,
        Key: keys.riskCase(c.caseId),
        UpdateExpression: 'SET #st = :status, decidedBy = :by, note = :note, decidedAt = :at, gsi1pk = :index',
        ConditionExpression: '#st = :open',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: {
          ':status': c.status,
          ':by': c.decidedBy,
          ':note': c.note,
          ':at': c.at,
          ':index': keys.casesByStatus(c.status),
          ':open': 'OPEN',
        },
      },
    };
  }

  async getCase(caseId: string): Promise<RiskCase | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.riskCase(caseId), ConsistentRead: true }),
    );
    return out.Item ? (stripKeys(out.Item) as unknown as RiskCase) : undefined;
  }

  async listCases(status: string, limit: number, cursor?: string) {
    const start = decodeCursor(cursor, ['pk', 'sk', 'gsi1pk', 'gsi1sk']);
    if (start && start.gsi1pk !== keys.casesByStatus(status)) throw badCursor();
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.casesByStatus(status) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    const items = (out.Items ?? []).map((i) => stripKeys(i) as unknown as RiskCase);
    const last = out.LastEvaluatedKey;
    return { items, ...(last ? { nextCursor: encodeCursor(last) } : {}) };
  }

  async getTransfer(transferId: string): Promise<Transfer | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.transfer(transferId), ConsistentRead: true }),
    );
    return out.Item ? (stripKeys(out.Item) as unknown as Transfer) : undefined;
  }

  async createTransfer(t: Transfer): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.transfer(t.transferId),
          ...t,
          ...this.#statusIndex(t.status, t.processingSince ?? t.createdAt, t.transferId),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async updateTransfer(transferId: string, from: TransferStatus[], set: Partial<Transfer>): Promise<boolean> {
    const item = this.#transferItem({
      transfer: { update: { transferId, from, set } },
      wallets: [],
      system: [],
      token: '',
    });
    return conditionHolds(
      this.#db.send(new UpdateCommand(item.Update as ConstructorParameters<typeof UpdateCommand>[0])),
    );
  }

  async useChallengeAttempt(transferId: string, challengeId: string, maxAttempts: number): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.transfer(transferId),
          UpdateExpression: 'SET challenge.attempts = challenge.attempts + :one',
          ConditionExpression: 'challenge.challengeId = :c AND challenge.attempts < :max',
          ExpressionAttributeValues: { ':one': 1, ':c': challengeId, ':max': maxAttempts },
        }),
      ),
    );
  }

  async statement(walletId: string, limit: number, cursor?: string) {
    const start = decodeCursor(cursor, ['sk']);
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
        ExpressionAttributeValues: { ':pk': keys.wallet(walletId).pk, ':entry': 'ENTRY#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start?.sk?.startsWith('ENTRY#') ? { pk: keys.wallet(walletId).pk, sk: start.sk } : undefined,
        ConsistentRead: true,
      }),
    );
    const items = (out.Items ?? []).map(
      ({ entryId, transferId, type, amount, balanceAfter, counterparty, createdAt }) =>
        ({
          entryId,
          transferId,
          type,
          amount,
          balanceAfter,
          ...(counterparty ? { counterparty } : {}),
          createdAt,
        }) as StatementEntry,
    );
    const last = out.LastEvaluatedKey;
    return {
      items,
      ...(last ? { nextCursor: encodeCursor({ sk: last.sk }) } : {}),
    };
  }

  async processing(before: string, limit: number): Promise<Transfer[]> {
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
        ExpressionAttributeValues: { ':pk': keys.processingIndex, ':before': before },
        Limit: limit,
      }),
    );
    const transfers = await Promise.all((out.Items ?? []).map((i) => this.getTransfer(i.transferId as string)));
    return transfers.filter((t): t is Transfer => t?.status === 'PROCESSING');
  }

  async monthlyUsed(customerId: string, month: string): Promise<number> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.monthlyUsage(customerId, month) }),
    );
    return (out.Item?.used as number | undefined) ?? 0;
  }

  async systemBalance(account: SystemAccount): Promise<number> {
    const shards = await Promise.all(
      Array.from({ length: systemAccountShards }, (_, shard) =>
        this.#db.send(
          new GetCommand({ TableName: this.table, Key: keys.systemBalance(account, shard), ConsistentRead: true }),
        ),
      ),
    );
    return shards.reduce((sum, out) => sum + ((out.Item?.balance as number | undefined) ?? 0), 0);
  }
}

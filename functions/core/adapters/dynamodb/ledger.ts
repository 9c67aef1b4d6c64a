import { randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CommitPlan,
  checkPlan,
  maxTransactionItems,
  type StoredRefusal,
  type SwitchRecord,
} from '../../domain/commit-plan.ts';
import type { Customer } from '../../domain/customer.ts';
import { oldestFirst, type PendingCredit } from '../../domain/inbox.ts';
import { type SystemAccount, systemAccountShards } from '../../domain/ledger.ts';
import type { NameInquiry } from '../../domain/name-inquiry.ts';
import { refusals } from '../../domain/refusals.ts';
import type { RiskProfile } from '../../domain/risk/profile.ts';
import type { Case, CaseKind } from '../../domain/risk-case.ts';
import type { Transfer } from '../../domain/transfer.ts';
import type { Wallet } from '../../domain/wallet.ts';
import type { CommitOutcome, Ledger, MoneyItems, MoneyKeys, PendingSum, StatementEntry } from '../../ports/ledger.ts';
import type { BankLink } from '../../ports/link-store.ts';
import type { Device } from '../../ports/onboarding-store.ts';
import type { WatchlistKind, WatchlistSeverity } from '../../ports/watchlist.ts';
import { batchGet, conditionHolds, dynamo } from './client.ts';
import {
  auditItems,
  type Built,
  caseItem,
  clearanceItem,
  creditItem,
  digest,
  ENTRIES_PER_PART,
  monthlyItem,
  orderItems,
  paymentRequestItem,
  refundItem,
  requestItem,
  sweepItems,
  switchRecordItem,
  systemItems,
  type Tables,
  transferItems,
  walletConfigItem,
  walletItems,
} from './commit-items.ts';
import { type Key, keys } from './keys.ts';
import { paymentRequestOf } from './payment-requests.ts';

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
  throw refusals.badCursor();
}

const stripKeys = ({
  pk: _pk,
  sk: _sk,
  gsi1pk: _g,
  gsi1sk: _s,
  gsi2pk: _g2,
  gsi2sk: _s2,
  ...rest
}: Record<string, unknown>) => rest;

/** A credit as its inbox item holds it (commit-items.ts `creditItem`). */
export const pendingCreditOf = (item: Record<string, unknown>): PendingCredit => ({
  walletId: item.walletId as string,
  shard: item.shard as number,
  amount: item.amount as number,
  at: item.at as string,
  entry: {
    transferId: item.transferId as string,
    type: item.type as PendingCredit['entry']['type'],
    ...(item.counterparty ? { counterparty: item.counterparty as string } : {}),
    ...(item.counterpartyKey ? { counterpartyKey: item.counterpartyKey as string } : {}),
  },
});

/** The keys of one read, each with what it is for. */
function keysOf(k: MoneyKeys): { tag: string; key: Key }[] {
  const wanted: { tag: string; key: Key }[] = [];
  if (k.transferId) wanted.push({ tag: 'transfer', key: keys.transfer(k.transferId) });
  if (k.customerId) wanted.push({ tag: 'customer', key: keys.customer(k.customerId) });
  if (k.payeeCustomerId) wanted.push({ tag: 'payeeCustomer', key: keys.customer(k.payeeCustomerId) });
  if (k.device) wanted.push({ tag: 'device', key: keys.device(k.device.customerId, k.device.deviceId) });
  for (const id of new Set(k.walletIds ?? [])) wanted.push({ tag: `wallet:${id}`, key: keys.wallet(id) });
  if (k.link) wanted.push({ tag: 'link', key: keys.link(k.link.walletId, k.link.linkId) });
  if (k.monthly) {
    // Both caps of the month: which one a payment counts toward depends on its payee, read alongside.
    wanted.push({ tag: 'monthly', key: keys.monthlyUsage(k.monthly.customerId, k.monthly.month) });
    wanted.push({ tag: 'essential', key: keys.essentialUsage(k.monthly.customerId, k.monthly.month) });
  }
  for (const id of new Set(k.riskProfiles ?? [])) wanted.push({ tag: `profile:${id}`, key: keys.riskProfile(id) });
  if (k.signInPhone) wanted.push({ tag: 'signin', key: keys.signInGuard(k.signInPhone) });
  for (const w of k.watch ?? [])
    wanted.push({ tag: `watch:${w.kind}:${w.valueHash}`, key: keys.watchlist(w.kind, w.valueHash) });
  if (k.phone) wanted.push({ tag: 'phone', key: keys.phone(k.phone) });
  if (k.caseId) wanted.push({ tag: 'case', key: keys.riskCase(k.caseId) });
  if (k.paymentRequestId) wanted.push({ tag: 'paymentRequest', key: keys.paymentRequest(k.paymentRequestId) });
  if (k.originalTransferId) wanted.push({ tag: 'original', key: keys.transfer(k.originalTransferId) });
  if (k.nameInquiryId) wanted.push({ tag: 'nameInquiry', key: keys.nameInquiry(k.nameInquiryId) });
  return wanted;
}

export class DynamoLedger implements Ledger {
  readonly #db = dynamo();
  readonly #tables: Tables;
  constructor(table: string, auditTable?: string) {
    this.#tables = { wallet: table, ...(auditTable ? { audit: auditTable } : {}) };
  }

  get table(): string {
    return this.#tables.wallet;
  }

  async read(k: MoneyKeys): Promise<MoneyItems> {
    const wanted = keysOf(k);
    const found = await batchGet(
      this.table,
      wanted.map((w) => w.key),
    );
    const byTag = new Map<string, Record<string, unknown>>();
    for (const w of wanted) {
      const item = found.get(`${w.key.pk}|${w.key.sk}`);
      if (item) byTag.set(w.tag, stripKeys(item));
    }
    const slot = byTag.get('transfer');
    const wallets: Record<string, Wallet> = {};
    for (const id of k.walletIds ?? []) {
      const w = byTag.get(`wallet:${id}`);
      if (w) wallets[id] = w as unknown as Wallet;
    }
    const riskProfiles: Record<string, RiskProfile | undefined> = {};
    for (const id of k.riskProfiles ?? []) riskProfiles[id] = byTag.get(`profile:${id}`) as RiskProfile | undefined;
    const watch = (k.watch ?? []).flatMap((w) => {
      const item = byTag.get(`watch:${w.kind}:${w.valueHash}`);
      return item
        ? [{ kind: w.kind as WatchlistKind, valueHash: w.valueHash, severity: item.severity as WatchlistSeverity }]
        : [];
    });
    const items: MoneyItems = {
      wallets,
      monthlyUsed: (byTag.get('monthly')?.used as number | undefined) ?? 0,
      essentialUsed: (byTag.get('essential')?.used as number | undefined) ?? 0,
      riskProfiles,
      watch,
    };
    if (slot?.kind === 'REFUSAL') items.refusal = slot as unknown as StoredRefusal;
    else if (slot) items.transfer = slot as unknown as Transfer;
    const customer = byTag.get('customer');
    if (customer) items.customer = customer as unknown as Customer;
    const payeeCustomer = byTag.get('payeeCustomer');
    if (payeeCustomer) items.payeeCustomer = payeeCustomer as unknown as Customer;
    const device = byTag.get('device');
    if (device) items.device = device as unknown as Device;
    const link = byTag.get('link');
    if (link) items.link = link as unknown as BankLink;
    const signIn = byTag.get('signin');
    if (signIn) items.signIn = signIn as MoneyItems['signIn'];
    const phone = byTag.get('phone');
    if (phone?.customerId) items.phoneOwner = phone.customerId as string;
    const riskCase = byTag.get('case');
    if (riskCase) items.riskCase = riskCase as unknown as Case;
    const request = byTag.get('paymentRequest');
    if (request) items.paymentRequest = paymentRequestOf(request);
    const original = byTag.get('original');
    if (original && original.kind !== 'REFUSAL') items.original = original as unknown as Transfer;
    const inquiry = byTag.get('nameInquiry');
    if (inquiry) {
      const { ttl: _ttl, ...rest } = inquiry;
      items.nameInquiry = rest as unknown as NameInquiry;
    }
    return items;
  }

  /** Every item of the plan, in the order of the plan, each with its role. */
  #items(plan: CommitPlan): Built[] {
    const table = this.table;
    const token = digest(plan.token, ...plan.wallets.map((m) => `${m.wallet.walletId}@${m.wallet.version}`));
    const built: Built[] = [...transferItems(table, plan.transfer)];
    for (const move of plan.wallets) built.push(...walletItems(table, move, token, plan.at));
    plan.system.forEach((p, n) => {
      built.push(...systemItems(table, p, token, n, plan.at));
    });
    for (const credit of plan.credits ?? []) built.push(creditItem(table, credit, plan.at));
    if (plan.sweep) built.push(...sweepItems(table, plan.sweep, token, plan.at));
    if (plan.walletConfig) built.push(walletConfigItem(table, plan.walletConfig));
    if (plan.monthly) built.push(monthlyItem(table, plan.monthly));
    if (plan.riskCase) built.push(caseItem(table, plan.riskCase));
    for (const order of plan.walletOrders ?? []) built.push(...orderItems(table, order));
    if (plan.clearance) built.push(clearanceItem(table, plan.clearance));
    if (plan.paymentRequest) built.push(paymentRequestItem(table, plan.paymentRequest));
    if (plan.refund) built.push(refundItem(table, plan.refund));
    if (plan.switchRecord) built.push(switchRecordItem(table, plan.switchRecord));
    if (plan.lawEnforcementRequest) {
      const entries = plan.lawEnforcementRequest.answer?.statement.entries.length ?? 0;
      built.push(requestItem(table, plan.lawEnforcementRequest, Math.ceil(entries / ENTRIES_PER_PART)));
    }
    if (plan.audit) {
      // Fail closed: a staff change must not happen unrecorded.
      if (!this.#tables.audit) throw new Error('AUDIT_TABLE_NAME is not set: staff changes cannot be audited');
      built.push(...auditItems(this.#tables.audit, plan.audit));
    }
    return built;
  }

  async commit(plan: CommitPlan): Promise<CommitOutcome> {
    checkPlan(plan);
    const built = this.#items(plan);
    if (built.length > maxTransactionItems)
      throw new Error(`${plan.token} needs ${built.length} items, more than one transaction takes`);
    const items = built.map((b) => b.item);
    // One token per call: the SDK's own retries of this call (an answer lost on the network) are
    // applied once. A call after a cancelled one gets a new token, so that DynamoDB does not
    // answer it from the cancelled call's outcome within the token's 10 minutes.
    const ClientRequestToken = digest(JSON.stringify(items), randomUUID()).slice(0, 36);
    try {
      await this.#db.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken }));
      return { outcome: 'committed' };
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
      const on = reasons.flatMap((r, i) => (r.Code && r.Code !== 'None' ? [`${built[i]?.role}:${r.Code}`] : []));
      return { outcome: 'conflict', on };
    }
  }

  async switchRecords(day: string): Promise<SwitchRecord[]> {
    const records: SwitchRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.switchDay(day) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) records.push(stripKeys(item) as unknown as SwitchRecord);
      start = out.LastEvaluatedKey;
    } while (start);
    return records;
  }

  async getCase(caseId: string): Promise<Case | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.riskCase(caseId), ConsistentRead: true }),
    );
    return out.Item ? (stripKeys(out.Item) as unknown as Case) : undefined;
  }

  async listCases(status: string, limit: number, cursor?: string, kind?: CaseKind) {
    let start = decodeCursor(cursor, ['pk', 'sk', 'gsi1pk', 'gsi1sk']);
    if (start && start.gsi1pk !== keys.casesByStatus(status)) throw refusals.badCursor();
    // Both kinds share the status's partition: a filter keeps one. `Limit` counts the items read,
    // so each query reads no more than the page still needs and the cursor is exact.
    const filter =
      kind === 'SCREENING'
        ? { FilterExpression: '#kind = :screening' }
        : kind === 'TRANSFER'
          ? { FilterExpression: 'attribute_not_exists(#kind) OR #kind <> :screening' }
          : {};
    const items: Case[] = [];
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ...filter,
          ...(kind ? { ExpressionAttributeNames: { '#kind': 'kind' } } : {}),
          ExpressionAttributeValues: {
            ':pk': keys.casesByStatus(status),
            ...(kind ? { ':screening': 'SCREENING' } : {}),
          },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map((i) => stripKeys(i) as unknown as Case));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return { items, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
  }

  async getTransfer(transferId: string): Promise<Transfer | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.transfer(transferId), ConsistentRead: true }),
    );
    return out.Item ? (stripKeys(out.Item) as unknown as Transfer) : undefined;
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

  async inbox(walletId: string, shards: number, limit: number): Promise<PendingCredit[]> {
    const pages = await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        this.#db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :credit)',
            ExpressionAttributeValues: { ':pk': keys.inboxShard(walletId, shard), ':credit': 'CREDIT#' },
            ConsistentRead: true,
            Limit: limit,
          }),
        ),
      ),
    );
    // Each shard's oldest `limit`: the oldest `limit` of all are among them.
    return pages
      .flatMap((out) => (out.Items ?? []).map(pendingCreditOf))
      .sort(oldestFirst)
      .slice(0, limit);
  }

  async pendingCredits(walletId: string, shards: number): Promise<PendingSum> {
    const sums = await Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        const sum: PendingSum = { amount: 0, count: 0 };
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.#db.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :credit)',
              ExpressionAttributeValues: { ':pk': keys.inboxShard(walletId, shard), ':credit': 'CREDIT#' },
              ProjectionExpression: 'amount, #at',
              ExpressionAttributeNames: { '#at': 'at' },
              ConsistentRead: true,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of out.Items ?? []) {
            sum.amount += item.amount as number;
            sum.count += 1;
            const at = item.at as string;
            if (!sum.oldestAt || at < sum.oldestAt) sum.oldestAt = at;
          }
          start = out.LastEvaluatedKey;
        } while (start);
        return sum;
      }),
    );
    const all: PendingSum = { amount: 0, count: 0 };
    for (const s of sums) {
      all.amount += s.amount;
      all.count += s.count;
      if (s.oldestAt && (!all.oldestAt || s.oldestAt < all.oldestAt)) all.oldestAt = s.oldestAt;
    }
    return all;
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

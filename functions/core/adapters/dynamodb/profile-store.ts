import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { AuditRecord } from '../../domain/commit-plan.ts';
import type { Consent, DataRequest, DataRequestStatus } from '../../domain/personal-data.ts';
import type { PhoneChange } from '../../domain/phone-change.ts';
import { refusals } from '../../domain/refusals.ts';
import type { Transfer } from '../../domain/transfer.ts';
import type { Device } from '../../ports/onboarding-store.ts';
import type { AuthEvent, Erasure, PhoneChangeTry, ProfileStore } from '../../ports/profile-store.ts';
import { batchGet, conditionHolds, dynamo, isConditionFailure } from './client.ts';
import { auditItems } from './commit-items.ts';
import { keys, ttlAfter } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const DAY = 24 * 60 * 60;
/** An ACCESS export is a copy of everything: kept 30 days for the customer to fetch, then expired (TTL). */
const EXPORT_TTL_SECONDS = 30 * DAY;
/** Encrypted export text per item: far below DynamoDB's 400 KB. */
const EXPORT_PART_CHARS = 300_000;

const stripKeys = ({
  pk: _pk,
  sk: _sk,
  gsi1pk: _g,
  gsi1sk: _s,
  ttl: _t,
  ...rest
}: Record<string, unknown>): Record<string, unknown> => rest;

function decodeCursor(cursor: string | undefined, gsi1pk: string): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
    const fields = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
    if (fields.every((f) => typeof key[f] === 'string') && key.gsi1pk === gsi1pk)
      return Object.fromEntries(fields.map((f) => [f, key[f] as string]));
  } catch {
    // falls through to the refusal
  }
  throw refusals.badCursor();
}

/** Which items of a cancelled transaction failed their condition, by position (undefined: not a condition failure). */
function failedConditions(error: unknown): number[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons =
    (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.map((r) => r.Code ?? 'None') ??
    /\[([^\]]*)\]/
      .exec(error.message)?.[1]
      ?.split(',')
      .map((r) => r.trim());
  if (!reasons?.some((r) => r === 'ConditionalCheckFailed')) return undefined;
  return reasons.flatMap((r, i) => (r === 'ConditionalCheckFailed' ? [i] : []));
}

const requestIndex = (r: DataRequest) => ({
  gsi1pk: keys.dataRequestsByStatus(r.status),
  gsi1sk: `${r.dueAt}#${r.requestId}`,
});

export class DynamoProfileStore implements ProfileStore {
  readonly #db = dynamo();
  constructor(
    private readonly table: string,
    /** The audit table: a phone change and an erasure commit with their audit records. */
    private readonly auditTable: string | undefined,
  ) {}

  #audit(entry: AuditRecord): TransactItem[] {
    // Fail closed: without its audit table, the change must not go ahead unrecorded.
    if (!this.auditTable) throw new Error('AUDIT_TABLE_NAME is not set: this change cannot be audited');
    return auditItems(this.auditTable, entry).map((b) => b.item);
  }

  /** Every item of one partition (strongly consistent), or those whose sort key begins with `prefix`. */
  async #partition(pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  // -- phone changes ---------------------------------------------------------------------------

  async createPhoneChange(change: PhoneChange): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.phoneChange(change.customerId, change.changeId),
          ...change,
          ttl: ttlAfter(new Date(change.expiresAt), DAY),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getPhoneChange(customerId: string, changeId: string): Promise<PhoneChange | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.phoneChange(customerId, changeId), ConsistentRead: true }),
    );
    return out.Item ? (stripKeys(out.Item) as unknown as PhoneChange) : undefined;
  }

  /** Counts a try of a pending change that has not expired (tries are not capped: API.md v1.1). */
  async usePhoneChangeAttempt(customerId: string, changeId: string, now: Date): Promise<PhoneChangeTry> {
    try {
      const out = await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.phoneChange(customerId, changeId),
          UpdateExpression: 'SET attempts = attempts + :one',
          ConditionExpression: 'attribute_exists(pk) AND #status = :pending AND expiresAt > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':pending': 'PENDING',
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, change: stripKeys(out.Attributes ?? {}) as unknown as PhoneChange };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { ok: false };
    }
  }

  async commitPhoneChange(change: PhoneChange, audit: AuditRecord, at: string) {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.phone(change.newPhone), customerId: change.customerId, since: at },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Delete: {
          TableName: this.table,
          Key: keys.phone(change.oldPhone),
          ConditionExpression: 'customerId = :me',
          ExpressionAttributeValues: { ':me': change.customerId },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: keys.customer(change.customerId),
          UpdateExpression: 'SET phoneNumber = :new, phoneChangedAt = :at',
          ConditionExpression: 'phoneNumber = :old',
          ExpressionAttributeValues: { ':new': change.newPhone, ':old': change.oldPhone, ':at': at },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: keys.phoneChange(change.customerId, change.changeId),
          UpdateExpression: 'SET #status = :done, completedAt = :at',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'DONE', ':pending': 'PENDING', ':at': at },
        },
      },
      ...this.#audit(audit),
    ];
    try {
      await this.#db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'changed' as const;
    } catch (error) {
      const failed = failedConditions(error);
      if (!failed) throw error;
      // The new number's guard exists: it is someone's (this customer's own only if the change is done).
      return failed.includes(0) && !failed.includes(3) ? ('phone-taken' as const) : ('stale' as const);
    }
  }

  // -- consents ----------------------------------------------------------------------------------

  async consents(customerId: string): Promise<Consent[]> {
    const items = await this.#partition(keys.customer(customerId).pk, 'CONSENT#');
    return items.map(({ purpose, granted, noticeVersion, at }) => ({ purpose, granted, noticeVersion, at }) as Consent);
  }

  async recordConsent(customerId: string, consent: Consent): Promise<void> {
    await this.#db.send(new TransactWriteCommand({ TransactItems: consentItems(this.table, customerId, [consent]) }));
  }

  // -- data requests -----------------------------------------------------------------------------

  async createDataRequest(request: DataRequest): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.dataRequest(request.customerId, request.requestId), ...request, ...requestIndex(request) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getDataRequest(customerId: string, requestId: string): Promise<DataRequest | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.dataRequest(customerId, requestId), ConsistentRead: true }),
    );
    return out.Item ? (stripKeys(out.Item) as unknown as DataRequest) : undefined;
  }

  async dataRequestsOf(customerId: string): Promise<DataRequest[]> {
    const items = await this.#partition(keys.customer(customerId).pk, 'DATAREQ#');
    return items.filter((i) => !(i.sk as string).includes('#PART#')).map((i) => stripKeys(i) as unknown as DataRequest);
  }

  async completeDataRequest(request: DataRequest, at: string, exportParts: string[] = []): Promise<void> {
    const ttl = ttlAfter(new Date(at), EXPORT_TTL_SECONDS);
    const chunks = exportParts.flatMap((text) => {
      const parts: string[] = [];
      for (let i = 0; i < text.length; i += EXPORT_PART_CHARS) parts.push(text.slice(i, i + EXPORT_PART_CHARS));
      return parts;
    });
    // The parts first: without its request marked COMPLETED they are never read.
    for (const [i, part] of chunks.entries()) {
      await this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.dataRequestPart(request.customerId, request.requestId, i), part, ttl },
        }),
      );
    }
    const done: DataRequest = { ...request, status: 'COMPLETED', completedAt: at };
    await conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.dataRequest(request.customerId, request.requestId),
          UpdateExpression: `SET #status = :done, completedAt = :at, gsi1pk = :gpk, gsi1sk = :gsk${
            chunks.length ? ', exportParts = :parts, #ttl = :ttl' : ''
          }`,
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status', ...(chunks.length ? { '#ttl': 'ttl' } : {}) },
          ExpressionAttributeValues: {
            ':done': 'COMPLETED',
            ':open': 'OPEN',
            ':at': at,
            ':gpk': requestIndex(done).gsi1pk,
            ':gsk': requestIndex(done).gsi1sk,
            ...(chunks.length ? { ':parts': chunks.length, ':ttl': ttl } : {}),
          },
        }),
      ),
    );
  }

  async exportParts(request: DataRequest): Promise<string[]> {
    const items = await this.#partition(
      keys.customer(request.customerId).pk,
      `${keys.dataRequest(request.customerId, request.requestId).sk}#PART#`,
    );
    return items.map((i) => i.part as string);
  }

  async listDataRequests(status: DataRequestStatus, limit: number, cursor?: string) {
    const pk = keys.dataRequestsByStatus(status);
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, pk),
      }),
    );
    const items = (out.Items ?? []).map((i) => stripKeys(i) as unknown as DataRequest);
    const last = out.LastEvaluatedKey;
    return {
      items,
      ...(last ? { nextCursor: Buffer.from(JSON.stringify(last)).toString('base64url') } : {}),
    };
  }

  // -- what an export shows ----------------------------------------------------------------------

  async devices(customerId: string): Promise<Device[]> {
    return (await this.#partition(keys.customer(customerId).pk, 'DEVICE#')).map(
      (i) => stripKeys(i) as unknown as Device,
    );
  }

  async authEvents(customerId: string): Promise<AuthEvent[]> {
    return (await this.#partition(keys.customer(customerId).pk, 'AUTH#')).map(
      ({ kind, deviceId, trusted, appVersion, at }) =>
        ({ kind, deviceId, trusted, ...(appVersion ? { appVersion } : {}), at }) as AuthEvent,
    );
  }

  async transfers(transferIds: readonly string[]): Promise<Transfer[]> {
    const ids = [...new Set(transferIds)];
    const found: Transfer[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const items = await batchGet(
        this.table,
        ids.slice(i, i + 100).map((id) => keys.transfer(id)),
      );
      for (const item of items.values())
        if (item.kind !== 'REFUSAL') found.push(stripKeys(item) as unknown as Transfer);
    }
    return found;
  }

  // -- erasure and retention ---------------------------------------------------------------------

  async transfersInFlight(walletIds: readonly string[]): Promise<number> {
    if (walletIds.length === 0) return 0;
    const values = Object.fromEntries(walletIds.map((w, i) => [`:w${i}`, w]));
    const within = Object.keys(values).join(', ');
    const count = async (gsi1pk: string, filter: string) => {
      let n = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.#db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            FilterExpression: filter,
            ExpressionAttributeValues: { ':pk': gsi1pk, ...values },
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        n += out.Count ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
      return n;
    };
    // At the bank or the switch (a withdrawal's reserve may come back, a top-up may land), and held
    // by the risk engine (a REJECT gives the money back to the payer's wallet).
    const [processing, held] = await Promise.all([
      count(keys.processingIndex, `walletId IN (${within}) OR toWalletId IN (${within})`),
      count(keys.casesByStatus('OPEN'), `walletId IN (${within})`),
    ]);
    return processing + held;
  }

  async erase(e: Erasure): Promise<'erased' | 'changed'> {
    const me = e.customer.customerId;
    const items: TransactItem[] = [
      ...e.wallets
        .filter((w) => w.status !== 'CLOSED')
        .map(
          (w): TransactItem => ({
            Update: {
              TableName: this.table,
              Key: keys.wallet(w.walletId),
              UpdateExpression: 'SET #status = :closed, closedAt = :at REMOVE unlockChallenge',
              // As read, and empty: money that arrived meanwhile (a new version) stops the erasure.
              ConditionExpression: 'version = :v AND balance = :zero AND #status = :read',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':closed': 'CLOSED',
                ':at': e.closedAt,
                ':v': w.version,
                ':zero': 0,
                ':read': w.status,
              },
            },
          }),
        ),
      {
        Update: {
          TableName: this.table,
          Key: keys.customer(me),
          UpdateExpression:
            'SET #status = :closed, phoneNumber = :none, closedAt = :at, retainedEnc = :retained, retainUntil = :until, retainedGuards = :guards, gsi1pk = :gpk, gsi1sk = :me REMOVE #identity, organization, merchant, rejectionReasons, expiryWarnedFor, screeningCleared, defaultWalletId',
          ConditionExpression: '#status = :readStatus AND phoneNumber = :readPhone',
          ExpressionAttributeNames: { '#status': 'status', '#identity': 'identity' },
          ExpressionAttributeValues: {
            ':closed': 'CLOSED',
            ':none': '',
            ':at': e.closedAt,
            ':retained': e.retainedEnc,
            ':until': e.retainUntil,
            ':guards': e.retainedGuards.map((g) => keys.identityGuard(g.kind, g.value)),
            ':gpk': keys.retentionEnds(e.retainUntil),
            ':me': me,
            ':readStatus': e.customer.status,
            ':readPhone': e.customer.phoneNumber,
          },
        },
      },
      {
        Delete: {
          TableName: this.table,
          Key: keys.phone(e.customer.phoneNumber),
          ConditionExpression: 'customerId = :me',
          ExpressionAttributeValues: { ':me': me },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.dataRequest(me, e.request.requestId), ...e.request, ...requestIndex(e.request) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...this.#audit(e.audit),
    ];
    try {
      await this.#db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'erased';
    } catch (error) {
      if (failedConditions(error)) return 'changed';
      throw error;
    }
  }

  async scrubAfterErasure(customerId: string, walletIds: readonly string[]): Promise<void> {
    // Device identifiers stay for the 3 months RULES.md §4 asks of authentication logs (and go with
    // the record); their soft-OTP secrets and keys go now.
    for (const device of await this.devices(customerId)) {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.device(customerId, device.deviceId),
          UpdateExpression: 'SET trusted = :no REMOVE softOtpSecretEnc, publicKeyJwk, keyThumbprint',
          ExpressionAttributeValues: { ':no': false },
        }),
      );
    }
    for (const walletId of walletIds) {
      await this.#db.send(new DeleteCommand({ TableName: this.table, Key: keys.riskProfile(walletId) }));
    }
  }

  async retentionEndingOn(day: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.retentionEnds(day) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) ids.push(item.customerId as string);
      start = out.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async deleteRetained(customerId: string): Promise<number> {
    const profile = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.customer(customerId), ConsistentRead: true }),
    );
    const guards = (profile.Item?.retainedGuards as { pk: string; sk: string }[] | undefined) ?? [];
    const own = await this.#partition(keys.customer(customerId).pk);
    const walletIds = own.flatMap((i) => {
      const m = /^WALLET#[^#]+#(.+)$/.exec(i.sk as string);
      return m ? [m[1]!] : [];
    });
    const wallets = (await Promise.all(walletIds.map((w) => this.#partition(keys.wallet(w).pk)))).flat();
    // The profile last: while it is there, a failed run is found again on the same day.
    const doomed = [...guards, ...wallets, ...own.filter((i) => i.sk !== keys.customer(customerId).sk)].map((i) => ({
      pk: i.pk as string,
      sk: i.sk as string,
    }));
    for (let i = 0; i < doomed.length; i += 25) {
      let request: Record<string, unknown>[] | undefined = doomed
        .slice(i, i + 25)
        .map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; request?.length; attempt++) {
        if (attempt === 5) throw new Error('BatchWriteItem kept leaving deletes unprocessed');
        const out = await this.#db.send(new BatchWriteCommand({ RequestItems: { [this.table]: request as never } }));
        request = out.UnprocessedItems?.[this.table] as Record<string, unknown>[] | undefined;
        if (request?.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
    if (profile.Item) await this.#db.send(new DeleteCommand({ TableName: this.table, Key: keys.customer(customerId) }));
    return doomed.length + (profile.Item ? 1 : 0);
  }
}

/** A consent as it stands for its purpose, and a line of its history (written together). */
export function consentItems(table: string, customerId: string, consents: readonly Consent[]): TransactItem[] {
  return consents.flatMap((c): TransactItem[] => [
    { Put: { TableName: table, Item: { ...keys.consent(customerId, c.purpose), customerId, ...c } } },
    {
      Put: {
        TableName: table,
        Item: { ...keys.consentLog(customerId, c.at, ulid(new Date(c.at).getTime())), customerId, ...c },
      },
    },
  ]);
}

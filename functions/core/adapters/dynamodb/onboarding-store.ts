import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Customer } from '../../domain/customer.ts';
import type { Consent } from '../../domain/personal-data.ts';
import type {
  Device,
  DeviceTrust,
  KycCompletion,
  KycOutcome,
  OnboardingStore,
  Registration,
  TrustChallenge,
  TrustChallengeTry,
} from '../../ports/onboarding-store.ts';
import { conditionHolds, dynamo, isConditionFailure } from './client.ts';
import { keys, ttlAfter } from './keys.ts';
import { consentItems } from './profile-store.ts';

const DAY = 24 * 60 * 60;
/** RULES.md §4: keep device identifiers and authentication logs at least 3 months. */
const AUTH_LOG_RETENTION_SECONDS = 100 * DAY;

/**
 * The update that trusts a device (RFC 9449 binding): with a key, the device is bound to it; without
 * one, a device already bound stays bound, and the write holds only if the request proved that key.
 */
function trustedDeviceUpdate(
  table: string,
  customerId: string,
  trust: DeviceTrust,
  at: string,
  via: 'KYC' | 'CHALLENGE',
) {
  const values: Record<string, unknown> = {
    ':id': trust.deviceId,
    ':yes': true,
    ':at': at,
    ':via': via,
    ':secret': trust.softOtpSecretEnc,
  };
  let set =
    'SET deviceId = :id, trusted = :yes, trustedAt = :at, trustedVia = :via, softOtpSecretEnc = :secret, lastSeenAt = :at, firstSeenAt = if_not_exists(firstSeenAt, :at)';
  let condition: string | undefined;
  if (trust.key) {
    set += ', publicKeyJwk = :jwk, keyThumbprint = :thumbprint';
    values[':jwk'] = trust.key.publicKeyJwk;
    values[':thumbprint'] = trust.key.keyThumbprint;
  } else if (trust.proofThumbprint) {
    condition = 'attribute_not_exists(keyThumbprint) OR keyThumbprint = :proof';
    values[':proof'] = trust.proofThumbprint;
  } else {
    condition = 'attribute_not_exists(keyThumbprint)';
  }
  return {
    TableName: table,
    Key: keys.device(customerId, trust.deviceId),
    UpdateExpression: set,
    ...(condition ? { ConditionExpression: condition } : {}),
    ExpressionAttributeValues: values,
  };
}

/**
 * Which items of a cancelled TransactWriteItems failed their condition, by position; undefined
 * when the cancellation was not (only) about conditions (a conflict with another transaction).
 */
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

const isTransactionConflict = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'TransactionConflictException' ||
    (error.name === 'TransactionCanceledException' && /TransactionConflict/.test(error.message)));

export class DynamoOnboardingStore implements OnboardingStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async createRegistration(r: Registration): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.registration(r.registrationId), ...r, ttl: ttlAfter(new Date(r.createdAt), DAY) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getRegistration(registrationId: string): Promise<Registration | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.registration(registrationId), ConsistentRead: true }),
    );
    return out.Item as Registration | undefined;
  }

  async useRegistrationAttempt(registrationId: string, maxAttempts: number): Promise<Registration | undefined> {
    try {
      const out = await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.registration(registrationId),
          UpdateExpression: 'SET attempts = attempts + :one',
          ConditionExpression: 'attempts < :max AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':max': maxAttempts, ':pending': 'PENDING' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as Registration;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async claimRegistration(registrationId: string, now: Date, staleBefore: Date): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.registration(registrationId),
          UpdateExpression: 'SET #status = :confirming, claimedAt = :now',
          ConditionExpression: '#status = :pending OR (#status = :confirming AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':confirming': 'CONFIRMING',
            ':pending': 'PENDING',
            ':now': now.toISOString(),
            ':stale': staleBefore.toISOString(),
          },
        }),
      ),
    );
  }

  async createCustomer(
    customer: Customer,
    registrationId: string,
    consents: Consent[] = [],
  ): Promise<'created' | 'phone-taken'> {
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.phone(customer.phoneNumber), customerId: customer.customerId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.customer(customer.customerId), ...customer },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: keys.registration(registrationId),
                UpdateExpression: 'SET #status = :confirmed, customerId = :customerId',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':customerId': customer.customerId },
              },
            },
            ...consentItems(this.table, customer.customerId, consents),
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'phone-taken';
      throw error;
    }
  }

  async customerIdByPhone(phoneNumber: string): Promise<string | undefined> {
    const out = await this.#db.send(new GetCommand({ TableName: this.table, Key: keys.phone(phoneNumber) }));
    return out.Item?.customerId as string | undefined;
  }

  async getCustomer(customerId: string, options: { consistent?: boolean } = {}): Promise<Customer | undefined> {
    const out = await this.#db.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.customer(customerId),
        ConsistentRead: options.consistent === true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...customer } = out.Item;
    return customer as Customer;
  }

  async monthlyUsage(customerId: string, month: string): Promise<number> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.monthlyUsage(customerId, month) }),
    );
    return (out.Item?.used as number | undefined) ?? 0;
  }

  async signInLockedUntil(phoneNumber: string): Promise<Date | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.signInGuard(phoneNumber), ConsistentRead: true }),
    );
    const until = out.Item?.lockedUntil as string | undefined;
    return until ? new Date(until) : undefined;
  }

  async recordSignInFailure(phoneNumber: string, now: Date, maxFailures: number, lockoutSeconds: number) {
    const out = await this.#db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.signInGuard(phoneNumber),
        // `recentFailures` outlives a successful sign-in: the risk engine reads it (RULES.md §7).
        UpdateExpression: 'ADD failures :one, recentFailures :one SET #ttl = :ttl, lastFailureAt = :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': ttlAfter(now, DAY), ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (((out.Attributes?.failures as number) ?? 0) < maxFailures) return;
    await this.#db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.signInGuard(phoneNumber),
        UpdateExpression: 'SET lockedUntil = :until, failures = :zero',
        ExpressionAttributeValues: {
          ':until': new Date(now.getTime() + lockoutSeconds * 1000).toISOString(),
          ':zero': 0,
        },
      }),
    );
  }

  async clearSignInFailures(phoneNumber: string): Promise<void> {
    await this.#db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.signInGuard(phoneNumber),
          UpdateExpression: 'SET failures = :zero REMOVE lockedUntil',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async touchDevice(customerId: string, deviceId: string, now: Date): Promise<Device> {
    const at = now.toISOString();
    const out = await this.#db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.device(customerId, deviceId),
        UpdateExpression:
          'SET deviceId = :id, lastSeenAt = :at, firstSeenAt = if_not_exists(firstSeenAt, :at), trusted = if_not_exists(trusted, :no)',
        ExpressionAttributeValues: { ':id': deviceId, ':at': at, ':no': false },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as Device;
  }

  async getDevice(customerId: string, deviceId: string): Promise<Device | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.device(customerId, deviceId), ConsistentRead: true }),
    );
    return out.Item as Device | undefined;
  }

  async trustDevice(customerId: string, trust: DeviceTrust, now: Date): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new UpdateCommand(trustedDeviceUpdate(this.table, customerId, trust, now.toISOString(), 'CHALLENGE')),
      ),
    );
  }

  async useTrustChallengeAttempt(
    challengeId: string,
    customerId: string,
    deviceId: string,
    now: Date,
    maxAttempts: number,
  ): Promise<TrustChallengeTry> {
    try {
      const out = await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.trustChallenge(challengeId),
          UpdateExpression: 'SET attempts = if_not_exists(attempts, :zero) + :one',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(usedAt) AND customerId = :c AND deviceId = :d AND expiresAt > :now AND (attribute_not_exists(attempts) OR attempts < :max)',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':c': customerId,
            ':d': deviceId,
            ':now': now.toISOString(),
            ':max': maxAttempts,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { pk: _pk, sk: _sk, ttl: _ttl, ...challenge } = out.Attributes ?? {};
      return { ok: true, challenge: challenge as TrustChallenge };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Why not: the tries are spent on a challenge otherwise usable, or it is not usable at all.
      const { Item: old } = await this.#db.send(
        new GetCommand({ TableName: this.table, Key: keys.trustChallenge(challengeId), ConsistentRead: true }),
      );
      const usable =
        old !== undefined &&
        old.usedAt === undefined &&
        old.customerId === customerId &&
        old.deviceId === deviceId &&
        (old.expiresAt as string) > now.toISOString();
      return { ok: false, why: usable ? 'exhausted' : 'unusable' };
    }
  }

  async consumeTrustChallenge(challengeId: string, customerId: string, deviceId: string, now: Date): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.trustChallenge(challengeId),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(usedAt) AND customerId = :c AND deviceId = :d AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':c': customerId, ':d': deviceId },
        }),
      ),
    );
  }

  async completeKyc({ customerId, expected, profile, guard, device, now }: KycCompletion): Promise<KycOutcome> {
    const at = now.toISOString();
    const expiry = profile.identity?.idExpiryDate;
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.table,
            Item: { ...keys.identityGuard(guard.kind, guard.value), customerId },
            ConditionExpression: 'attribute_not_exists(pk) OR customerId = :me',
            ExpressionAttributeValues: { ':me': customerId },
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: keys.customer(customerId),
            UpdateExpression:
              'SET #status = :verified, kind = :kind, #identity = :identity, organization = :org, merchant = :merchant, verifiedAt = :at, gsi1pk = :expiryPk, gsi1sk = :me REMOVE rejectionReasons',
            // RULES.md §5: the identity is fixed by the first KYC. The customer must still be as the
            // decision read it: same status, same kind, same identity (none before the first KYC).
            ConditionExpression: `attribute_exists(pk) AND #status = :wasStatus AND kind = :wasKind AND ${
              expected.idNumberHash
                ? '#identity.idNumberHash = :wasHash'
                : 'attribute_not_exists(#identity.idNumberHash)'
            }`,
            ExpressionAttributeNames: { '#status': 'status', '#identity': 'identity' },
            ExpressionAttributeValues: {
              ':verified': 'VERIFIED',
              ':kind': profile.kind,
              ':identity': profile.identity ?? null,
              ':org': profile.organization ?? null,
              ':merchant': profile.merchant ?? null,
              ':at': at,
              ':expiryPk': expiry ? keys.idExpiryIndex(expiry) : 'IDEXPIRY#none',
              ':me': customerId,
              ':wasStatus': expected.status,
              ':wasKind': expected.kind,
              ...(expected.idNumberHash ? { ':wasHash': expected.idNumberHash } : {}),
            },
          },
        },
        { Update: trustedDeviceUpdate(this.table, customerId, device, at, 'KYC') },
      ],
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#db.send(command);
        return 'verified';
      } catch (error) {
        const failed = failedConditions(error);
        if (failed) {
          // The customer changed first: decide again; then the device's binding; then the guard.
          if (failed.includes(1)) return 'changed';
          if (failed.includes(2)) return 'device-bound';
          return 'duplicate';
        }
        // Another transaction on the same items at the same moment: try again shortly.
        if (isTransactionConflict(error) && attempt < 4) {
          await new Promise((done) => setTimeout(done, 25 * 2 ** attempt + Math.random() * 25));
          continue;
        }
        throw error;
      }
    }
  }

  async rejectKyc(customerId: string, reasons: string[], now: Date): Promise<void> {
    await this.#db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.customer(customerId),
          UpdateExpression: 'SET #status = :rejected, rejectionReasons = :reasons, rejectedAt = :at',
          // A verified customer who sends a bad re-verification keeps what they had.
          ConditionExpression: '#status <> :verified',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':rejected': 'REJECTED',
            ':verified': 'VERIFIED',
            ':reasons': reasons,
            ':at': now.toISOString(),
          },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async customersWithIdExpiringOn(day: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.idExpiryIndex(day) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) ids.push(item.customerId as string);
      start = out.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async setCustomerStatus(customerId: string, status: Customer['status'], expected: Customer['status']) {
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.customer(customerId),
          UpdateExpression: 'SET #status = :status',
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':expected': expected },
        }),
      ),
    );
  }

  async markExpiryWarned(customerId: string, expiryDate: string): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.customer(customerId),
          UpdateExpression: 'SET expiryWarnedFor = :d',
          ConditionExpression: 'attribute_not_exists(expiryWarnedFor) OR expiryWarnedFor <> :d',
          ExpressionAttributeValues: { ':d': expiryDate },
        }),
      ),
    );
  }

  async recordAuthEvent(
    customerId: string,
    event: { kind: string; deviceId: string; trusted: boolean; appVersion?: string },
    now: Date,
  ) {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.authEvent(customerId, now.toISOString(), ulid()),
          ...event,
          at: now.toISOString(),
          ttl: ttlAfter(now, AUTH_LOG_RETENTION_SECONDS),
        },
      }),
    );
  }

  async createTrustChallenge(challenge: TrustChallenge): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.trustChallenge(challenge.challengeId),
          ...challenge,
          ttl: ttlAfter(new Date(challenge.expiresAt), DAY),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}

import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Customer } from '../../domain/customer.ts';
import type {
  Device,
  KycCompletion,
  OnboardingStore,
  Registration,
  TrustChallenge,
} from '../../ports/onboarding-store.ts';
import { conditionHolds, dynamo, isConditionFailure } from './client.ts';
import { keys, ttlAfter } from './keys.ts';

const DAY = 24 * 60 * 60;
/** RULES.md §4: keep device identifiers and authentication logs at least 3 months. */
const AUTH_LOG_RETENTION_SECONDS = 100 * DAY;

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

  async createCustomer(customer: Customer, registrationId: string): Promise<'created' | 'phone-taken'> {
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

  async getCustomer(customerId: string): Promise<Customer | undefined> {
    const out = await this.#db.send(new GetCommand({ TableName: this.table, Key: keys.customer(customerId) }));
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

  async trustDevice(customerId: string, deviceId: string, softOtpSecretEnc: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.#db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.device(customerId, deviceId),
        UpdateExpression:
          'SET deviceId = :id, trusted = :yes, trustedAt = :at, trustedVia = :via, softOtpSecretEnc = :secret, lastSeenAt = :at, firstSeenAt = if_not_exists(firstSeenAt, :at)',
        ExpressionAttributeValues: {
          ':id': deviceId,
          ':yes': true,
          ':at': at,
          ':secret': softOtpSecretEnc,
          ':via': 'CHALLENGE',
        },
      }),
    );
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

  async completeKyc({ customerId, profile, guard, device, now }: KycCompletion): Promise<'verified' | 'duplicate'> {
    const at = now.toISOString();
    const expiry = profile.identity?.idExpiryDate;
    try {
      await this.#db.send(
        new TransactWriteCommand({
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
                ConditionExpression: 'attribute_exists(pk)',
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
                },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: keys.device(customerId, device.deviceId),
                UpdateExpression:
                  'SET deviceId = :id, trusted = :yes, trustedAt = :at, trustedVia = :via, softOtpSecretEnc = :secret, lastSeenAt = :at, firstSeenAt = if_not_exists(firstSeenAt, :at)',
                ExpressionAttributeValues: {
                  ':via': 'KYC',
                  ':id': device.deviceId,
                  ':yes': true,
                  ':at': at,
                  ':secret': device.softOtpSecretEnc,
                },
              },
            },
          ],
        }),
      );
      return 'verified';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
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

  async recordAuthEvent(customerId: string, event: { kind: string; deviceId: string; trusted: boolean }, now: Date) {
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

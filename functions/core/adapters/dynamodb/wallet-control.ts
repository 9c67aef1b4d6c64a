import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UnlockChallenge, Wallet, WalletStatus } from '../../domain/wallet.ts';
import type { WalletControl, WalletOrder } from '../../ports/wallet-control.ts';
import { dynamo, isConditionFailure } from './client.ts';
import { unchangedStatus } from './commit-items.ts';
import { keys } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export class DynamoWalletControl implements WalletControl {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async #update(
    walletId: string,
    update: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<'done' | 'conflict'> {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.wallet(walletId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return 'done';
    } catch (error) {
      if (isConditionFailure(error)) return 'conflict';
      throw error;
    }
  }

  lock(wallet: Wallet, lock: { reason?: string; at: string }) {
    const { condition, names, values } = unchangedStatus(wallet);
    const reason = lock.reason ? ', lockedReason = :reason' : '';
    const reasonValue = lock.reason ? { ':reason': lock.reason } : {};
    // A FROZEN wallet stays FROZEN; the lock is what the unfreeze will bring back.
    const set =
      wallet.status === 'FROZEN'
        ? `SET frozenFrom = :locked, lockedAt = :at${reason} REMOVE unlockChallenge`
        : `SET #status = :locked, lockedAt = :at${reason} REMOVE unlockChallenge`;
    return this.#update(wallet.walletId, set, condition, names, {
      ...values,
      ...reasonValue,
      ':locked': 'LOCKED',
      ':at': lock.at,
    });
  }

  setUnlockChallenge(wallet: Wallet, challenge: UnlockChallenge) {
    const { condition, names, values } = unchangedStatus(wallet);
    return this.#update(wallet.walletId, 'SET unlockChallenge = :challenge', condition, names, {
      ...values,
      ':challenge': challenge,
    });
  }

  async useUnlockAttempt(walletId: string, challengeId: string, maxAttempts: number): Promise<boolean> {
    const outcome = await this.#update(
      walletId,
      'SET unlockChallenge.attempts = unlockChallenge.attempts + :one',
      '#status = :locked AND unlockChallenge.challengeId = :c AND unlockChallenge.attempts < :max',
      { '#status': 'status' },
      { ':one': 1, ':c': challengeId, ':max': maxAttempts, ':locked': 'LOCKED' },
    );
    return outcome === 'done';
  }

  async ordersSince(walletId: string, since: string): Promise<WalletOrder[]> {
    const orders: WalletOrder[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.wallet(walletId).pk,
            ':from': `ORDER#${since}`,
            ':to': 'ORDER#\uffff',
          },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const { pk: _pk, sk: _sk, ...order } of out.Items ?? []) orders.push(order as WalletOrder);
      start = out.LastEvaluatedKey;
    } while (start);
    return orders;
  }

  unlock(wallet: Wallet, challengeId: string, deviceId: string, to: WalletStatus, now: Date) {
    const { condition, names, values } = unchangedStatus(wallet);
    return this.#update(
      wallet.walletId,
      'SET #status = :to REMOVE unlockChallenge, lockedAt, lockedReason',
      `${condition} AND unlockChallenge.challengeId = :c AND unlockChallenge.deviceId = :d AND unlockChallenge.expiresAt > :now`,
      names,
      { ...values, ':to': to, ':c': challengeId, ':d': deviceId, ':now': now.toISOString() },
    );
  }
}

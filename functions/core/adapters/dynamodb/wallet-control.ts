import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UnlockChallenge, Wallet, WalletStatus } from '../../domain/wallet.ts';
import type { WalletControl, WalletOrder } from '../../ports/wallet-control.ts';
import { dynamo, isConditionFailure } from './client.ts';
import { keys } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The condition "the fields a status decision rests on are as read": status, frozenFrom and
 * activeLinks. Balance and version are left out: money movement does not change a status, and a
 * transfer racing a freeze is stopped by its own commit condition (`status = ACTIVE`).
 */
function unchanged(wallet: Wallet) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':readStatus': wallet.status };
  const parts = ['#status = :readStatus'];
  if (wallet.frozenFrom === undefined) parts.push('attribute_not_exists(frozenFrom)');
  else {
    parts.push('frozenFrom = :readFrozenFrom');
    values[':readFrozenFrom'] = wallet.frozenFrom;
  }
  if (wallet.activeLinks === undefined) parts.push('attribute_not_exists(activeLinks)');
  else {
    parts.push('activeLinks = :readLinks');
    values[':readLinks'] = wallet.activeLinks;
  }
  return { condition: parts.join(' AND '), names, values };
}

export class DynamoWalletControl implements WalletControl {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  #orderPut(order: WalletOrder): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...keys.walletOrder(order.walletId, order.at, order.orderId), ...order },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async #transact(items: TransactItem[]): Promise<'done' | 'conflict'> {
    try {
      await this.#db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'done';
    } catch (error) {
      // A condition that failed, or DynamoDB's TransactionConflict with a concurrent write: re-plan.
      if (isConditionFailure(error) || /TransactionConflict/.test((error as Error).message)) return 'conflict';
      throw error;
    }
  }

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

  freeze(wallet: Wallet, order: WalletOrder) {
    const { condition, names, values } = unchanged(wallet);
    return this.#transact([
      {
        Update: {
          TableName: this.table,
          Key: keys.wallet(wallet.walletId),
          UpdateExpression: 'SET #status = :frozen, frozenFrom = :from, frozenAt = :at REMOVE unlockChallenge',
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':frozen': 'FROZEN', ':from': wallet.status, ':at': order.at },
        },
      },
      this.#orderPut(order),
    ]);
  }

  recordOrder(wallet: Wallet, order: WalletOrder) {
    const { condition, names, values } = unchanged(wallet);
    return this.#transact([
      {
        ConditionCheck: {
          TableName: this.table,
          Key: keys.wallet(wallet.walletId),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      this.#orderPut(order),
    ]);
  }

  unfreeze(wallet: Wallet, order: WalletOrder) {
    const { condition, names, values } = unchanged(wallet);
    return this.#transact([
      {
        Update: {
          TableName: this.table,
          Key: keys.wallet(wallet.walletId),
          UpdateExpression: 'SET #status = :to REMOVE frozenFrom, frozenAt',
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':to': order.status },
        },
      },
      this.#orderPut(order),
    ]);
  }

  lock(wallet: Wallet, lock: { reason?: string; at: string }) {
    const { condition, names, values } = unchanged(wallet);
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
    const { condition, names, values } = unchanged(wallet);
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

  unlock(wallet: Wallet, challengeId: string, deviceId: string, to: WalletStatus, now: Date) {
    const { condition, names, values } = unchanged(wallet);
    return this.#update(
      wallet.walletId,
      'SET #status = :to REMOVE unlockChallenge, lockedAt, lockedReason',
      `${condition} AND unlockChallenge.challengeId = :c AND unlockChallenge.deviceId = :d AND unlockChallenge.expiresAt > :now`,
      names,
      { ...values, ':to': to, ':c': challengeId, ':d': deviceId, ':now': now.toISOString() },
    );
  }
}

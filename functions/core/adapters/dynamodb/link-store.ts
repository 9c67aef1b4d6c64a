import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Wallet } from '../../domain/wallet.ts';
import type { BankLink, LinkStore } from '../../ports/link-store.ts';
import { dynamo, isConditionFailure } from './client.ts';
import { keys } from './keys.ts';

const strip = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest as unknown as BankLink;

export class DynamoLinkStore implements LinkStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  #walletUpdateOnAdd(wallet: Wallet) {
    const Key = keys.wallet(wallet.walletId);
    if (wallet.status === 'PENDING_LINK') {
      return {
        TableName: this.table,
        Key,
        UpdateExpression: 'SET #status = :active, activeLinks = :one',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':one': 1, ':pending': 'PENDING_LINK' },
      };
    }
    return {
      TableName: this.table,
      Key,
      UpdateExpression: 'ADD activeLinks :one',
      ConditionExpression: '#status <> :pending AND #status <> :closed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':one': 1, ':pending': 'PENDING_LINK', ':closed': 'CLOSED' },
    };
  }

  async add(link: BankLink, wallet: Wallet): Promise<'created' | 'exists'> {
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.linkGuard(link.walletId, link.instrumentHash), linkId: link.linkId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: { ...keys.link(link.walletId, link.linkId), ...link } } },
            { Update: this.#walletUpdateOnAdd(wallet) },
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const guardItem = await this.#db.send(
        new GetCommand({
          TableName: this.table,
          Key: keys.linkGuard(link.walletId, link.instrumentHash),
          ConsistentRead: true,
        }),
      );
      if (guardItem.Item) return 'exists';
      throw Object.assign(new Error('the wallet changed while linking'), { retryable: true });
    }
  }

  async list(walletId: string): Promise<BankLink[]> {
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :link)',
        ExpressionAttributeValues: { ':pk': keys.wallet(walletId).pk, ':link': 'LINK#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(strip);
  }

  async get(walletId: string, linkId: string): Promise<BankLink | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.link(walletId, linkId), ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  async remove(link: BankLink, wallet: Wallet, now: Date): Promise<'removed' | 'holds-money' | 'conflict'> {
    const last = (wallet.activeLinks ?? 0) <= 1;
    const walletUpdate = last
      ? {
          // The wallet's balance is checked by the same transaction: no top-up can slip in between.
          UpdateExpression: 'SET #status = :pending, activeLinks = :zero',
          ConditionExpression: 'activeLinks = :one AND balance = :zero AND #status = :active',
          ExpressionAttributeValues: { ':pending': 'PENDING_LINK', ':zero': 0, ':one': 1, ':active': 'ACTIVE' },
        }
      : {
          UpdateExpression: 'ADD activeLinks :minus',
          ConditionExpression: 'activeLinks > :one',
          ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
        };
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.link(link.walletId, link.linkId),
                UpdateExpression: 'SET #status = :removed, removedAt = :at',
                ConditionExpression: '#status = :activeLink',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':removed': 'REMOVED', ':at': now.toISOString(), ':activeLink': 'ACTIVE' },
              },
            },
            { Delete: { TableName: this.table, Key: keys.linkGuard(link.walletId, link.instrumentHash) } },
            {
              Update: {
                TableName: this.table,
                Key: keys.wallet(wallet.walletId),
                ...walletUpdate,
                ...(last ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
              },
            },
          ],
        }),
      );
      return 'removed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return last && wallet.balance > 0 ? 'holds-money' : 'conflict';
    }
  }
}

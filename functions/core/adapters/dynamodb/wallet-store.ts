import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Wallet } from '../../domain/wallet.ts';
import type { WalletStore } from '../../ports/wallet-store.ts';
import { batchGet, dynamo } from './client.ts';
import { keys } from './keys.ts';

const strip = ({ pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...rest }: Record<string, unknown>) =>
  rest as unknown as Wallet;

export class DynamoWalletStore implements WalletStore {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async create(wallet: Wallet): Promise<void> {
    await this.#db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...keys.wallet(wallet.walletId), ...wallet },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            // The customer's list of wallets: an item that never changes, so that a balance change
            // rewrites no index entry (the wallet item is in no index).
            Put: {
              TableName: this.table,
              Item: {
                ...keys.walletOfOwner(wallet.ownerId, wallet.createdAt, wallet.walletId),
                walletId: wallet.walletId,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: this.table,
              Key: keys.customer(wallet.ownerId),
              UpdateExpression: 'SET defaultWalletId = if_not_exists(defaultWalletId, :w)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':w': wallet.walletId },
            },
          },
        ],
      }),
    );
  }

  async get(walletId: string): Promise<Wallet | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.wallet(walletId), ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  async listByOwner(ownerId: string): Promise<Wallet[]> {
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :w)',
        ExpressionAttributeValues: { ':pk': keys.customer(ownerId).pk, ':w': 'WALLET#' },
        ConsistentRead: true,
      }),
    );
    const ids = (out.Items ?? []).map((i) => i.walletId as string);
    const found = await batchGet(
      this.table,
      ids.map((id) => keys.wallet(id)),
    );
    return ids.flatMap((id) => {
      const item = found.get(`${keys.wallet(id).pk}|${keys.wallet(id).sk}`);
      return item ? [strip(item)] : [];
    });
  }
}

import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Wallet } from '../../domain/wallet.ts';
import type { WalletStore } from '../../ports/wallet-store.ts';
import { dynamo } from './client.ts';
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
              Item: {
                ...keys.wallet(wallet.walletId),
                ...wallet,
                gsi1pk: keys.walletsOfOwner(wallet.ownerId),
                gsi1sk: `WALLET#${wallet.createdAt}#${wallet.walletId}`,
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
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :w)',
        ExpressionAttributeValues: { ':pk': keys.walletsOfOwner(ownerId), ':w': 'WALLET#' },
      }),
    );
    // The index is eventually consistent; balances and statuses come from the items themselves.
    const ids = (out.Items ?? []).map((i) => i.walletId as string);
    const wallets = await Promise.all(ids.map((id) => this.get(id)));
    return wallets.filter((w): w is Wallet => w !== undefined);
  }
}

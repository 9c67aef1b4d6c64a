import type { Wallet } from '../domain/wallet.ts';

export interface WalletStore {
  /** Creates the wallet; the customer's first wallet becomes their default for P2P by phone. */
  create(wallet: Wallet): Promise<void>;
  get(walletId: string): Promise<Wallet | undefined>;
  listByOwner(ownerId: string): Promise<Wallet[]>;
}

import type { Wallet } from '../domain/wallet.ts';

export interface BankLink {
  linkId: string;
  walletId: string;
  bankCode: string;
  kind: 'ACCOUNT' | 'CARD';
  maskedNumber: string;
  /** Account numbers are kept encrypted; card numbers are never kept, only the bank's token. */
  accountNumberEnc?: string;
  cardToken?: string;
  /** Keyed hash of the bank and number: the same instrument twice on one wallet is refused. */
  instrumentHash: string;
  status: 'ACTIVE' | 'REMOVED';
  createdAt: string;
  removedAt?: string;
}

export interface LinkStore {
  /**
   * Adds the link and counts it on the wallet; a PENDING_LINK wallet becomes ACTIVE (RULES.md §6).
   * 'exists' when the same account or card is already linked to this wallet.
   */
  add(link: BankLink, wallet: Wallet): Promise<'created' | 'exists'>;
  list(walletId: string): Promise<BankLink[]>;
  get(walletId: string, linkId: string): Promise<BankLink | undefined>;
  /**
   * Removes an ACTIVE link. The last link of a wallet goes only while the balance is 0, and the
   * wallet returns to PENDING_LINK. 'conflict' when the wallet changed meanwhile (retry).
   */
  remove(link: BankLink, wallet: Wallet, now: Date): Promise<'removed' | 'holds-money' | 'conflict'>;
}

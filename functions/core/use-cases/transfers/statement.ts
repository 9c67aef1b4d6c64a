import type { Services } from '../../ports/services.ts';
import { ownWallet } from '../wallets.ts';

/** GET /v1/wallets/{id}/statement: newest first, signed amounts, balance after each entry. */
export async function statement(
  services: Services,
  customerId: string,
  walletId: string,
  limit: number,
  cursor?: string,
) {
  await ownWallet(services, customerId, walletId);
  return services.ledger.statement(walletId, limit, cursor);
}

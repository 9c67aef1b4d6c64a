import { ulid } from 'ulid';
import { pageOf } from '../domain/page.ts';
import { refusals } from '../domain/refusals.ts';
import { walletView } from '../domain/wallet.ts';
import type { Services } from '../ports/services.ts';
import { walletWithPending } from './inbox.ts';

/** POST /v1/wallets: only VERIFIED customers; a new wallet waits for its bank link (RULES.md §6). */
export async function openWallet({ store, wallets, clock }: Services, customerId: string) {
  const customer = await store.getCustomer(customerId);
  if (!customer || customer.status !== 'VERIFIED') throw refusals.kycRequired();
  const now = clock.now();
  const wallet = {
    walletId: ulid(now.getTime()),
    ownerId: customerId,
    ownerKind: customer.kind,
    merchant: customer.merchant !== undefined && customer.merchant !== null,
    ...(customer.merchant?.essentialCategory ? { essentialCategory: customer.merchant.essentialCategory } : {}),
    status: 'PENDING_LINK' as const,
    balance: 0,
    version: 0,
    currency: 'VND' as const,
    createdAt: now.toISOString(),
  };
  await wallets.create(wallet);
  return walletView(wallet);
}

/** A busy wallet's balance sums its inbox shards too (docs/merchants.md "A busy merchant's inbox"). */
export async function listWallets(services: Services, customerId: string, limit = 20, cursor?: string) {
  const page = pageOf(await services.wallets.listByOwner(customerId), (w) => w.walletId, limit, cursor);
  const items = await Promise.all(page.items.map((w) => walletWithPending(services, w)));
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** Another customer's wallet answers 404, as if it did not exist (API.md "Ownership"). */
export async function ownWallet({ wallets }: Services, customerId: string, walletId: string) {
  const wallet = await wallets.get(walletId);
  if (!wallet || wallet.ownerId !== customerId) throw refusals.walletNotFound();
  return wallet;
}

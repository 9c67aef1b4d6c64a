import { ulid } from 'ulid';
import { maskAccountNumber, maskCardNumber } from '../domain/banks.ts';
import type { Customer } from '../domain/customer.ts';
import { pageOf } from '../domain/page.ts';
import { payerWalletRefusal, Refusal, refusals } from '../domain/refusals.ts';
import type { Wallet } from '../domain/wallet.ts';
import type { AccountHolder } from '../ports/bank.ts';
import type { BankLink } from '../ports/link-store.ts';
import type { Services } from '../ports/services.ts';
import { ownWallet } from './wallets.ts';

export type LinkRequest = { bankCode: string; accountNumber: string } | { bankCode: string; cardNumber: string };

const linkView = (l: BankLink) => ({
  linkId: l.linkId,
  bankCode: l.bankCode,
  kind: l.kind,
  maskedNumber: l.maskedNumber,
  status: l.status,
  createdAt: l.createdAt,
});

/**
 * Links do not change while the wallet is locked by its owner (credentials may be in someone
 * else's hands, RULES.md §7), frozen, or closed: the same answers as for moving money.
 */
function refuseWhileStopped(wallet: Wallet) {
  if (wallet.status === 'ACTIVE' || wallet.status === 'PENDING_LINK') return;
  throw payerWalletRefusal(wallet.status)!;
}

/** Who the bank must confirm as the owner (API.md): a person's name and ID number, an organisation's legal name and enterprise code. */
async function holderOf({ keyRing }: Services, customer: Customer): Promise<AccountHolder> {
  if (customer.organization)
    return { name: customer.organization.legalName, idNumber: customer.organization.enterpriseCode };
  if (!customer.identity) throw refusals.kycRequired();
  return { name: customer.identity.fullName, idNumber: await (await keyRing()).decrypt(customer.identity.idNumberEnc) };
}

/**
 * POST /v1/wallets/{id}/links (RULES.md §6, Decree 52 Art. 6): the bank confirms the account or
 * card is the wallet owner's own; card numbers are never stored, only the bank's token and a mask.
 */
export async function linkBank(services: Services, customerId: string, walletId: string, request: LinkRequest) {
  const { store, bank, links, keyRing, clock } = services;
  const wallet = await ownWallet(services, customerId, walletId);
  refuseWhileStopped(wallet);
  const customer = await store.getCustomer(customerId);
  if (!customer || (customer.status !== 'VERIFIED' && customer.status !== 'REVERIFICATION_REQUIRED'))
    throw refusals.kycRequired();

  const ring = await keyRing();
  const number = 'cardNumber' in request ? request.cardNumber : request.accountNumber;
  const check = await bank.verifyOwner(request, await holderOf(services, customer));
  if (!check.verified) {
    throw new Refusal(
      'bank-account-owner-mismatch',
      'The bank did not confirm that this account or card belongs to the wallet owner.',
    );
  }
  const now = clock.now();
  const link: BankLink = {
    linkId: ulid(now.getTime()),
    walletId,
    bankCode: request.bankCode,
    kind: 'cardNumber' in request ? 'CARD' : 'ACCOUNT',
    maskedNumber:
      'cardNumber' in request ? maskCardNumber(request.cardNumber) : maskAccountNumber(request.accountNumber),
    ...('cardNumber' in request
      ? { cardToken: check.cardToken }
      : { accountNumberEnc: await ring.encrypt(request.accountNumber) }),
    instrumentHash: await ring.mac('bank-instrument', `${request.bankCode}:${number}`),
    status: 'ACTIVE',
    createdAt: now.toISOString(),
  };
  const outcome = await links.add(link, wallet).catch(async (error: { retryable?: boolean }) => {
    if (!error.retryable) throw error;
    return links.add(link, await ownWallet(services, customerId, walletId));
  });
  if (outcome === 'exists') throw new Refusal('link-exists', 'This account or card is already linked to this wallet.');
  return linkView(link);
}

export async function listLinks(services: Services, customerId: string, walletId: string, limit = 20, cursor?: string) {
  await ownWallet(services, customerId, walletId);
  const page = pageOf(await services.links.list(walletId), (l) => l.linkId, limit, cursor);
  return { items: page.items.map(linkView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** DELETE /v1/wallets/{id}/links/{linkId}: the last link of a wallet holding money stays. */
export async function removeLink(services: Services, customerId: string, walletId: string, linkId: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const wallet = await ownWallet(services, customerId, walletId);
    refuseWhileStopped(wallet);
    const link = await services.links.get(walletId, linkId);
    if (link?.status !== 'ACTIVE') throw new Refusal('link-not-found', 'No such bank link.');
    const outcome = await services.links.remove(link, wallet, services.clock.now());
    if (outcome === 'removed') return { ...linkView(link), status: 'REMOVED' as const };
    if (outcome === 'holds-money') {
      throw new Refusal(
        'last-link-holds-money',
        'This is the last bank link of a wallet that holds money: withdraw the balance first (Decree 52 Art. 6).',
      );
    }
  }
  throw new Refusal('request-in-progress', 'The wallet is changing; try again.');
}

/** The instrument money moves through: account number decrypted or card token, never a card number. */
export async function instrumentOf({ keyRing }: Services, link: BankLink) {
  return link.kind === 'CARD'
    ? { bankCode: link.bankCode, cardToken: link.cardToken! }
    : { bankCode: link.bankCode, accountNumber: await (await keyRing()).decrypt(link.accountNumberEnc!) };
}

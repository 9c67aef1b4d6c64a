import type { Customer, StoredIdentity } from '../domain/customer.ts';
import { isLargeValue, largeValueThreshold } from '../domain/large-value.ts';
import type { Transfer } from '../domain/transfer.ts';
import type { KeyRing } from '../ports/key-ring.ts';
import type { Services } from '../ports/services.ts';

/**
 * One side of a reported transfer with the full details Circular 27/2025 asks of domestic transfer
 * reports (RULES.md §8): who (name, ID number or enterprise code), which account or wallet, at
 * which institution. Decrypted for the `compliance` group only; the route audits the read.
 */
export interface AmlParty {
  kind: 'WALLET' | 'BANK_ACCOUNT' | 'CARD' | 'SWITCH_ACCOUNT';
  /** Our customer, when the side is one. */
  customerId?: string;
  name?: string;
  /** A person's ID number (CCCD), or an organisation's enterprise code. */
  idNumber?: string;
  idType?: 'CCCD' | 'ENTERPRISE_CODE';
  walletId?: string;
  /** In full where the wallet holds it (linked accounts, switch payees); masked where it holds only that (cards, senders at the switch). */
  accountNumber?: string;
  /** The institution's code: this provider's own for its wallets, the bank's or the switch member's otherwise. */
  institution: string;
}

interface Holder {
  customerId: string;
  name?: string;
  idNumber?: string;
  idType?: AmlParty['idType'];
}

/** Who a customer is, for the report: an erased one from what AML law kept (RULES.md §9). */
async function holderOf(ring: KeyRing, customer: Customer | undefined, customerId: string): Promise<Holder> {
  if (!customer) return { customerId };
  let c: Pick<Customer, 'kind' | 'identity' | 'organization'> = customer;
  if (customer.retainedEnc) {
    c = JSON.parse(await ring.decrypt(customer.retainedEnc)) as Pick<Customer, 'kind' | 'identity' | 'organization'>;
  }
  if (c.kind === 'ORGANIZATION' && c.organization) {
    return {
      customerId,
      name: c.organization.legalName,
      idNumber: c.organization.enterpriseCode,
      idType: 'ENTERPRISE_CODE',
    };
  }
  const id: StoredIdentity | undefined = c.identity;
  return id
    ? { customerId, name: id.fullName, idNumber: await ring.decrypt(id.idNumberEnc), idType: 'CCCD' }
    : { customerId };
}

const withHolder = (h: Holder) => ({
  customerId: h.customerId,
  ...(h.name ? { name: h.name } : {}),
  ...(h.idNumber ? { idNumber: h.idNumber, idType: h.idType } : {}),
});

/** The sender and receiver of one transfer, with what the wallet knows of each. */
async function partiesOf(
  services: Services,
  ring: KeyRing,
  t: Transfer,
): Promise<{ sender: AmlParty; receiver: AmlParty }> {
  const { store, wallets, links, institutionCode } = services;
  const holder = async (customerId: string) =>
    holderOf(ring, await store.getCustomer(customerId, { consistent: true }), customerId);
  const walletSide = async (walletId: string, ownerId?: string): Promise<AmlParty> => {
    const owner = ownerId ?? (await wallets.get(walletId))?.ownerId;
    return {
      kind: 'WALLET',
      ...(owner ? withHolder(await holder(owner)) : {}),
      walletId,
      institution: institutionCode,
    };
  };
  const bankSide = async (): Promise<AmlParty> => {
    const link = t.linkId ? await links.get(t.walletId, t.linkId) : undefined;
    // The bank confirmed at linking that the account is the customer's own (Decree 52 Art. 6).
    return {
      kind: link?.kind === 'CARD' ? 'CARD' : 'BANK_ACCOUNT',
      ...withHolder(await holder(t.customerId)),
      ...(link
        ? {
            accountNumber: link.accountNumberEnc ? await ring.decrypt(link.accountNumberEnc) : link.maskedNumber,
          }
        : {}),
      institution: link?.bankCode ?? 'UNKNOWN',
    };
  };
  const switchSide = async (): Promise<AmlParty> => ({
    kind: 'SWITCH_ACCOUNT',
    ...(t.counterparty?.name ? { name: t.counterparty.name } : {}),
    accountNumber: t.payeeAccountEnc ? await ring.decrypt(t.payeeAccountEnc) : (t.counterparty?.maskedNumber ?? ''),
    institution: t.counterparty?.institutionCode ?? 'UNKNOWN',
  });
  switch (t.type) {
    case 'TOPUP':
      return { sender: await bankSide(), receiver: await walletSide(t.walletId, t.customerId) };
    case 'WITHDRAWAL':
      return { sender: await walletSide(t.walletId, t.customerId), receiver: await bankSide() };
    case 'EXTERNAL':
      return { sender: await walletSide(t.walletId, t.customerId), receiver: await switchSide() };
    case 'EXTERNAL_IN':
      return { sender: await switchSide(), receiver: await walletSide(t.walletId, t.customerId) };
    default: {
      const to = t.toWalletId ?? t.merchantId;
      return {
        sender: await walletSide(t.walletId, t.customerId),
        receiver: to ? await walletSide(to, t.payeeCustomerId) : { kind: 'WALLET', institution: institutionCode },
      };
    }
  }
}

/**
 * GET /v1/ops/reports/large-value?date=: transfers COMPLETED on that Hanoi day at or above
 * 500,000,000 VND (RULES.md §8), oldest first, from the sparse gsi2 index (no scan), each with the
 * full details of both parties (Circular 27/2025, in force 2025-11-01). Compliance only; the
 * handler audits the read under the report, the wallets and the customers it shows.
 */
export async function largeValueReport(services: Services, date: string) {
  const transfers = await services.reports.largeValueTransfers(date);
  const ring = await services.keyRing();
  const sorted = transfers
    .filter(isLargeValue)
    .sort(
      (a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? '') || a.transferId.localeCompare(b.transferId),
    );
  const items = [];
  for (const t of sorted) {
    const { sender, receiver } = await partiesOf(services, ring, t);
    items.push({
      transferId: t.transferId,
      type: t.type,
      amount: t.amount,
      walletId: t.walletId,
      ...(t.toWalletId ? { toWalletId: t.toWalletId } : {}),
      status: t.status,
      completedAt: t.completedAt!,
      sender,
      receiver,
    });
  }
  return { date, threshold: largeValueThreshold, items };
}

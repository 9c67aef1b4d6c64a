// Refunds (API.md v1.1 "Refunds"): a merchant organisation gives (part of) one of its COMPLETED
// payments back to the payer's wallet. All refunds of one payment together never exceed it; the
// commit raises the payment's `refundedAmount` conditionally (functions/core/adapters/dynamodb/
// commit-items.ts), so parallel refunds cannot pass it either. A refund is an organisation
// transfer (group II.2, RULES.md §1–3) and counts toward none of the payer's caps. Pure.

import { Refusal, refusals } from './refusals.ts';
import type { Transfer } from './transfer.ts';

export const refundRefusals = {
  exceeds: (left: number) =>
    new Refusal('refund-exceeds-payment', `All refunds of a payment together may not exceed it: ${left} VND left.`, {
      refundableAmount: Math.max(0, left),
    }),
};

/** What is left to refund of a payment. */
export const refundable = (payment: Transfer): number => payment.amount - (payment.refundedAmount ?? 0);

/**
 * Why this refund may not go on (undefined: it may). Another merchant's payment, one into another
 * wallet, one not COMPLETED or no payment at all is `404` (API.md "Ownership"); more than what is
 * left is `refund-exceeds-payment`, checked before the merchant wallet's balance.
 */
export function refundRefusal(
  payment: Transfer | undefined,
  refund: { customerId: string; walletId: string; amount: number },
): Refusal | undefined {
  if (
    payment?.type !== 'PAYMENT' ||
    payment.status !== 'COMPLETED' ||
    payment.toWalletId !== refund.walletId ||
    payment.payeeCustomerId !== refund.customerId
  )
    return refusals.transferNotFound();
  if (refund.amount > refundable(payment)) return refundRefusals.exceeds(refundable(payment));
  return undefined;
}

// Payment requests (API.md v1.1 "Payment requests (dynamic QR)"): a merchant organisation asks for
// one amount against one order, into its own wallet, for a while. A payer pays it with a PAYMENT
// naming the request; the commit that moves the money marks the request PAID in the same
// transaction, conditionally on it being OPEN and not expired, so at most one payment completes
// however many payers try at once. Pure: no I/O, no clock of its own.

import { Refusal } from './refusals.ts';

export type PaymentRequestStatus = 'OPEN' | 'PAID' | 'EXPIRED';

export interface PaymentRequest {
  paymentRequestId: string;
  /** The merchant's wallet the money goes to (its `merchantId`). */
  walletId: string;
  /** The merchant organisation that asked: the wallet's owner, who hears of it by webhook. */
  merchantCustomerId: string;
  amount: number;
  orderRef: string;
  /** As stored: OPEN until a payment claims it (PAID) or the expiry sweep ends it (EXPIRED). */
  status: PaymentRequestStatus;
  qrPayload: string;
  createdAt: string;
  expiresAt: string;
  /** The payment that claimed it (PAID). */
  transferId?: string;
  paidAt?: string;
  expiredAt?: string;
}

/** API.md: `expiresInSeconds` defaults to 900 s; we accept one second (a till's own timer) to one day. */
export const paymentRequestExpiry = { defaultSeconds: 900, minSeconds: 1, maxSeconds: 24 * 60 * 60 } as const;

/**
 * An order reference travels in the QR's additional data (EMVCo tag 62, bill number: at most 25
 * characters) and must stay printable ASCII (API.md: `qrPayload` is printable ASCII).
 */
export const orderRefPattern = /^[A-Za-z0-9][A-Za-z0-9 ._\-/#:]{0,24}$/;

/** The status a reader sees: an OPEN request past its expiry is EXPIRED, whether or not the sweep has run. */
export function statusAt(r: PaymentRequest, now: Date): PaymentRequestStatus {
  if (r.status === 'OPEN' && now.getTime() >= Date.parse(r.expiresAt)) return 'EXPIRED';
  return r.status;
}

export function paymentRequestView(r: PaymentRequest, now: Date) {
  const status = statusAt(r, now);
  return {
    paymentRequestId: r.paymentRequestId,
    walletId: r.walletId,
    amount: r.amount,
    orderRef: r.orderRef,
    status,
    qrPayload: r.qrPayload,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    ...(status === 'PAID' && r.transferId ? { transferId: r.transferId } : {}),
    ...(status === 'PAID' && r.paidAt ? { paidAt: r.paidAt } : {}),
  };
}

export const paymentRequestRefusals = {
  notFound: () => new Refusal('payment-request-not-found', 'No such payment request.'),
  paid: () => new Refusal('payment-request-paid', 'This payment request has been paid already.'),
  expired: () => new Refusal('payment-request-expired', 'This payment request has expired.'),
  amountMismatch: (amount: number) =>
    new Refusal('validation-failed', `The amount must be the payment request's: ${amount} VND.`, {
      errors: [{ name: 'body.amount', reason: `equal to the payment request's amount (${amount})` }],
    }),
};

/**
 * Why a PAYMENT naming this request may not go on now (API.md: a paid request is `409
 * payment-request-paid`, an expired one `422 payment-request-expired`). `payee` is the wallet the
 * payment names (the request's own, resolved from it); `amount` what the payer sent, if anything.
 */
export function payableRefusal(
  r: PaymentRequest | undefined,
  now: Date,
  payment: { payeeWalletId?: string; amount?: number; transferId?: string },
): Refusal | undefined {
  if (!r || (payment.payeeWalletId !== undefined && payment.payeeWalletId !== r.walletId))
    return paymentRequestRefusals.notFound();
  // A request this very payment claimed (a hold released later) is not "paid by another".
  if (r.status === 'PAID') return r.transferId === payment.transferId ? undefined : paymentRequestRefusals.paid();
  if (statusAt(r, now) === 'EXPIRED') return paymentRequestRefusals.expired();
  if (payment.amount !== undefined && payment.amount !== r.amount)
    return paymentRequestRefusals.amountMismatch(r.amount);
  return undefined;
}

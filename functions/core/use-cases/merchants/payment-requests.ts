import { randomBytes } from 'node:crypto';
import { businessDay } from '../../domain/calendar.ts';
import type { Customer } from '../../domain/customer.ts';
import { mayMoveMoney } from '../../domain/customer.ts';
import { type PaymentRequest, paymentRequestExpiry, paymentRequestView } from '../../domain/payment-request.ts';
import { payerWalletRefusal, Refusal, refusals } from '../../domain/refusals.ts';
import { cityOf, vietQrPayload } from '../../domain/vietqr.ts';
import type { Services } from '../../ports/services.ts';

/** The calling customer, if it is a merchant organisation that passed KYC (API.md v1.1: merchant routes). */
export async function merchantOf(services: Services, customerId: string): Promise<Customer> {
  const customer = await services.store.getCustomer(customerId);
  if (!customer?.merchant || customer.kind !== 'ORGANIZATION')
    throw new Refusal('not-a-merchant', 'Only a merchant organisation may do this.');
  return customer;
}

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * `PR` and 22 characters of Crockford base32 (110 random bits): 24 characters, so that the id fits
 * the QR's reference label (EMVCo tag 62/05, at most 25).
 */
export function newPaymentRequestId(): string {
  const bytes = randomBytes(22);
  return `PR${[...bytes].map((b) => alphabet[b & 31]).join('')}`;
}

export interface PaymentRequestInput {
  walletId: string;
  amount: number;
  orderRef: string;
  expiresInSeconds?: number;
}

/**
 * POST /v1/merchant/payment-requests: a merchant organisation asks for `amount` against `orderRef`
 * into its own ACTIVE wallet, OPEN until `expiresAt` (900 s by default), with the VietQR payload
 * the payer's app scans.
 */
export async function createPaymentRequest(services: Services, customerId: string, input: PaymentRequestInput) {
  const merchant = await merchantOf(services, customerId);
  const now = services.clock.now();
  if (!mayMoveMoney(merchant, businessDay(now))) throw refusals.kycRequired();
  const wallet = await services.wallets.get(input.walletId);
  if (!wallet || wallet.ownerId !== customerId) throw refusals.walletNotFound();
  const blocked = payerWalletRefusal(wallet.status);
  if (blocked) throw blocked;
  const paymentRequestId = newPaymentRequestId();
  const seconds = input.expiresInSeconds ?? paymentRequestExpiry.defaultSeconds;
  const request: PaymentRequest = {
    paymentRequestId,
    walletId: wallet.walletId,
    merchantCustomerId: customerId,
    amount: input.amount,
    orderRef: input.orderRef,
    status: 'OPEN',
    qrPayload: vietQrPayload({
      acquirerId: services.merchantConfig.vietQrAcquirerId,
      merchantId: wallet.walletId,
      mcc: merchant.merchant!.mcc,
      amount: input.amount,
      merchantName: merchant.merchant!.displayName,
      merchantCity: cityOf(merchant.organization?.tradingAddress),
      orderRef: input.orderRef,
      paymentRequestId,
    }),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
  };
  await services.paymentRequests.create(request);
  return paymentRequestView(request, now);
}

/** GET /v1/merchant/payment-requests/{id}: another merchant's request does not exist. */
export async function getPaymentRequest(services: Services, customerId: string, paymentRequestId: string) {
  await merchantOf(services, customerId);
  const request = await services.paymentRequests.get(paymentRequestId);
  if (!request || request.merchantCustomerId !== customerId)
    throw new Refusal('payment-request-not-found', 'No such payment request.');
  return paymentRequestView(request, services.clock.now());
}

/**
 * The expiry sweep (every minute; `POST /sandbox/jobs/payment-request-expiry` locally): OPEN
 * requests past their expiry become EXPIRED, each by a conditional write that a payment claiming
 * the request first makes fail. The change feeds `payment-request.expired` from the stream.
 */
export async function expirePaymentRequests(services: Services, limit = 500) {
  const now = services.clock.now();
  const due = await services.paymentRequests.dueForExpiry(now, limit);
  const done = await Promise.all(due.map((id) => services.paymentRequests.expire(id, now)));
  return { due: due.length, expired: done.filter(Boolean).length };
}

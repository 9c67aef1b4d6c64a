import { z } from 'zod';
import { container } from '../core/container.ts';
import { orderRefPattern, paymentRequestExpiry } from '../core/domain/payment-request.ts';
import { webhookEventTypes } from '../core/domain/webhooks.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { created, ok } from '../core/http/result.ts';
import { pageQuery, transferAmount } from '../core/http/validation.ts';
import { createPaymentRequest, getPaymentRequest } from '../core/use-cases/merchants/payment-requests.ts';
import { listDeliveries, setWebhook } from '../core/use-cases/merchants/webhooks.ts';
import { paymentRequestAnswer, webhookAnswer, webhookDeliveriesAnswer } from './answers.ts';

const id = z.string().min(1).max(64);

export const paymentRequestBody = z.strictObject({
  walletId: id,
  amount: transferAmount,
  orderRef: z.string().regex(orderRefPattern, 'printable ASCII, 1-25 characters, starting with a letter or digit'),
  expiresInSeconds: z
    .number()
    .int()
    .min(paymentRequestExpiry.minSeconds)
    .max(paymentRequestExpiry.maxSeconds)
    .optional(),
});

export const webhookBody = z.strictObject({
  url: z.string().min(1).max(2048),
  events: z
    .array(z.enum(webhookEventTypes))
    .min(1)
    .max(webhookEventTypes.length * 2),
});

export const handler = apiHandler('merchants', {
  'POST /v1/merchant/payment-requests': endpoint({
    summary: 'A payment request for an order, with its VietQR payload (merchant organisations)',
    body: paymentRequestBody,
    idempotent: true,
    answers: { 201: paymentRequestAnswer },
    refusals: [
      'not-a-merchant',
      'kyc-required',
      'wallet-not-found',
      'wallet-pending-link',
      'wallet-locked',
      'wallet-frozen',
      'wallet-closed',
    ],
    handle: async ({ body, caller }) => created(await createPaymentRequest(container(), caller.subject, body)),
  }),
  'GET /v1/merchant/payment-requests/{paymentRequestId}': endpoint({
    summary: 'One payment request: OPEN, PAID (with its transferId) or EXPIRED',
    answers: { 200: paymentRequestAnswer },
    refusals: ['not-a-merchant', 'payment-request-not-found'],
    handle: async ({ caller, params }) =>
      ok(await getPaymentRequest(container(), caller.subject, params.paymentRequestId!)),
  }),
  'PUT /v1/merchant/webhook': endpoint({
    summary: "Where the merchant's events go, and which; a new signing secret, shown once",
    body: webhookBody,
    answers: { 200: webhookAnswer },
    refusals: ['not-a-merchant', 'validation-failed'],
    handle: async ({ body, caller }) => ok(await setWebhook(container(), caller.subject, body)),
  }),
  'GET /v1/merchant/webhook/deliveries': endpoint({
    summary: "The webhook's deliveries, newest first",
    query: pageQuery,
    answers: { 200: webhookDeliveriesAnswer },
    refusals: ['not-a-merchant', 'validation-failed'],
    handle: async ({ caller, query }) =>
      ok(await listDeliveries(container(), caller.subject, query.limit, query.cursor)),
  }),
});

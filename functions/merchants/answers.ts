import { z } from 'zod';
import { instant, named, vnd } from '../core/http/answers.ts';

// The answers of the merchant routes (API.md v1.1), in the shape functions/core/http/answers.ts
// describes: strict zod schemas, named as components of docs/openapi.json.

const id = z.string().min(1);

export const paymentRequestAnswer = named(
  'PaymentRequest',
  z.strictObject({
    paymentRequestId: id,
    walletId: id,
    amount: vnd,
    orderRef: z.string(),
    status: z.enum(['OPEN', 'PAID', 'EXPIRED']),
    qrPayload: z.string().describe('EMVCo merchant-presented QR (VietQR profile), CRC-16/CCITT-FALSE last'),
    expiresAt: instant,
    createdAt: instant,
    transferId: id.optional().describe('PAID: the payment that paid it'),
    paidAt: instant.optional(),
  }),
  'A payment request (dynamic QR): OPEN until paid or expired.',
);

export const webhookEventType = z.enum(['payment.completed', 'refund.completed', 'payment-request.expired']);

export const webhookAnswer = named(
  'Webhook',
  z.strictObject({
    url: z.string(),
    events: z.array(webhookEventType),
    secret: z.string().describe('the signing secret: shown once, in this answer only'),
  }),
);

export const webhookDeliveryAnswer = named(
  'WebhookDelivery',
  z.strictObject({
    eventId: id,
    type: webhookEventType,
    status: z.enum(['DELIVERED', 'RETRYING', 'FAILED']),
    attempts: z.int(),
    lastStatusCode: z.int().optional(),
    createdAt: instant,
    lastAttemptAt: instant.optional(),
    nextAttemptAt: instant.optional(),
  }),
);

export const webhookDeliveriesAnswer = named(
  'WebhookDeliveries',
  z.strictObject({ items: z.array(webhookDeliveryAnswer), nextCursor: z.string().optional() }),
  'Newest first.',
);

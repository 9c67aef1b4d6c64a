// Merchant webhooks (API.md v1.1 "Merchant webhooks"): which committed changes are events for a
// merchant, how an event is signed, and when a delivery that failed is tried again. The events
// come from committed changes only (the wallet table's stream), never from a request handler, so a
// request that dies after its commit still has its event told. Pure: no I/O, no clock of its own.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type PaymentRequest, paymentRequestView } from './payment-request.ts';
import { type Transfer, transferView } from './transfer.ts';

export const webhookEventTypes = ['payment.completed', 'refund.completed', 'payment-request.expired'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** A merchant's webhook: where its events go and which it wants; the secret only encrypted. */
export interface WebhookConfig {
  customerId: string;
  url: string;
  events: WebhookEventType[];
  /** The signing secret under the key ring (never in clear at rest, never logged). */
  secretEnc: string;
  updatedAt: string;
}

/** One event for one merchant, as POSTed: `{ id, type, createdAt, data }`. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  /** The merchant organisation (customer id) it is for. */
  merchantCustomerId: string;
  data: Record<string, unknown>;
}

export type DeliveryStatus = 'DELIVERED' | 'RETRYING' | 'FAILED';

/** One event's delivery to one merchant: the body every attempt sends, and how the attempts went. */
export interface WebhookDelivery {
  eventId: string;
  type: WebhookEventType;
  merchantCustomerId: string;
  createdAt: string;
  /** The exact JSON sent, the same bytes on every attempt (what the signature covers, with `t`). */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastAttemptAt?: string;
  /** Not before this time (a retry's backoff). */
  nextAttemptAt?: string;
}

/**
 * One id per event, the same on every attempt and every retried stream batch, never two events:
 * derived from what the event is (its type and the transfer or request it is about).
 */
export function eventIdOf(type: WebhookEventType, subjectId: string): string {
  return `evt_${createHash('sha256').update(`${type}\u0000${subjectId}`).digest('base64url').slice(0, 26)}`;
}

const event = (
  type: WebhookEventType,
  subjectId: string,
  merchantCustomerId: string,
  createdAt: string,
  data: Record<string, unknown>,
): WebhookEvent => ({ id: eventIdOf(type, subjectId), type, createdAt, merchantCustomerId, data });

/**
 * The events of one committed transfer change: a PAYMENT that became COMPLETED is
 * `payment.completed` for the merchant paid (the payee's owner); a REFUND that became COMPLETED is
 * `refund.completed` for the merchant that refunded. `data` is the transfer.
 */
export function transferEvents(before: Transfer | undefined, after: Transfer): WebhookEvent[] {
  if (after.status !== 'COMPLETED' || before?.status === 'COMPLETED') return [];
  const at = after.completedAt ?? after.createdAt;
  if (after.type === 'PAYMENT' && after.payeeCustomerId)
    return [event('payment.completed', after.transferId, after.payeeCustomerId, at, transferView(after))];
  if (after.type === 'REFUND')
    return [event('refund.completed', after.transferId, after.customerId, at, transferView(after))];
  return [];
}

/** A payment request the expiry sweep ended: `payment-request.expired`; `data` is the request. */
export function paymentRequestEvents(before: PaymentRequest | undefined, after: PaymentRequest): WebhookEvent[] {
  if (after.status !== 'EXPIRED' || before?.status === 'EXPIRED') return [];
  const at = after.expiredAt ?? after.expiresAt;
  return [
    event(
      'payment-request.expired',
      after.paymentRequestId,
      after.merchantCustomerId,
      at,
      paymentRequestView(after, new Date(at)),
    ),
  ];
}

/** A new signing secret, shown once: 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `Wallet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (API.md). */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * What a merchant's receiver checks (docs/merchants.md shows it): the header's `v1` is the HMAC of
 * `t` and the raw body under the secret, compared in constant time, and `t` is recent.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signatureHeader(secret, t, body).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Deliveries are retried for 24 hours (API.md), then FAILED. */
export const retryWindowMs = 24 * 60 * 60 * 1000;

/** Seconds to wait after the `attempt`-th failed attempt: the first retry within 30 s, then longer, at most an hour. */
export function retryDelaySeconds(attempt: number): number {
  const schedule = [10, 30, 60, 300, 900, 1800];
  return schedule[attempt - 1] ?? 3600;
}

/** The delivery after one attempt answered `statusCode` (undefined: no answer: refused, timed out). */
export function afterAttempt(
  d: WebhookDelivery,
  statusCode: number | undefined,
  now: Date,
): Pick<WebhookDelivery, 'status' | 'attempts' | 'lastAttemptAt' | 'lastStatusCode' | 'nextAttemptAt'> {
  const attempts = d.attempts + 1;
  const base = {
    attempts,
    lastAttemptAt: now.toISOString(),
    ...(statusCode !== undefined ? { lastStatusCode: statusCode } : {}),
  };
  if (statusCode !== undefined && statusCode >= 200 && statusCode < 300) return { ...base, status: 'DELIVERED' };
  const next = now.getTime() + retryDelaySeconds(attempts) * 1000;
  const deadline = Date.parse(d.createdAt) + retryWindowMs;
  if (now.getTime() >= deadline) return { ...base, status: 'FAILED' };
  // The last try is at the end of the window, not past it.
  return { ...base, status: 'RETRYING', nextAttemptAt: new Date(Math.min(next, deadline)).toISOString() };
}

export const deliveryView = (d: WebhookDelivery) => ({
  eventId: d.eventId,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  ...(d.lastStatusCode !== undefined ? { lastStatusCode: d.lastStatusCode } : {}),
  createdAt: d.createdAt,
  ...(d.lastAttemptAt ? { lastAttemptAt: d.lastAttemptAt } : {}),
  ...(d.status === 'RETRYING' && d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt } : {}),
});

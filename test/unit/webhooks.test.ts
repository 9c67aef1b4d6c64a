import { describe, expect, it } from 'vitest';
import type { PaymentRequest } from '../../functions/core/domain/payment-request.ts';
import type { Transfer } from '../../functions/core/domain/transfer.ts';
import {
  afterAttempt,
  eventIdOf,
  paymentRequestEvents,
  retryDelaySeconds,
  signatureHeader,
  transferEvents,
  verifySignature,
  type WebhookDelivery,
} from '../../functions/core/domain/webhooks.ts';

// Merchant webhooks (API.md v1.1): which committed changes are events, the signature, the retries.

const payment: Transfer = {
  transferId: 'T-PAY',
  type: 'PAYMENT',
  status: 'COMPLETED',
  walletId: 'W-payer',
  customerId: 'payer',
  customerKind: 'INDIVIDUAL',
  amount: 45_000,
  group: 'I.2',
  class: 'A',
  deviceId: 'd',
  toWalletId: 'W-shop',
  payeeCustomerId: 'shop',
  merchantId: 'W-shop',
  paymentRequestId: 'PR1',
  createdAt: '2026-11-10T03:00:00.000Z',
  completedAt: '2026-11-10T03:00:00.000Z',
};

describe('events of committed changes', () => {
  it('a payment that completes is payment.completed for the merchant paid, once', () => {
    const [e] = transferEvents(undefined, payment);
    expect(e).toMatchObject({
      id: eventIdOf('payment.completed', 'T-PAY'),
      type: 'payment.completed',
      merchantCustomerId: 'shop',
      createdAt: payment.completedAt,
      data: { transferId: 'T-PAY', status: 'COMPLETED', paymentRequestId: 'PR1', refundedAmount: 0 },
    });
    // A refund raising refundedAmount later changes the item, not its status: no second event.
    expect(transferEvents(payment, { ...payment, refundedAmount: 1000 })).toEqual([]);
    expect(transferEvents(undefined, { ...payment, status: 'REQUIRES_AUTHENTICATION' })).toEqual([]);
    expect(transferEvents({ ...payment, status: 'HELD' }, payment)).toHaveLength(1);
  });

  it('a refund that completes is refund.completed for the merchant that refunded', () => {
    const refund: Transfer = {
      ...payment,
      transferId: 'T-REF',
      type: 'REFUND',
      walletId: 'W-shop',
      customerId: 'shop',
      customerKind: 'ORGANIZATION',
      toWalletId: 'W-payer',
      payeeCustomerId: 'payer',
      originalTransferId: 'T-PAY',
    };
    delete refund.paymentRequestId;
    delete refund.merchantId;
    const events = transferEvents({ ...refund, status: 'REQUIRES_AUTHENTICATION' }, refund);
    expect(events).toEqual([expect.objectContaining({ type: 'refund.completed', merchantCustomerId: 'shop' })]);
    expect(events[0]!.id).not.toBe(eventIdOf('payment.completed', 'T-PAY'));
  });

  it('a request the sweep ended is payment-request.expired', () => {
    const open: PaymentRequest = {
      paymentRequestId: 'PR1',
      walletId: 'W-shop',
      merchantCustomerId: 'shop',
      amount: 45_000,
      orderRef: 'BUN-CHA-42',
      status: 'OPEN',
      qrPayload: '000201',
      createdAt: '2026-11-10T03:00:00.000Z',
      expiresAt: '2026-11-10T03:15:00.000Z',
    };
    const expired = { ...open, status: 'EXPIRED' as const, expiredAt: '2026-11-10T03:15:30.000Z' };
    expect(paymentRequestEvents(open, expired)).toEqual([
      expect.objectContaining({
        type: 'payment-request.expired',
        id: eventIdOf('payment-request.expired', 'PR1'),
        data: expect.objectContaining({ paymentRequestId: 'PR1', status: 'EXPIRED' }),
      }),
    ]);
    expect(paymentRequestEvents(open, { ...open, status: 'PAID', transferId: 'T' })).toEqual([]);
  });
});

describe('Wallet-Signature', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_1","type":"payment.completed"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">, and verifies', () => {
    const header = signatureHeader(secret, 1_790_000_000, body);
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, body, 1_790_000_010)).toBe(true);
  });

  it('fails with another secret, another body, or an old timestamp', () => {
    const header = signatureHeader(secret, 1_790_000_000, body);
    expect(verifySignature('whsec_other', header, body, 1_790_000_000)).toBe(false);
    expect(verifySignature(secret, header, `${body} `, 1_790_000_000)).toBe(false);
    expect(verifySignature(secret, header, body, 1_790_000_301)).toBe(false);
    expect(verifySignature(secret, 'v1=00', body, 1_790_000_000)).toBe(false);
  });
});

describe('retries', () => {
  const delivery: WebhookDelivery = {
    eventId: 'evt_1',
    type: 'payment.completed',
    merchantCustomerId: 'shop',
    createdAt: '2026-11-10T03:00:00.000Z',
    body: '{}',
    status: 'RETRYING',
    attempts: 0,
  };

  it('retries the first failure within 30 seconds, then backs off up to an hour', () => {
    expect(retryDelaySeconds(1)).toBeLessThanOrEqual(30);
    const delays = Array.from({ length: 10 }, (_, i) => retryDelaySeconds(i + 1));
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(Math.max(...delays)).toBe(3600);
  });

  it('is DELIVERED on a 2xx, RETRYING otherwise, FAILED once 24 hours have passed', () => {
    const now = new Date('2026-11-10T03:00:01.000Z');
    expect(afterAttempt(delivery, 204, now)).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 204 });
    expect(afterAttempt(delivery, 500, now)).toMatchObject({
      status: 'RETRYING',
      attempts: 1,
      lastStatusCode: 500,
      nextAttemptAt: '2026-11-10T03:00:11.000Z',
    });
    expect(afterAttempt(delivery, undefined, now)).toMatchObject({ status: 'RETRYING', attempts: 1 });
    const late = afterAttempt({ ...delivery, attempts: 20 }, 500, new Date('2026-11-10T23:30:00.000Z'));
    expect(late.nextAttemptAt).toBe('2026-11-11T00:30:00.000Z');
    const last = afterAttempt({ ...delivery, attempts: 27 }, 500, new Date('2026-11-11T03:00:00.000Z'));
    expect(last.status).toBe('FAILED');
  });
});

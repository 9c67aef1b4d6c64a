import { beforeEach, describe, expect, it } from 'vitest';
import {
  verifySignature,
  type WebhookConfig,
  type WebhookDelivery,
  type WebhookEvent,
} from '../../functions/core/domain/webhooks.ts';
import type {
  DeliveryKey,
  DeliveryMessage,
  WebhookAttempt,
  WebhookQueue,
  WebhookSender,
  WebhookStore,
} from '../../functions/core/ports/merchants.ts';
import type { Services } from '../../functions/core/ports/services.ts';
import { deliverWebhook, emitWebhookEvents } from '../../functions/core/use-cases/merchants/webhooks.ts';
import { FakeClock, FakeKeyRing } from '../support/money-fakes.ts';

// The delivery worker's decisions (functions/core/use-cases/merchants/webhooks.ts) against
// in-memory ports: one attempt per message, retries as delayed messages, duplicates and early
// messages, a crash between recording an attempt and queueing the next, 24 hours then FAILED.

const keyOf = (k: DeliveryKey) => `${k.merchantCustomerId}|${k.createdAt}|${k.eventId}`;

class MemoryWebhooks implements WebhookStore {
  readonly configs = new Map<string, WebhookConfig>();
  readonly deliveries = new Map<string, WebhookDelivery>();
  async get(id: string) {
    return this.configs.get(id);
  }
  async getMany(ids: string[]) {
    return Object.fromEntries(ids.flatMap((id) => (this.configs.has(id) ? [[id, this.configs.get(id)!]] : [])));
  }
  async put(c: WebhookConfig) {
    this.configs.set(c.customerId, c);
  }
  async fileDelivery(d: WebhookDelivery) {
    const k = keyOf(d);
    if (this.deliveries.has(k)) return false;
    this.deliveries.set(k, { ...d });
    return true;
  }
  async getDelivery(k: DeliveryKey) {
    const d = this.deliveries.get(keyOf(k));
    return d && { ...d };
  }
  async recordAttempt(k: DeliveryKey, read: number, outcome: Partial<WebhookDelivery>) {
    const d = this.deliveries.get(keyOf(k));
    if (!d || d.attempts !== read) return false;
    const { nextAttemptAt: _n, ...rest } = d;
    this.deliveries.set(keyOf(k), { ...rest, ...outcome } as WebhookDelivery);
    return true;
  }
  async listDeliveries() {
    return { items: [...this.deliveries.values()] };
  }
}

class MemoryQueue implements WebhookQueue {
  readonly sent: { message: DeliveryMessage; delay: number }[] = [];
  readonly dead: DeliveryMessage[] = [];
  async send(message: DeliveryMessage, delay = 0) {
    this.sent.push({ message, delay });
  }
  async deadLetter(message: DeliveryMessage) {
    this.dead.push(message);
  }
}

class ScriptedSender implements WebhookSender {
  /** Status codes to answer, in order (`'none'`: no answer at all); 200 when empty. */
  readonly answers: (number | 'none')[] = [];
  readonly posts: { url: string; headers: Record<string, string>; body: string }[] = [];
  async resolve() {
    return ['93.184.216.34'];
  }
  async post(url: string, headers: Record<string, string>, body: string): Promise<WebhookAttempt> {
    this.posts.push({ url, headers, body });
    const status = this.answers.shift() ?? 200;
    return status === 'none' ? { error: 'timed out' } : { statusCode: status };
  }
}

const secret = 'whsec_unit';
let clock: FakeClock;
let webhooks: MemoryWebhooks;
let queue: MemoryQueue;
let sender: ScriptedSender;
let services: Services;

const event: WebhookEvent = {
  id: 'evt_1',
  type: 'payment.completed',
  createdAt: '2026-11-10T03:00:00.000Z',
  merchantCustomerId: 'shop',
  data: { transferId: 'T1' },
};
const first: DeliveryMessage = { merchantCustomerId: 'shop', createdAt: event.createdAt, eventId: 'evt_1', attempt: 1 };

beforeEach(async () => {
  clock = new FakeClock('2026-11-10T03:00:01.000Z');
  webhooks = new MemoryWebhooks();
  queue = new MemoryQueue();
  sender = new ScriptedSender();
  const ring = new FakeKeyRing();
  services = {
    clock,
    keyRing: async () => ring,
    webhooks,
    webhookQueue: queue,
    webhookSender: sender,
    merchantConfig: { vietQrAcquirerId: '971999', webhookPolicy: { allowLoopback: false } },
  } as unknown as Services;
  await webhooks.put({
    customerId: 'shop',
    url: 'https://shop.example.vn/hook',
    events: ['payment.completed'],
    secretEnc: await ring.encrypt(secret),
    updatedAt: event.createdAt,
  });
});

describe('emitWebhookEvents', () => {
  it('files each wanted event once and queues its first attempt; a retried batch files nothing twice', async () => {
    const refund = { ...event, id: 'evt_2', type: 'refund.completed' as const };
    expect(await emitWebhookEvents(services, [event, refund])).toBe(1);
    expect(await emitWebhookEvents(services, [event])).toBe(1);
    expect(webhooks.deliveries.size).toBe(1);
    expect(queue.sent.map((s) => s.message)).toEqual([first, first]);
    const d = [...webhooks.deliveries.values()][0]!;
    expect(JSON.parse(d.body)).toEqual({
      id: 'evt_1',
      type: 'payment.completed',
      createdAt: event.createdAt,
      data: { transferId: 'T1' },
    });
  });
});

describe('deliverWebhook', () => {
  beforeEach(() => emitWebhookEvents(services, [event]).then(() => queue.sent.splice(0)));

  it('delivers signed, the same body on every attempt, and retries a 500 within 30 seconds', async () => {
    sender.answers.push(500, 200);
    expect(await deliverWebhook(services, first)).toBe('RETRYING');
    expect(queue.sent).toEqual([{ message: { ...first, attempt: 2 }, delay: 10 }]);
    clock.advance(10_000);
    expect(await deliverWebhook(services, { ...first, attempt: 2 })).toBe('DELIVERED');
    expect(sender.posts).toHaveLength(2);
    expect(sender.posts[0]!.body).toBe(sender.posts[1]!.body);
    for (const p of sender.posts)
      expect(verifySignature(secret, p.headers['wallet-signature']!, p.body, clock.now().getTime() / 1000)).toBe(true);
    expect([...webhooks.deliveries.values()][0]).toMatchObject({
      status: 'DELIVERED',
      attempts: 2,
      lastStatusCode: 200,
    });
  });

  it('drops a duplicate of an attempt made, and puts an early message back until its time', async () => {
    sender.answers.push(503);
    await deliverWebhook(services, first);
    queue.sent.splice(0);
    // The same first message again (SQS at least once): nothing is sent, no second follow-up.
    expect(await deliverWebhook(services, { ...first, attempt: 0 })).toBe('stale');
    expect(sender.posts).toHaveLength(1);
    // The second attempt's message arriving before its backoff is over waits again.
    clock.advance(4_000);
    expect(await deliverWebhook(services, { ...first, attempt: 2 })).toBe('early');
    expect(queue.sent).toEqual([{ message: { ...first, attempt: 2 }, delay: 6 }]);
    expect(sender.posts).toHaveLength(1);
  });

  it('sends the follow-up again when the worker died between recording an attempt and queueing the next', async () => {
    sender.answers.push(500);
    await deliverWebhook(services, first);
    queue.sent.splice(0); // lost with the crash
    expect(await deliverWebhook(services, first)).toBe('stale');
    expect(queue.sent).toEqual([{ message: { ...first, attempt: 2 }, delay: 10 }]);
    expect(sender.posts).toHaveLength(1);
  });

  it('retries an unanswered attempt, and after 24 hours is FAILED with the message dead-lettered', async () => {
    sender.answers.push('none');
    expect(await deliverWebhook(services, first)).toBe('RETRYING');
    const d = webhooks.deliveries.values().next().value!;
    expect(d.lastStatusCode).toBeUndefined();
    clock.set('2026-11-11T03:00:00.000Z');
    expect(await deliverWebhook(services, { ...first, attempt: 2 })).toBe('FAILED');
    expect(queue.dead).toEqual([{ ...first, attempt: 2 }]);
    expect(sender.posts).toHaveLength(1); // nothing sent past the window
    expect(await deliverWebhook(services, { ...first, attempt: 3 })).toBe('done');
  });
});

import { Refusal } from '../../domain/refusals.ts';
import { addressRefusal, webhookUrlRefusal } from '../../domain/webhook-url.ts';
import {
  afterAttempt,
  deliveryView,
  newWebhookSecret,
  retryWindowMs,
  signatureHeader,
  type WebhookConfig,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookEventType,
} from '../../domain/webhooks.ts';
import { logger } from '../../observability/logger.ts';
import type { DeliveryMessage } from '../../ports/merchants.ts';
import type { Services } from '../../ports/services.ts';
import { merchantOf } from './payment-requests.ts';

const refusedUrl = (reason: string) =>
  new Refusal('validation-failed', `The webhook URL is refused: ${reason}.`, {
    errors: [{ name: 'body.url', reason }],
  });

/**
 * PUT /v1/merchant/webhook: where the merchant's events go and which. The URL is judged by the
 * SSRF rule (functions/core/domain/webhook-url.ts) and its host resolved now, every address judged
 * too (and again at each delivery). A new signing secret is made each time, shown once in this
 * answer and kept only encrypted under the key ring.
 */
export async function setWebhook(
  services: Services,
  customerId: string,
  input: { url: string; events: WebhookEventType[] },
) {
  await merchantOf(services, customerId);
  const policy = services.merchantConfig.webhookPolicy;
  const refused = webhookUrlRefusal(input.url, policy);
  if (refused) throw refusedUrl(refused);
  const addresses = await services.webhookSender.resolve(new URL(input.url).hostname).catch(() => [] as string[]);
  if (!addresses.length) throw refusedUrl('the host does not resolve');
  const notAllowed = addresses.map((a) => addressRefusal(a, policy)).find((r) => r !== undefined);
  if (notAllowed) throw refusedUrl(notAllowed);
  const secret = newWebhookSecret();
  const ring = await services.keyRing();
  const events = [...new Set(input.events)];
  const config: WebhookConfig = {
    customerId,
    url: input.url,
    events,
    secretEnc: await ring.encrypt(secret),
    updatedAt: services.clock.now().toISOString(),
  };
  await services.webhooks.put(config);
  return { url: config.url, events, secret };
}

/** GET /v1/merchant/webhook/deliveries: each event's delivery, newest first. */
export async function listDeliveries(services: Services, customerId: string, limit: number, cursor?: string) {
  await merchantOf(services, customerId);
  const page = await services.webhooks.listDeliveries(customerId, limit, cursor);
  return { items: page.items.map(deliveryView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/**
 * Events of committed changes (called from the wallet table's stream): each is filed once per
 * merchant that wants it (a retried batch files nothing twice) and handed to the delivery queue.
 * A failure throws, so that the stream hands the batch again: no event is lost.
 */
export async function emitWebhookEvents(services: Services, events: WebhookEvent[]): Promise<number> {
  if (!events.length) return 0;
  const configs = await services.webhooks.getMany(events.map((e) => e.merchantCustomerId));
  const wanted = events.filter((e) => configs[e.merchantCustomerId]?.events.includes(e.type));
  await Promise.all(
    wanted.map(async (e) => {
      const delivery: WebhookDelivery = {
        eventId: e.id,
        type: e.type,
        merchantCustomerId: e.merchantCustomerId,
        createdAt: e.createdAt,
        body: JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt, data: e.data }),
        status: 'RETRYING',
        attempts: 0,
      };
      // Filed before: the message may have been lost with the batch, so it is sent again (the
      // delivery worker ignores a message for an attempt already made).
      await services.webhooks.fileDelivery(delivery);
      await services.webhookQueue.send({
        merchantCustomerId: e.merchantCustomerId,
        createdAt: e.createdAt,
        eventId: e.id,
        attempt: 1,
      });
    }),
  );
  return wanted.length;
}

const secondsUntil = (iso: string, now: Date) => Math.max(0, (Date.parse(iso) - now.getTime()) / 1000);

/**
 * One message of the delivery queue: the `attempt`-th try of one delivery. A message for an
 * attempt already made is dropped (duplicates), or, if its follow-up may have been lost, sends the
 * follow-up again; one that comes before the backoff is over is put back until then. The event is
 * POSTed signed with the merchant's current secret; a 2xx ends it, anything else is tried again
 * with backoff (first retry within 30 s) until 24 hours have passed, then it is FAILED and the
 * message goes to the dead-letter queue (with its alarm).
 */
export async function deliverWebhook(services: Services, message: DeliveryMessage): Promise<string> {
  const now = services.clock.now();
  const d = await services.webhooks.getDelivery(message);
  if (d?.status !== 'RETRYING') return 'done';
  if (d.attempts >= message.attempt) {
    // This attempt was made; its follow-up message may not have been sent (a crash in between).
    if (d.attempts === message.attempt && d.nextAttemptAt)
      await services.webhookQueue.send({ ...message, attempt: d.attempts + 1 }, secondsUntil(d.nextAttemptAt, now));
    return 'stale';
  }
  if (d.nextAttemptAt && Date.parse(d.nextAttemptAt) > now.getTime()) {
    await services.webhookQueue.send(message, secondsUntil(d.nextAttemptAt, now));
    return 'early';
  }
  const config = await services.webhooks.get(d.merchantCustomerId);
  let statusCode: number | undefined;
  if (config && now.getTime() < Date.parse(d.createdAt) + retryWindowMs) {
    const secret = await (await services.keyRing()).decrypt(config.secretEnc);
    const t = Math.floor(now.getTime() / 1000);
    const sent = await services.webhookSender.post(
      config.url,
      { 'wallet-signature': signatureHeader(secret, t, d.body), 'user-agent': 'vn-ewallet-webhooks/1' },
      d.body,
      services.merchantConfig.webhookPolicy,
    );
    statusCode = sent.statusCode;
    if (sent.error) logger.info('webhook not answered', { eventId: d.eventId, reason: sent.error });
  }
  const outcome = afterAttempt(d, statusCode, now);
  if (!(await services.webhooks.recordAttempt(message, d.attempts, outcome))) return 'raced';
  if (outcome.status === 'RETRYING')
    await services.webhookQueue.send(
      { ...message, attempt: outcome.attempts + 1 },
      secondsUntil(outcome.nextAttemptAt!, now),
    );
  if (outcome.status === 'FAILED') {
    logger.warn('webhook delivery failed for 24 hours', { eventId: d.eventId, attempts: outcome.attempts });
    await services.webhookQueue.deadLetter(message);
  }
  return outcome.status;
}

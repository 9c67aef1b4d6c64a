import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { deliverWebhook } from '../core/use-cases/merchants/webhooks.ts';

// SQS → the merchant's webhook: one attempt per message (functions/core/use-cases/merchants/
// webhooks.ts `deliverWebhook`). A merchant's error answer is not a failure here: the retry is a
// new message with its backoff as delay. A record fails (and comes back, then goes to the
// dead-letter queue after the queue's receive count) only when our own side failed.

const processor = new BatchProcessor(EventType.SQS);
const message = z.object({
  merchantCustomerId: z.string().min(1),
  createdAt: z.string().min(1),
  eventId: z.string().min(1),
  attempt: z.number().int().min(1),
});

async function record(r: SQSRecord): Promise<void> {
  const parsed = message.safeParse(JSON.parse(r.body));
  if (!parsed.success) {
    logger.error('webhook message not readable', { messageId: r.messageId });
    return;
  }
  const outcome = await deliverWebhook(container(), parsed.data);
  logger.info('webhook attempt', { eventId: parsed.data.eventId, attempt: parsed.data.attempt, outcome });
}

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .handler(async (event, context) => processPartialResponse(event, record, processor, { context }));

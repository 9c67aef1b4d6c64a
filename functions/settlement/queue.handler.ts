import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { settleTransfer } from '../core/use-cases/transfers/settle.ts';

const processor = new BatchProcessor(EventType.SQS);
const message = z.object({ transferId: z.string().min(1) });

async function record(r: SQSRecord): Promise<void> {
  const parsed = message.safeParse(JSON.parse(r.body));
  if (!parsed.success) {
    // A malformed message can never succeed: log it and let it go rather than poison the queue.
    logger.error('settlement message without a transfer id', { messageId: r.messageId });
    return;
  }
  await settleTransfer(container(), parsed.data.transferId);
}

/** SQS → settlement: failed records are reported (partial batch failures), retried, then DLQ'd. */
export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .handler(async (event, context) => processPartialResponse(event, record, processor, { context }));

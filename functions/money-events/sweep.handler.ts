import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { metrics } from '../core/observability/metrics.ts';
import { sweepInbox } from '../core/use-cases/inbox.ts';

// The sweeper of busy wallets' inboxes (functions/core/domain/inbox.ts): SQS FIFO → Lambda, one
// message group per wallet, so that one invocation at a time folds a wallet's credits in. A sweep
// that runs out of time asks for another; a failed one is retried by the queue and, after five
// receives, waits in the dead-letter queue (alarm). Retrying is safe: a credit is deleted in the
// same transaction that applies it.

const processor = new SqsFifoPartialProcessorAsync();
const message = z.object({ walletId: z.string().min(1).max(64) });

/** Wallets already swept in this batch: a second request for one finds its inbox empty anyway. */
let swept = new Set<string>();

async function record(r: SQSRecord): Promise<void> {
  const parsed = message.safeParse(JSON.parse(r.body));
  if (!parsed.success) {
    logger.error('sweep message without a wallet id', { messageId: r.messageId });
    return;
  }
  const { walletId } = parsed.data;
  if (swept.has(walletId)) return;
  const services = container();
  const done = await sweepInbox(services, walletId);
  swept.add(walletId);
  if (done.more) await services.sweepQueue.request([{ walletId, dedupId: `${walletId}:more:${r.messageId}` }]);
  if (done.oldestAt) {
    // How long the oldest credit folded in had waited: the sweeper falling behind (alarm above 60 s).
    const lag = (services.clock.now().getTime() - Date.parse(done.oldestAt)) / 1000;
    metrics.addMetric('InboxSweepLagSeconds', MetricUnit.Seconds, Math.max(0, lag));
    logger.debug('inbox swept', { walletId, ...done });
  }
}

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event, context) => {
    swept = new Set();
    return processPartialResponse(event, record, processor, { context, skipGroupOnError: true });
  });

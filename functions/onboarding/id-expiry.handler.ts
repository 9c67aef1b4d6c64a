import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { runIdExpiryJob } from '../core/use-cases/id-expiry-job.ts';

/** Daily EventBridge schedule: ID expiry warnings and re-verification (RULES.md §5). */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const result = await runIdExpiryJob(container());
    logger.info('id expiry job', result);
    return result;
  });

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { runDataRetentionJob } from '../core/use-cases/data-retention-job.ts';

/** Daily EventBridge schedule: deletes what is past its retention (RULES.md §8, §9). */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const result = await runDataRetentionJob(container());
    logger.info('data retention job', result);
    return result;
  });

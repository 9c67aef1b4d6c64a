import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { sweepStuckTransfers } from '../core/use-cases/transfers/settle.ts';

/** Every few minutes: transfers left in PROCESSING without a queue message go back to the queue. */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const result = await sweepStuckTransfers(container());
    logger.info('settlement sweep', result);
    return result;
  });

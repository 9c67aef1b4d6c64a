import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { expirePaymentRequests } from '../core/use-cases/merchants/payment-requests.ts';

/** Every minute: OPEN payment requests past their expiry become EXPIRED (the stream tells the merchant). */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const result = await expirePaymentRequests(container());
    logger.info('payment request expiry', result);
    return result;
  });

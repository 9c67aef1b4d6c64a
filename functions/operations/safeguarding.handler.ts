import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { metrics } from '../core/observability/metrics.ts';
import { reconcileSafeguarding } from '../core/use-cases/reconcile-safeguarding.ts';

/** Scheduled: publishes the safeguarding difference (alarmed when not 0, see lib/stacks/stateless-stack.ts). */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async () => {
    const result = await reconcileSafeguarding(container());
    metrics.addMetric('SafeguardingDifferenceAbs', MetricUnit.Count, Math.abs(result.difference));
    metrics.addMetric('WalletBalances', MetricUnit.Count, result.walletBalances);
    if (result.difference !== 0) logger.error('safeguarding difference', result);
    else logger.info('safeguarding reconciled', result);
    return result;
  });

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { container } from '../core/container.ts';
import { logger } from '../core/observability/logger.ts';
import { metrics } from '../core/observability/metrics.ts';
import { runSwitchReconciliation } from '../core/use-cases/reconcile-switch.ts';

/**
 * Scheduled: the previous business day against the switch's settlement report. The number of
 * mismatches is the metric `SwitchMismatches`, alarmed above 0 (lib/stacks/stateless-stack.ts).
 */
export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async () => runSwitchReconciliation(container()));

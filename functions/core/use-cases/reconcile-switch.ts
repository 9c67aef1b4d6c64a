import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { addDays, businessDay } from '../domain/calendar.ts';
import { reconcileSwitchDay, type SwitchMismatch } from '../domain/switch-reconciliation.ts';
import { logger } from '../observability/logger.ts';
import { metrics } from '../observability/metrics.ts';
import type { Services } from '../ports/services.ts';

/**
 * GET /v1/ops/reconciliation/switch?date= (API.md "Interoperable transfers"): the switch's
 * settlement report for one of its business days against what the ledger recorded as moved over
 * it that day, reference by reference.
 */
export async function reconcileSwitch(services: Services, date: string) {
  const [ours, theirs] = await Promise.all([
    services.ledger.switchRecords(date),
    services.switch.settlementReport(date),
  ]);
  return { date, ...reconcileSwitchDay(ours, theirs) };
}

/**
 * The scheduled job: the previous business day (Asia/Ho_Chi_Minh), once the switch's day is
 * closed. The count of mismatches is a metric with an alarm (lib/stacks/stateless-stack.ts); each
 * mismatch is logged by reference and kind (no personal data).
 */
export async function runSwitchReconciliation(
  services: Services,
): Promise<{ date: string; matched: number; mismatches: SwitchMismatch[] }> {
  const date = addDays(businessDay(services.clock.now()), -1);
  const result = await reconcileSwitch(services, date);
  metrics.addMetric('SwitchMismatches', MetricUnit.Count, result.mismatches.length);
  for (const m of result.mismatches) logger.error('switch reconciliation mismatch', { date, ...m });
  logger.info('switch reconciliation', { date, matched: result.matched, mismatches: result.mismatches.length });
  return result;
}

import { Metrics } from '@aws-lambda-powertools/metrics';

class WalletMetrics extends Metrics {
  /** Off where POWERTOOLS_METRICS_DISABLED says so (the local runtime): nothing to flush, nothing to warn about. */
  get publishing(): boolean {
    return !this.isDisabled();
  }
}

export const metrics = new WalletMetrics({
  namespace: 'Wallet',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wallet',
});

import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({
  namespace: 'Wallet',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wallet',
});

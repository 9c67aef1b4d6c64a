import { Tracer } from '@aws-lambda-powertools/tracer';

/** X-Ray in AWS; disabled outside Lambda (the local runtime sets POWERTOOLS_TRACE_ENABLED=false). */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wallet' });

import { Logger } from '@aws-lambda-powertools/logger';
import { maskValue } from './mask.ts';

/** The one logger of a function: JSON lines, personal data masked by the replacer. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wallet',
  jsonReplacerFn: (key: string, value: unknown) => maskValue(key, value),
});

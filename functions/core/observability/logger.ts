import { Logger, type LogItem, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { maskText, maskValue } from './mask.ts';

/**
 * `LOG_FORMAT=text`: one readable line per record, for people at a terminal (the local runtime
 * sets it; docs/local-runtime.md). Anything else, as in AWS: Powertools' structured JSON.
 */
export const readableLogs = (): boolean => process.env.LOG_FORMAT === 'text';

/** What every record carries in AWS and a person at a terminal does not need to read each time. */
const lambdaKeys = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

const replacer = (key: string, value: unknown) => maskValue(key, value);

class WalletLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    if (!readableLogs()) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    const attributes = log.getAttributes();
    const extra = Object.fromEntries(Object.entries(attributes).filter(([key]) => !lambdaKeys.has(key)));
    const line = `${attributes.level} ${maskText(String(attributes.message ?? ''))}${
      Object.keys(extra).length ? ` ${JSON.stringify(extra, replacer)}` : ''
    }`;
    (logLevel >= LogLevelThreshold.WARN ? console.error : console.log)(line);
  }
}

/** The one logger of a function: JSON lines in AWS, personal data masked by the replacer. */
export const logger: Logger = new WalletLogger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wallet',
  jsonReplacerFn: replacer,
});

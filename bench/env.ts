// Imported first by bench/run.ts, before any handler module: the Powertools logger reads its
// level when it is constructed, and a load test must not print a JSON line per request.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_LAMBDA_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_DEV ??= 'false';

// Two lines that would drown the progress report, dropped (everything else is kept): Powertools
// Metrics warns after every request that published no metric (all of them, metrics being disabled
// locally), and the local gateway reports the requests cut short when a load run ends.
const noise = (text: string) =>
  text.includes('No application metrics to publish') ||
  (text.includes('local gateway failure') && text.includes('ECONNRESET'));
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
  noise(String(chunk))
    ? true
    : (write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stderr.write;

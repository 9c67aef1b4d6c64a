// Cold start: every Lambda bundle built as `cdk synth` builds it, its size, and the time a fresh
// Node process takes to import it (module initialisation), median of N runs.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { type CapabilityName, capabilities } from '../functions/routes.ts';
import { median, percentile } from './stats.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));

export interface BundleResult {
  capability: CapabilityName;
  entry: string;
  bytes: number;
  mapBytes: number;
  /** Deflated size of index.mjs + index.mjs.map: about what the deployment zip weighs. */
  zipBytes: number;
  buildMs: number;
  /** Import time of the bundle in a fresh process, ms, one per run. */
  initMs: number[];
  initMedian: number;
  initMin: number;
  initMax: number;
  error?: string;
}

/**
 * The esbuild command line aws-cdk-lib's NodejsFunction runs for lib/constructs/wallet-function.ts
 * (local bundling, Bundling.buildEsbuildArgs): format ESM, minify, source map without sources,
 * target from the runtime (nodejs24.x → node24), main fields module,main, the require banner, no
 * externals (the AWS SDK is bundled).
 */
export async function esbuildArgs(entry: string, outDir: string): Promise<string[]> {
  const { esmRequireBanner, walletRuntime } = await import('../lib/constructs/wallet-function.ts');
  const target = walletRuntime.name.replace(/^nodejs(\d+).*$/, 'node$1');
  return [
    '--bundle',
    join(root, entry),
    `--target=${target}`,
    '--platform=node',
    '--format=esm',
    `--outfile=${join(outDir, 'index.mjs')}`,
    '--minify',
    '--sourcemap',
    '--sources-content=false',
    `--banner:js=${esmRequireBanner}`,
    '--main-fields=module,main',
    '--log-level=error',
  ];
}

/** Harmless values for what the handlers read at import (they do no I/O there). */
function lambdaEnv(name: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    STAGE: 'sandbox',
    WALLET_TABLE_NAME: 'sandbox-wallet',
    IDEMPOTENCY_TABLE_NAME: 'sandbox-idempotency',
    SANDBOX_BANK_TABLE_NAME: 'sandbox-sandbox-bank',
    AUDIT_TABLE_NAME: 'sandbox-audit',
    SETTLEMENT_QUEUE_URL: 'https://sqs.ap-southeast-1.amazonaws.com/000000000000/sandbox-settlement',
    USER_POOL_ID: 'ap-southeast-1_bench',
    USER_POOL_CLIENT_ID: 'bench',
    DATA_KEY_ID: 'arn:aws:kms:ap-southeast-1:000000000000:key/00000000-0000-0000-0000-000000000000',
    SANDBOX_ENABLED: 'true',
    POWERTOOLS_SERVICE_NAME: name,
  };
}

async function initTime(bundle: string, env: NodeJS.ProcessEnv): Promise<number> {
  const script = `const t=performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(performance.now()-t)`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env, timeout: 30_000 });
  return Number(stdout.trim().split('\n').at(-1));
}

export async function measureBundles(options: {
  runs: number;
  outDir: string;
  progress: (line: string) => void;
}): Promise<BundleResult[]> {
  await rm(options.outDir, { recursive: true, force: true });
  const entries = Object.entries(capabilities) as [CapabilityName, (typeof capabilities)[CapabilityName]][];
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  // Builds two at a time (2 cores); timings afterwards, one process at a time.
  const built = new Map<CapabilityName, { dir: string; buildMs: number; error?: string }>();
  for (let i = 0; i < entries.length; i += 2) {
    await Promise.all(
      entries.slice(i, i + 2).map(async ([name, capability]) => {
        const dir = join(options.outDir, name);
        await mkdir(dir, { recursive: true });
        const started = performance.now();
        try {
          await run(esbuild, await esbuildArgs(capability.entry, dir), { cwd: root, maxBuffer: 16 * 1024 * 1024 });
          built.set(name, { dir, buildMs: performance.now() - started });
        } catch (error) {
          built.set(name, { dir, buildMs: performance.now() - started, error: (error as Error).message.slice(0, 300) });
        }
      }),
    );
  }
  options.progress(`built ${entries.length} bundles with esbuild`);
  const results: BundleResult[] = [];
  for (const [name, capability] of entries) {
    const b = built.get(name)!;
    const base = { capability: name, entry: capability.entry, buildMs: b.buildMs };
    if (b.error) {
      results.push({
        ...base,
        bytes: 0,
        mapBytes: 0,
        zipBytes: 0,
        initMs: [],
        initMedian: NaN,
        initMin: NaN,
        initMax: NaN,
        error: b.error,
      });
      continue;
    }
    const bundle = join(b.dir, 'index.mjs');
    const [code, map] = await Promise.all([readFile(bundle), readFile(`${bundle}.map`)]);
    const initMs: number[] = [];
    let error: string | undefined;
    for (let r = 0; r < options.runs; r++) {
      try {
        initMs.push(await initTime(bundle, lambdaEnv(name)));
      } catch (e) {
        error = (e as Error).message.split('\n').slice(0, 3).join(' ').slice(0, 300);
        break;
      }
    }
    const sorted = [...initMs].sort((a, b) => a - b);
    results.push({
      ...base,
      bytes: (await stat(bundle)).size,
      mapBytes: map.length,
      zipBytes: deflateRawSync(code).length + deflateRawSync(map).length,
      initMs,
      initMedian: median(initMs),
      initMin: sorted[0] ?? NaN,
      initMax: percentile(sorted, 100),
      ...(error ? { error } : {}),
    });
    options.progress(`  ${name}: ${(code.length / 1024).toFixed(0)} KiB, init median ${median(initMs).toFixed(0)} ms`);
  }
  return results;
}

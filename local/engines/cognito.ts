// Cognito user pools: cognito-local as a child Node process on 127.0.0.1, with its config and
// data in a fresh temporary directory (it reads `.cognito/config.json` from its cwd and keeps its
// database in `.cognito/db`), removed on stop.
//
// The directory is also removed synchronously if the parent exits or is terminated by a signal.
// A parent that is SIGKILLed cannot clean up: each directory records its owner's pid, and every
// start sweeps directories whose owner is gone.

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { userPool } from '../../functions/resources.ts';
import { getFreePort, LOOPBACK } from './ports.ts';
import {
  type Engine,
  EngineStartError,
  type LogSink,
  registerExitCleanup,
  spawnEngineProcess,
  stdinWatchdog,
  waitUntilReady,
} from './process.ts';

export interface CognitoLocalOptions {
  readonly port?: number;
  readonly timeoutMs?: number;
  readonly log?: LogSink;
}

export interface CognitoEngine extends Engine {
  /** `http://127.0.0.1:<port>`; a pool's issuer is `${issuerBase}/${poolId}`. */
  readonly issuerBase: string;
  /** The temporary working directory (config and data), removed by stop(). */
  readonly workDir: string;
}

function cognitoLocalEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
}

const BIND_FAILURE = /EADDRINUSE/;
const WORK_DIR_PREFIX = 'cognito-local-';
const OWNER_FILE = 'owner.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes work directories left by a parent that died without cleaning up (SIGKILL, power loss):
 * only ours (they carry an owner.pid file) and only when that process is gone. Returns what it removed.
 */
export function sweepStaleWorkDirs(root: string = tmpdir()): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(root).filter((entry) => entry.startsWith(WORK_DIR_PREFIX));
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const dir = join(root, entry);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue; // not ours, or being created
    }
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // leave it for the next sweep
    }
  }
  return removed;
}

export async function startCognitoLocal(opts: CognitoLocalOptions = {}): Promise<CognitoEngine> {
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = opts.port ?? (await getFreePort());
    try {
      return await startOnce(port, opts);
    } catch (error) {
      lastError = error;
      if (!(error instanceof EngineStartError && BIND_FAILURE.test(error.output))) break;
    }
  }
  throw lastError;
}

async function startOnce(port: number, opts: CognitoLocalOptions): Promise<CognitoEngine> {
  const endpoint = `http://${LOOPBACK}:${port}`;
  sweepStaleWorkDirs();
  const workDir = await mkdtemp(join(tmpdir(), WORK_DIR_PREFIX));
  const unregister = registerExitCleanup(() => rmSync(workDir, { recursive: true, force: true }));
  await writeFile(join(workDir, OWNER_FILE), String(process.pid));
  await mkdir(join(workDir, '.cognito'), { recursive: true });
  await writeFile(
    join(workDir, '.cognito', 'config.json'),
    JSON.stringify(
      {
        // Pools created without UsernameAttributes behave like ours (cognito-local's default is email).
        UserPoolDefaults: { UsernameAttributes: [...userPool.usernameAttributes] },
        TokenConfig: { IssuerDomain: endpoint },
      },
      null,
      2,
    ),
  );
  const { DEBUG: _debug, ...env } = process.env;
  const managed = spawnEngineProcess('cognito', process.execPath, ['--import', stdinWatchdog, cognitoLocalEntry()], {
    cwd: workDir,
    env: { ...env, HOST: LOOPBACK, PORT: String(port), NODE_OPTIONS: '' },
    ...(opts.log === undefined ? {} : { log: opts.log }),
  });
  let removed: Promise<void> | undefined;
  const cleanup = async (): Promise<void> => {
    await managed.stop(5_000);
    removed ??= rm(workDir, { recursive: true, force: true }).then(unregister);
    await removed;
  };
  try {
    await waitUntilReady(
      `cognito-local on ${endpoint}`,
      async () => {
        const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok;
      },
      { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: 100, child: managed },
    );
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    name: 'cognito',
    endpoint,
    issuerBase: endpoint,
    workDir,
    pid: managed.pid,
    stop: cleanup,
  };
}

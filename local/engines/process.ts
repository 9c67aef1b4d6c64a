// Child-process plumbing shared by the engines: spawn inside our process tree, keep the last
// lines of output for error messages, wait for readiness with a deadline, stop with
// SIGTERM → SIGKILL, and make sure no child outlives the parent.
//
// Four layers keep children from being left behind:
// 1. they are not detached, so a Ctrl-C in a terminal reaches the whole process group;
// 2. SIGINT/SIGTERM/SIGHUP handlers on the parent SIGTERM every live child (at once when the
//    application has no handler of its own, after a 10 s grace period when it has one);
// 3. a synchronous `process.on('exit')` handler SIGKILLs whatever is still alive (and runs the
//    synchronous cleanups registered with registerExitCleanup, e.g. temp directories);
// 4. each child gets a stdin pipe and exits when it reads EOF, which also covers a parent that
//    is SIGKILLed or crashes (the kernel closes the pipe). See `stdinWatchdog` below.

import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

/** A running local engine. */
export interface Engine {
  /** Short name: `dynamodb`, `sqs`, `cognito`. */
  readonly name: string;
  /** Base URL for the AWS SDK, always `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** OS process id when the engine is a child process; absent for in-process engines. */
  readonly pid?: number;
  /** Stops the engine and frees its resources. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Where engine output goes besides the in-memory tail: a function or a file path (appended). */
export type LogSink = ((engine: string, line: string) => void) | string;

export interface SpawnEngineOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Lines of output kept for error messages. */
  readonly tailLines?: number;
  readonly log?: LogSink;
}

export interface ManagedChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the child has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once the child has exited. */
  hasExited(): boolean;
  /** The last lines of stdout and stderr, ANSI colours removed. */
  tail(): string;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves once the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
/** How long an application's own signal handling gets before we SIGTERM the children ourselves. */
const SIGNAL_GRACE_MS = 10_000;
let handlersInstalled = false;

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

function installParentHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    runExitCleanups();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) {
        // The application handles this signal too (local/start.ts stops gateway, pollers, then
        // engines, in that order): let it, and only step in if its shutdown stalls.
        setTimeout(terminateAll, SIGNAL_GRACE_MS).unref();
        return;
      }
      // Nobody else handles it: stop the children and keep Node's default behaviour (exit) rather
      // than swallowing the signal: drop our handler and re-raise.
      terminateAll();
      runExitCleanups();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function terminateAll(): void {
  for (const child of live) child.kill('SIGTERM');
}

const exitCleanups = new Set<() => void>();

function runExitCleanups(): void {
  for (const cleanup of exitCleanups) {
    exitCleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort: the process is going away
    }
  }
}

/**
 * Registers a synchronous cleanup (e.g. removing a temp directory) to run if the parent exits or
 * is terminated by a signal while the engine is still up. Returns the function that unregisters
 * it, for a normal stop().
 */
export function registerExitCleanup(cleanup: () => void): () => void {
  installParentHandlers();
  exitCleanups.add(cleanup);
  return () => {
    exitCleanups.delete(cleanup);
  };
}

/**
 * Spawns a long-running engine process inside our process tree, stdin piped (kept open so the
 * child can treat EOF as "parent gone"), stdout/stderr captured.
 */
export function spawnEngineProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnEngineOptions = {},
): ManagedChild {
  installParentHandlers();
  const tailLimit = options.tailLines ?? 60;
  const lines: string[] = [];
  const sink = options.log;
  const write =
    sink === undefined
      ? undefined
      : typeof sink === 'string'
        ? (line: string) => appendFileSync(sink, `${new Date().toISOString()} [${name}] ${line}\n`)
        : (line: string) => sink(name, line);

  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: false,
    windowsHide: true,
  });
  // The child must not keep the parent's event loop alive, nor the stdin pipe.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
  child.stdin?.on('error', () => {});

  const capture = (chunk: Buffer): void => {
    for (const raw of chunk.toString('utf8').split(/\r?\n/)) {
      const line = raw.replace(ANSI, '').trimEnd();
      if (!line) continue;
      lines.push(line);
      if (lines.length > tailLimit) lines.shift();
      write?.(line);
    }
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      lines.push(`spawn failed: ${error.message}`);
      exitedFlag = true;
      live.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      live.delete(child);
      resolve({ code, signal });
    });
  });
  if (child.pid !== undefined) live.add(child);

  return {
    name,
    child,
    pid: child.pid ?? -1,
    exited,
    hasExited: () => exitedFlag,
    tail: () => lines.join('\n'),
    async stop(graceMs = 5_000) {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut && !exitedFlag) {
        child.kill('SIGKILL');
        await exited;
      }
      child.stdin?.destroy();
    },
  };
}

/**
 * Node `--import` payload that makes a Node child exit when its stdin reaches EOF, i.e. when the
 * parent (holding the other end of the pipe) is gone, however it died.
 */
export const stdinWatchdog =
  "data:text/javascript,process.stdin.on('end',()=>process.exit(0)).on('error',()=>process.exit(0)).resume()";

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Fail early if this child exits while we wait. */
  readonly child?: ManagedChild;
}

/** Polls `probe` until it resolves truthy; throws with the child's output tail on deadline or exit. */
export async function waitUntilReady(what: string, probe: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    if (options.child?.hasExited()) {
      const { code, signal } = await options.child.exited;
      throw new EngineStartError(
        `${what} exited before it was ready (code ${code}, signal ${signal})`,
        options.child.tail(),
      );
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new EngineStartError(
        `${what} did not answer within ${options.timeoutMs} ms${reason}`,
        options.child?.tail() ?? '',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Start-up failure carrying the engine's last output lines. */
export class EngineStartError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(output ? `${message}\n--- last output ---\n${output}` : message);
    this.name = 'EngineStartError';
    this.output = output;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** File receiving the local runtime's output (handler logs), empty when E2E_BASE_URL is used. */
    runtimeLog: string;
  }
}

/**
 * The e2e suite talks HTTP only. With E2E_BASE_URL it targets that API (LocalStack, a sandbox
 * stage); otherwise it starts the local runtime exactly as `npm start` does, once per run.
 */
export default async function setup(project: TestProject) {
  const external = process.env.E2E_BASE_URL;
  if (external) {
    project.provide('baseUrl', external.replace(/\/$/, ''));
    project.provide('runtimeLog', '');
    return;
  }
  const logDir = resolve('.cache/logs');
  mkdirSync(logDir, { recursive: true });
  const runtimeLog = resolve(logDir, 'e2e-runtime.log');
  const log = createWriteStream(runtimeLog);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = await new Promise<string>((ready, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`runtime not ready in 90 s:\n${seen.slice(-2000)}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        ready(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`runtime exited with ${code}:\n${seen.slice(-2000)}`));
    });
  });
  project.provide('baseUrl', url);
  project.provide('runtimeLog', runtimeLog);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    log.end();
  };
}

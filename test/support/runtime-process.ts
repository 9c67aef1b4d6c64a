import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The local runtime as `npm start` runs it, in a child process on a free port, with extra
 * environment (a stage's configuration), its output in `.cache/logs/<name>.log`.
 */
export async function startRuntimeProcess(name: string, env: Record<string, string> = {}) {
  const logDir = resolve('.cache/logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = resolve(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    // IAM as in AWS: a DynamoDB call the capability's grants would not allow fails the test.
    env: { LOCAL_IAM: 'enforce', ...process.env, ...env, PORT: '0' },
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
  return {
    url,
    logFile,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      log.end();
    },
  };
}

// Start/stop of the local engines leaves nothing behind: not after stop(), not when the parent
// process is terminated, not even when it is SIGKILLed. Starts its own engines (independent of the
// ones from the globalSetup).

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sweepStaleWorkDirs } from '../../local/engines/cognito.ts';
import { startEngines } from '../../local/engines.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

function refusesConnections(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('engine lifecycle', () => {
  it('stop() leaves no child process, temp directory or listening port behind', async () => {
    const running = await startEngines();
    const children = running.engines.filter((engine) => engine.pid !== undefined);
    expect(children.map((engine) => engine.name).sort()).toEqual(['cognito', 'dynamodb']);
    const pids = children.map((engine) => engine.pid!);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} alive while running`).toBe(true);
    const workDir = (running.engines.find((engine) => engine.name === 'cognito') as { workDir?: string }).workDir;
    expect(workDir && existsSync(workDir)).toBe(true);

    const started = performance.now();
    await running.stop();
    const stopMs = performance.now() - started;
    await running.stop(); // idempotent

    for (const pid of pids) expect(isAlive(pid), `pid ${pid} gone after stop()`).toBe(false);
    expect(existsSync(workDir!)).toBe(false);
    for (const engine of running.engines) {
      expect(await refusesConnections(engine.endpoint), `${engine.name} port closed`).toBe(true);
    }
    expect(stopMs).toBeLessThan(6_000);
  });

  // A separate Node process plays `npm start`: it starts the engines, prints the child pids and
  // waits. We then kill it the way a user or a crash would.
  const engines = fileURLToPath(new URL('../../local/engines.ts', import.meta.url));
  const script = [
    `import { startEngines } from ${JSON.stringify(engines)};`,
    'const running = await startEngines();',
    'const pids = running.engines.flatMap((engine) => (engine.pid ? [engine.pid] : []));',
    'const workDir = running.engines.find((engine) => engine.name === "cognito").workDir;',
    'console.log(JSON.stringify({ pids, workDir }));',
    'setInterval(() => {}, 60_000);',
  ].join('\n');

  async function startParent(): Promise<{ parent: ChildProcess; pids: number[]; workDir: string }> {
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    parent.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const { pids, workDir } = await new Promise<{ pids: number[]; workDir: string }>((resolve, reject) => {
      let stdout = '';
      parent.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { pids: number[]; workDir: string });
      });
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code}): ${stderr}`)));
    });
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
    expect(existsSync(workDir)).toBe(true);
    return { parent, pids, workDir };
  }

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`leaves no engine process or temp directory behind when the parent is killed with ${signal}`, async () => {
      const { parent, pids, workDir } = await startParent();
      const exited = new Promise((resolve) => parent.once('exit', resolve));
      parent.kill(signal);
      await exited;
      // SIGTERM/SIGINT: the parent's signal handlers SIGTERM the children. SIGKILL: nothing runs in
      // the parent; the children see EOF on their stdin pipe and exit by themselves.
      const survivors = await waitForExit(pids, 8_000);
      for (const pid of survivors) process.kill(pid, 'SIGKILL');
      expect(survivors, `children still alive after the parent got ${signal}`).toEqual([]);
      if (signal === 'SIGKILL') {
        // Nothing ran in the parent: the next start (here, the sweep it runs) removes the directory.
        expect(existsSync(workDir)).toBe(true);
        expect(sweepStaleWorkDirs()).toContain(workDir);
      }
      expect(existsSync(workDir), 'cognito-local temp directory removed').toBe(false);
    });
  }
});

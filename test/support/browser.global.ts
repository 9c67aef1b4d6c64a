import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startRuntimeProcess } from './runtime-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Chromium's executable (Debian's `chromium`; CHROMIUM_PATH to name another). */
    chromiumPath: string;
  }
}

/** Where Debian and Ubuntu put Chromium; CHROMIUM_PATH first. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/**
 * The browser suite drives the operations console in Chromium against a local runtime of its own,
 * started once per run like the e2e suite's, with one stage setting: a WARN-listed counterparty is
 * held for review (RISK_CONFIG), so a test makes a held case with one transfer.
 */
export default async function setup(project: TestProject) {
  const chromium = findChromium();
  if (!chromium) {
    throw new Error('Chromium is needed for the browser tests: apt-get install chromium (or set CHROMIUM_PATH)');
  }
  project.provide('chromiumPath', chromium);
  const runtime = await startRuntimeProcess('browser-runtime', {
    RISK_CONFIG: JSON.stringify({ watchlist: { warnScore: 70 } }),
  });
  project.provide('baseUrl', runtime.url);
  project.provide('runtimeLog', runtime.logFile);
  return () => runtime.stop();
}

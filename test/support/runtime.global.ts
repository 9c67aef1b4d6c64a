import type { TestProject } from 'vitest/node';
import { startRuntimeProcess } from './runtime-process.ts';

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
  const runtime = await startRuntimeProcess('e2e-runtime');
  project.provide('baseUrl', runtime.url);
  project.provide('runtimeLog', runtime.logFile);
  return () => runtime.stop();
}

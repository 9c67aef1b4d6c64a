// Vitest globalSetup for the integration project: starts the local engines once per run (in the
// main Vitest process), bootstraps the resources and hands the environment to the test workers
// through `provide`; test/support/engines.setup.ts copies it into process.env.

import type { TestProject } from 'vitest/node';
import { startEngines } from '../../local/engines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    engineEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engines = await startEngines();
  project.provide('engineEnv', engines.env);
  return async () => {
    await engines.stop();
  };
}

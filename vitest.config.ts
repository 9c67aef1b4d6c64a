import { defineConfig } from 'vitest/config';

// Five projects, all run by `npm test`:
// - unit: domain rules and use cases, no I/O;
// - integration: adapters and handlers against the local engines (started once per run);
// - e2e: the HTTP API, against E2E_BASE_URL if set, else a local runtime started once per run;
// - browser: the operations console in Chromium, against a local runtime of its own;
// - infra: CDK assertions and cdk-nag.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/engines.global.ts'],
          setupFiles: ['test/support/engines.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/runtime.global.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The operations console in Chromium (playwright-core), against a local runtime of its own.
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/browser.global.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
      },
    ],
  },
});

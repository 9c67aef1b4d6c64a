// Vitest setupFile for the integration project: runs in each worker before the test files (and
// so before any handler code is imported), making the engines' environment visible to SDK
// clients and handler configuration.

import { inject } from 'vitest';

const env = inject('engineEnv');
if (!env) throw new Error('engineEnv was not provided: is test/support/engines.global.ts the globalSetup?');
Object.assign(process.env, env);

import { z } from 'zod';
import { SandboxSmsOutbox } from '../core/adapters/sandbox/sms-outbox.ts';
import { runtimeConfig } from '../core/config.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { notFound } from '../core/http/problem.ts';
import { ok } from '../core/http/result.ts';
import { phoneNumber } from '../onboarding/schemas.ts';

// The outside world we do not own, simulated for local use and sandbox stages only. A stage
// without the sandbox never deploys this function; the guard below is a second lock.
function sandboxOnly() {
  const config = runtimeConfig();
  if (!config.sandboxEnabled) throw notFound();
  return config;
}

export const handler = apiHandler('sandbox', {
  'GET /sandbox/sms': endpoint({
    query: z.object({ phoneNumber, reference: z.string().max(64).optional() }),
    handle: async ({ query }) => {
      const config = sandboxOnly();
      const outbox = new SandboxSmsOutbox(config.walletTable, () => new Date());
      return ok({ items: await outbox.list(query.phoneNumber, query.reference) });
    },
  }),
});

import { z } from 'zod';
import { container } from '../core/container.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';
import { reconcileSafeguarding } from '../core/use-cases/reconcile-safeguarding.ts';

export const watchlistBody = z.strictObject({
  entries: z
    .array(
      z.strictObject({
        kind: z.enum(['WALLET', 'PHONE', 'BANK_ACCOUNT', 'ID_NUMBER']),
        value: z.string().trim().min(1).max(64),
        severity: z.enum(['WARN', 'BLOCK']),
        source: z.enum(['MPS_WARNING_DB', 'SBV_SIMO', 'INTERNAL']),
        reason: z.string().min(1).max(500),
      }),
    )
    .max(1000),
});

export const handler = apiHandler('operations', {
  'GET /v1/ops/reconciliation/safeguarding': endpoint({
    handle: async () => ok(await reconcileSafeguarding(container())),
  }),
  'POST /v1/ops/watchlist': endpoint({
    body: watchlistBody,
    idempotent: 'optional',
    handle: async ({ body }) => {
      const services = container();
      const imported = await services.watchlist.upsert(body.entries, services.clock.now());
      return ok({ imported });
    },
  }),
});

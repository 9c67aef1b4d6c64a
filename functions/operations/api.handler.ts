import { z } from 'zod';
import { container } from '../core/container.ts';
import { auditSubjects } from '../core/domain/audit.ts';
import { walletView } from '../core/domain/wallet.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';
import { audited } from '../core/use-cases/audit.ts';
import { freezeWallet, unfreezeWallet } from '../core/use-cases/freeze-wallet.ts';
import { reconcileSafeguarding } from '../core/use-cases/reconcile-safeguarding.ts';

/** Why an operator freezes or unfreezes: a reason and a reference (a ticket, a case, a letter). */
export const freezeBody = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  reference: z.string().trim().min(1).max(100),
});

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
    handle: async ({ caller }) => {
      const reconciliation = await reconcileSafeguarding(container());
      await audited(container(), caller, 'RECONCILIATION_READ', auditSubjects.safeguarding, {
        route: 'GET /v1/ops/reconciliation/safeguarding',
      });
      return ok(reconciliation);
    },
  }),
  'POST /v1/ops/watchlist': endpoint({
    body: watchlistBody,
    idempotent: 'optional',
    handle: async ({ body, caller }) => {
      const services = container();
      // Up to 1,000 entries do not fit one transaction: the audit record is written first, so an
      // import that fails half-way is still on record, and no entry exists unrecorded.
      const unique = new Set(body.entries.map((e) => `${e.kind}:${e.value.trim()}`)).size;
      await audited(services, caller, 'WATCHLIST_IMPORT', auditSubjects.watchlist, {
        route: 'POST /v1/ops/watchlist',
        reason: `${unique} entries from ${[...new Set(body.entries.map((e) => e.source))].join(', ') || 'none'}`,
      });
      const imported = await services.watchlist.upsert(body.entries, services.clock.now());
      return ok({ imported });
    },
  }),
  'POST /v1/ops/wallets/{walletId}/freeze': endpoint({
    body: freezeBody,
    idempotent: 'optional',
    // The freeze, its order and its audit record are one transaction.
    handle: async ({ body, caller, params }) => {
      const route = 'POST /v1/ops/wallets/{walletId}/freeze';
      const done = await freezeWallet(container(), params.walletId!, { caller, route, ...body });
      return ok(walletView(done.wallet));
    },
  }),
  'POST /v1/ops/wallets/{walletId}/unfreeze': endpoint({
    body: freezeBody,
    idempotent: 'optional',
    handle: async ({ body, caller, params }) => {
      const route = 'POST /v1/ops/wallets/{walletId}/unfreeze';
      const done = await unfreezeWallet(container(), params.walletId!, { caller, route, ...body });
      return ok(walletView(done.wallet));
    },
  }),
});

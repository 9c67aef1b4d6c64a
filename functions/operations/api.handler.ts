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
      await audited(caller, 'RECONCILIATION_READ', auditSubjects.safeguarding, {
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
      const imported = await services.watchlist.upsert(body.entries, services.clock.now());
      await audited(caller, 'WATCHLIST_IMPORT', auditSubjects.watchlist, {
        route: 'POST /v1/ops/watchlist',
        reason: `${imported} entries from ${[...new Set(body.entries.map((e) => e.source))].join(', ') || 'none'}`,
      });
      return ok({ imported });
    },
  }),
  'POST /v1/ops/wallets/{walletId}/freeze': endpoint({
    body: freezeBody,
    idempotent: 'optional',
    handle: async ({ body, caller, params }) => {
      const done = await freezeWallet(container(), params.walletId!, {
        authority: 'OPERATOR',
        actor: caller.subject,
        ...body,
      });
      await audited(caller, 'WALLET_FREEZE', [done.wallet.walletId, done.wallet.ownerId], {
        route: 'POST /v1/ops/wallets/{walletId}/freeze',
        ...body,
      });
      return ok(walletView(done.wallet));
    },
  }),
  'POST /v1/ops/wallets/{walletId}/unfreeze': endpoint({
    body: freezeBody,
    idempotent: 'optional',
    handle: async ({ body, caller, params }) => {
      const done = await unfreezeWallet(container(), params.walletId!, {
        authority: 'OPERATOR',
        actor: caller.subject,
        ...body,
      });
      await audited(caller, 'WALLET_UNFREEZE', [done.wallet.walletId, done.wallet.ownerId], {
        route: 'POST /v1/ops/wallets/{walletId}/unfreeze',
        ...body,
      });
      return ok(walletView(done.wallet));
    },
  }),
});

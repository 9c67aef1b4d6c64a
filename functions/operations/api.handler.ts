import { z } from 'zod';
import { container } from '../core/container.ts';
import { auditSubjects } from '../core/domain/audit.ts';
import { normalizeIdentifier } from '../core/domain/identifiers.ts';
import { maxInboxShards } from '../core/domain/inbox.ts';
import { walletView } from '../core/domain/wallet.ts';
import {
  safeguardingAnswer,
  switchReconciliationAnswer,
  walletAnswer,
  watchlistImportAnswer,
} from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';
import { opsInboxAnswer, opsWalletAnswer } from '../core/http/staff-answers.ts';
import { audited } from '../core/use-cases/audit.ts';
import { freezeWallet, unfreezeWallet } from '../core/use-cases/freeze-wallet.ts';
import { setInboxShards } from '../core/use-cases/inbox.ts';
import { reconcileSafeguarding } from '../core/use-cases/reconcile-safeguarding.ts';
import { reconcileSwitch } from '../core/use-cases/reconcile-switch.ts';
import { lookUpWallet } from '../core/use-cases/wallet-look-up.ts';
import { importWatchlist } from '../core/use-cases/watchlist.ts';

/** Why an operator freezes or unfreezes: a reason and a reference (a ticket, a case, a letter). */
export const freezeBody = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  reference: z.string().trim().min(1).max(100),
});

/** A busy wallet's inbox shards (docs/merchants.md "A busy merchant's inbox"), and why. */
export const inboxBody = z.strictObject({
  shards: z.int().min(0).max(maxInboxShards),
  reason: z.string().trim().min(1).max(500),
  reference: z.string().trim().min(1).max(100),
});

export const watchlistBody = z.strictObject({
  entries: z
    .array(
      z
        .strictObject({
          kind: z.enum(['WALLET', 'PHONE', 'BANK_ACCOUNT', 'ID_NUMBER']),
          value: z.string().trim().min(1).max(64),
          severity: z.enum(['WARN', 'BLOCK']),
          source: z.enum(['MPS_WARNING_DB', 'SBV_SIMO', 'INTERNAL']),
          reason: z.string().min(1).max(500),
        })
        // Matched in its canonical form (functions/core/domain/identifiers.ts): a value that has
        // none (a phone with letters, an ID of punctuation) could never match and is refused.
        .refine((e) => normalizeIdentifier(e.kind, e.value) !== undefined, {
          message: 'a phone number, ID number, account number or wallet id of the kind named',
          path: ['value'],
        }),
    )
    .max(1000),
});

export const handler = apiHandler('operations', {
  'GET /v1/ops/reconciliation/safeguarding': endpoint({
    summary: 'Safeguarding: the guarantee account against wallet balances and money in flight',
    answers: { 200: safeguardingAnswer },
    handle: async ({ caller }) => {
      const reconciliation = await reconcileSafeguarding(container());
      await audited(container(), caller, 'RECONCILIATION_READ', auditSubjects.safeguarding, {
        route: 'GET /v1/ops/reconciliation/safeguarding',
      });
      return ok(reconciliation);
    },
  }),
  'GET /v1/ops/reconciliation/switch': endpoint({
    summary: "The switch's settlement report for a business day against the ledger",
    query: z.object({ date: z.iso.date() }),
    answers: { 200: switchReconciliationAnswer },
    handle: async ({ caller, query }) => {
      const reconciliation = await reconcileSwitch(container(), query.date);
      await audited(container(), caller, 'RECONCILIATION_READ', auditSubjects.switchReconciliation, {
        route: 'GET /v1/ops/reconciliation/switch',
        reference: query.date,
      });
      return ok(reconciliation);
    },
  }),
  'POST /v1/ops/watchlist': endpoint({
    summary: 'Import watch-list entries; the customers they name are screened at once',
    body: watchlistBody,
    // An import creates entries (and screening cases): API.md "Idempotency" asks for the key.
    idempotent: true,
    answers: { 200: watchlistImportAnswer },
    refusals: ['validation-failed'],
    // Audited first (more than one transaction), then written, then the customers the entries
    // name are screened at once: frozen (BLOCK) or marked for review (WARN), each with a case.
    handle: async ({ body, caller }) =>
      ok(await importWatchlist(container(), caller, body.entries, 'POST /v1/ops/watchlist')),
  }),
  'GET /v1/ops/wallets/{walletId}': endpoint({
    summary: 'Look a wallet up: status, balance, owner and its freeze orders',
    answers: { 200: opsWalletAnswer },
    refusals: ['wallet-not-found'],
    // Audited before it answers, under the wallet and its owner.
    handle: async ({ caller, params }) =>
      ok(await lookUpWallet(container(), caller, params.walletId!, 'GET /v1/ops/wallets/{walletId}')),
  }),
  'POST /v1/ops/wallets/{walletId}/freeze': endpoint({
    summary: 'Freeze a wallet',
    body: freezeBody,
    idempotent: 'optional',
    answers: { 200: walletAnswer },
    refusals: ['wallet-not-found', 'wallet-closed'],
    // The freeze, its order and its audit record are one transaction.
    handle: async ({ body, caller, params }) => {
      const route = 'POST /v1/ops/wallets/{walletId}/freeze';
      const done = await freezeWallet(container(), params.walletId!, { caller, route, ...body });
      return ok(walletView(done.wallet));
    },
  }),
  'POST /v1/ops/wallets/{walletId}/unfreeze': endpoint({
    summary: 'Lift a freeze',
    body: freezeBody,
    idempotent: 'optional',
    answers: { 200: walletAnswer },
    refusals: ['wallet-not-found', 'wallet-not-frozen'],
    handle: async ({ body, caller, params }) => {
      const route = 'POST /v1/ops/wallets/{walletId}/unfreeze';
      const done = await unfreezeWallet(container(), params.walletId!, { caller, route, ...body });
      return ok(walletView(done.wallet));
    },
  }),
  'PUT /v1/ops/wallets/{walletId}/inbox': endpoint({
    summary: "Spread a busy wallet's credits over inbox shards (0: back to the wallet itself)",
    body: inboxBody,
    idempotent: 'optional',
    answers: { 200: opsInboxAnswer },
    refusals: ['wallet-not-found', 'wallet-closed'],
    // The change and its audit record (WALLET_INBOX_CONFIG) are one transaction.
    handle: async ({ body, caller, params }) => {
      const route = 'PUT /v1/ops/wallets/{walletId}/inbox';
      const { shards, reason, reference } = body;
      return ok(await setInboxShards(container(), params.walletId!, shards, { caller, route, reason, reference }));
    },
  }),
});

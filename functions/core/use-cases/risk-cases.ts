import { refusals } from '../domain/refusals.ts';
import { type CaseKind, caseView, isScreeningCase } from '../domain/risk-case.ts';
import { transferView } from '../domain/transfer.ts';
import type { Caller } from '../ports/caller.ts';
import type { MoneyItems, MoneyKeys } from '../ports/ledger.ts';
import type { Services } from '../ports/services.ts';
import { auditRecord } from './audit.ts';
import { decideAndCommit } from './transfers/commit-loop.ts';
import { handToBank } from './transfers/create-transfer.ts';
import { baseSnapshot, merged } from './transfers/snapshots.ts';
import { decideScreeningCase } from './watchlist.ts';

/**
 * GET /v1/ops/cases: the operators' queue: transfers held by the risk engine (API.md: the list is
 * of held transfers, each with its `transferId`) and, asked for with `kind`, customers a
 * watch-list import named (screening cases, functions/core/use-cases/watchlist.ts).
 */
export async function listCases(
  services: Services,
  status: string,
  limit: number,
  cursor: string | undefined,
  kind: CaseKind | 'ALL',
) {
  const page = await services.ledger.listCases(status, limit, cursor, kind === 'ALL' ? undefined : kind);
  return { items: page.items.map(caseView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/**
 * POST /v1/ops/cases/{id}/decision (RULES.md §7): the planner releases the held transfer (a
 * payment or P2P completes, a withdrawal or top-up goes on to the bank) or rejects it (the money
 * goes back to the payer). Once only; the decision and its audit record are one transaction.
 */
export async function decideCase(
  services: Services,
  caller: Caller,
  input: { caseId: string; decision: 'RELEASE' | 'REJECT'; note: string; route: string },
) {
  const held = await services.ledger.read({ caseId: input.caseId });
  const c = held.riskCase;
  if (!c) throw refusals.caseNotFound();
  if (c.status !== 'OPEN') throw refusals.caseDecided(c.status);
  if (isScreeningCase(c)) throw refusals.caseNotFound(); // decided by decideQueuedCase
  const first = await services.ledger.read({ transferId: c.transferId, walletIds: [c.walletId] });
  const t = first.transfer;
  const payee = t?.toWalletId ? await services.ledger.read({ walletIds: [t.toWalletId] }) : undefined;
  let items: MoneyItems = { ...first, riskCase: c, wallets: { ...first.wallets, ...payee?.wallets } };
  const keys: MoneyKeys = {
    caseId: c.caseId,
    transferId: c.transferId,
    walletIds: [c.walletId, ...(t?.toWalletId ? [t.toWalletId] : [])],
  };
  const audit = auditRecord(services, caller, 'CASE_DECISION', [c.caseId, c.walletId, c.transferId], {
    route: input.route,
    reason: `${input.decision}: ${input.note}`,
  });
  const settled = await decideAndCommit(services, {
    lock: [c.walletId, t?.toWalletId],
    read: async (n) => {
      if (n > 0) items = merged(items, await services.ledger.read(keys), keys);
      return baseSnapshot(items, services.clock.now(), c.walletId, t?.toWalletId);
    },
    event: { kind: 'case-decision', decision: input.decision, note: input.note, audit },
  });
  if (settled.kind === 'refuse') throw settled.refusal;
  if (settled.kind !== 'commit' || !settled.transfer) throw new Error(`case ${c.caseId}: nothing was decided`);
  if (settled.toBank) await handToBank(services, settled.transfer);
  const close = settled.plan.riskCase && 'close' in settled.plan.riskCase ? settled.plan.riskCase.close : undefined;
  const decided = {
    ...c,
    ...(close ? { status: close.status, decidedBy: close.decidedBy, note: close.note, decidedAt: close.at } : {}),
  };
  return { case: caseView(decided), transfer: transferView(settled.transfer) };
}

/**
 * POST /v1/ops/cases/{id}/decision, whatever the case: a held transfer (`decideCase`) or a
 * watch-list screening of a customer (functions/core/use-cases/watchlist.ts `decideScreeningCase`).
 */
export async function decideQueuedCase(
  services: Services,
  caller: Caller,
  input: { caseId: string; decision: 'RELEASE' | 'REJECT'; note: string; route: string },
) {
  const c = await services.ledger.getCase(input.caseId);
  if (c && isScreeningCase(c)) return decideScreeningCase(services, caller, { ...input, case: c });
  return decideCase(services, caller, input);
}

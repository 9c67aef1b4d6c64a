import { createHash } from 'node:crypto';
import { auditSubjects } from '../domain/audit.ts';
import type { WalletOrderWrite } from '../domain/commit-plan.ts';
import { watchlistMacInput } from '../domain/identifiers.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import { caseView, type ScreenedEntry, type ScreeningCase, screeningCaseId } from '../domain/risk-case.ts';
import { freezeWrite, planUnfreeze, unfreezeWrite } from '../domain/wallet-control.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import type { WatchlistEntry } from '../ports/watchlist.ts';
import { audited, auditRecord } from './audit.ts';
import { orderOf } from './freeze-wallet.ts';
import { revokeSessions } from './sign-in.ts';
import { commitWithRetry } from './transfers/commit-loop.ts';
import { clearanceOf } from './transfers/snapshots.ts';

// RULES.md §5 and §7 (Circular 27/2025: automated list screening; Circular 40 Art. 28): a
// watch-list import writes the entries, then screens the existing customers they name at once.
// A BLOCK entry freezes every wallet of the customer it names, on the list's authority, and opens
// a screening case for the operators; a WARN entry opens a case for review and freezes nothing.
// The customer is not told (AML: no tipping-off), but a freeze ends their sessions as any freeze
// does. Each customer's freezes, case and audit record are one transaction, through the commit
// path freezes and case decisions take.

/** Customers screened at once (each is one transaction): enough to finish an import inside the request. */
const SCREENING_CONCURRENCY = 8;

export interface ScreeningSummary {
  /** Screening cases opened (one per customer and entry). */
  cases: number;
  /** Wallets frozen by BLOCK entries. */
  frozen: number;
  /** Customers marked for review by WARN entries (a case, no freeze). */
  review: number;
}

/** A customer an entry names, and the entry as the case keeps it (its keyed hash, never its value). */
interface Match {
  customerId: string;
  entry: ScreenedEntry;
}

const screeningScore = { BLOCK: 100, WARN: 40 } as const;

/** The customers the entries name (one match per customer and entry; BLOCK wins over WARN). */
async function matches(services: Services, entries: WatchlistEntry[]): Promise<Match[]> {
  const owners = await services.watchlist.customersNamed(entries);
  const ring = await services.keyRing();
  const found = new Map<string, Match>();
  for (const [i, e] of entries.entries()) {
    const customerId = owners[i];
    const input = watchlistMacInput(e.kind, e.value);
    if (!customerId || !input) continue;
    const valueHash = await ring.mac(input.purpose, input.value);
    const key = `${customerId}#${e.kind}#${valueHash}`;
    const before = found.get(key);
    if (before && (before.entry.severity === 'BLOCK' || e.severity === 'WARN')) continue;
    found.set(key, {
      customerId,
      entry: { kind: e.kind, valueHash, severity: e.severity, source: e.source, reason: e.reason },
    });
  }
  return [...found.values()];
}

/**
 * One customer against one entry: the freezes (BLOCK), the case and the audit record in one
 * transaction. Screened once per customer, entry and severity (the case id says so): an import
 * repeated, or cut off and repeated, screens nobody twice; an entry an operator cleared for this
 * customer (a false positive) does not screen it again.
 */
async function screen(services: Services, caller: Caller, match: Match, route: string) {
  const { customerId, entry } = match;
  const caseId = screeningCaseId(
    createHash('sha256').update([customerId, entry.kind, entry.valueHash, entry.severity].join('\u0000')).digest('hex'),
  );
  const done = await commitWithRetry(services, [], async () => {
    if (await services.ledger.getCase(caseId)) return { answer: undefined };
    const customer = await services.store.getCustomer(customerId);
    if (!customer || customer.screeningCleared?.includes(clearanceOf(entry))) return { answer: undefined };
    const wallets = entry.severity === 'BLOCK' ? await services.wallets.listByOwner(customerId) : [];
    const order = {
      authority: entry.source,
      actor: caller.subject,
      reason: entry.reason,
      reference: `watchlist:${entry.kind}`,
      caseId,
    };
    const writes = wallets
      .filter((w) => w.status !== 'CLOSED')
      .map((w) => {
        const write = freezeWrite(w, orderOf(services, w, 'FREEZE', 'FROZEN', order));
        if (write instanceof Refusal) throw write;
        return write;
      });
    const at = services.clock.now().toISOString();
    const screening: ScreeningCase = {
      caseId,
      kind: 'SCREENING',
      customerId,
      status: 'OPEN',
      ruleHits: [
        {
          rule: 'watchlistScreening',
          score: screeningScore[entry.severity],
          reason: `The customer's ${entry.kind} is on ${entry.source} with severity ${entry.severity}: ${entry.reason}`,
        },
      ],
      entry,
      // Every wallet it put a freeze order on; one frozen already (`previousStatus` FROZEN) stays
      // frozen under both orders until each is lifted.
      frozenWallets: writes.map((w) => ({
        walletId: w.wallet.walletId,
        previousStatus: w.wallet.status,
        orderId: w.order.orderId,
        frozenAt: w.order.at,
      })),
      createdAt: at,
    };
    const audit = auditRecord(
      services,
      caller,
      'WATCHLIST_SCREENING',
      [caseId, customerId, ...writes.map((w) => w.wallet.walletId)],
      { route, reason: `${entry.severity} ${entry.kind} entry of ${entry.source}: ${entry.reason}`, reference: caseId },
    );
    return {
      commit: {
        at,
        token: `screening:${caseId}`,
        wallets: [],
        system: [],
        walletOrders: writes,
        riskCase: { open: screening },
        audit,
      },
      after: { screening, frozen: writes.filter((w) => w.set).length },
    };
  });
  // As every freeze does, a screening freeze ends the owner's sessions (without saying why).
  if (done?.screening.frozenWallets.length) await revokeSessions(services, customerId);
  return done;
}

/** Runs `work` over `items`, `limit` at a time; every item is tried, then the first failure is thrown. */
async function eachLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await work(items[i]!).then(
        (value): PromiseSettledResult<R> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<R> => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/**
 * POST /v1/ops/watchlist: up to 1,000 entries, more than one transaction holds. The import is
 * audited first (an import that fails half-way is still on record), then the entries are written
 * (from then on every transfer is screened against them), then the customers they name are
 * screened. Repeating an import is harmless: the same entries, nobody screened twice.
 */
export async function importWatchlist(services: Services, caller: Caller, entries: WatchlistEntry[], route: string) {
  const unique = new Set(entries.map((e) => `${e.kind}:${watchlistMacInput(e.kind, e.value)?.value ?? e.value}`)).size;
  await audited(services, caller, 'WATCHLIST_IMPORT', auditSubjects.watchlist, {
    route,
    reason: `${unique} entries from ${[...new Set(entries.map((e) => e.source))].join(', ') || 'none'}`,
  });
  const imported = await services.watchlist.upsert(entries, services.clock.now());
  const opened = await eachLimited(await matches(services, entries), SCREENING_CONCURRENCY, (m) =>
    screen(services, caller, m, route),
  );
  const done = opened.filter((o) => o !== undefined);
  const screened: ScreeningSummary = {
    cases: done.length,
    frozen: done.reduce((n, o) => n + o.frozen, 0),
    review: done.filter((o) => o.screening.entry.severity === 'WARN').length,
  };
  return { imported, screened };
}

/**
 * Whether a FREEZE order other than this case's still holds a wallet frozen: one entered since
 * its freeze began by an operator or an authority, or by another screening case not released.
 */
async function heldElsewhere(services: Services, c: ScreeningCase, walletId: string, since: string) {
  const orders = await services.walletControl.ordersSince(walletId, since);
  for (const o of orders) {
    if (o.action !== 'FREEZE' || o.caseId === c.caseId) continue;
    if (!o.caseId) return true;
    if ((await services.ledger.getCase(o.caseId))?.status !== 'RELEASED') return true;
  }
  return false;
}

/**
 * POST /v1/ops/cases/{caseId}/decision on a screening case (RULES.md §5, §7). RELEASE: a false
 * positive (the customer is not the one listed, e.g. a recycled phone number): the entry is cleared
 * for this customer (transfers no longer count it against them, a later import does not screen
 * them again for it) and the wallets this screening froze are unfrozen, unless another order
 * (an operator's, an authority's, another screening not released) holds them. REJECT: the match is
 * confirmed and what the screening did stands (the wallets stay frozen; a WARN review changes
 * nothing). Once only; the orders, the clearance, the case's closing and the audit record are one
 * transaction.
 */
export async function decideScreeningCase(
  services: Services,
  caller: Caller,
  input: { case: ScreeningCase; decision: 'RELEASE' | 'REJECT'; note: string; route: string },
) {
  const caseId = input.case.caseId;
  return commitWithRetry(services, [], async () => {
    const c = await services.ledger.getCase(caseId);
    if (c?.kind !== 'SCREENING') throw refusals.caseNotFound();
    if (c.status !== 'OPEN') throw refusals.caseDecided(c.status);
    const release = input.decision === 'RELEASE';
    const writes: WalletOrderWrite[] = [];
    const stillFrozen: string[] = [];
    for (const frozen of release ? c.frozenWallets : []) {
      const wallet = await services.wallets.get(frozen.walletId);
      if (wallet?.status !== 'FROZEN') continue;
      if (await heldElsewhere(services, c, wallet.walletId, wallet.frozenAt ?? frozen.frozenAt)) {
        stillFrozen.push(wallet.walletId);
        continue;
      }
      const plan = planUnfreeze(wallet);
      const to = plan.kind === 'unfreeze' ? plan.to : wallet.status;
      const o = orderOf(services, wallet, 'UNFREEZE', to, {
        authority: 'OPERATOR',
        actor: caller.subject,
        reason: `Screening case released as a false positive: ${input.note}`,
        reference: caseId,
        caseId,
      });
      const write = unfreezeWrite(wallet, o);
      if (write instanceof Refusal) throw write;
      writes.push(write);
    }
    const at = services.clock.now().toISOString();
    const status = release ? ('RELEASED' as const) : ('REJECTED' as const);
    const audit = auditRecord(
      services,
      caller,
      'CASE_DECISION',
      [caseId, c.customerId, ...writes.map((w) => w.wallet.walletId)],
      { route: input.route, reason: `${input.decision}: ${input.note}` },
    );
    const decided: ScreeningCase = { ...c, status, decidedBy: caller.subject, note: input.note, decidedAt: at };
    return {
      commit: {
        at,
        token: `screening:${caseId}:decision`,
        wallets: [],
        system: [],
        walletOrders: writes,
        ...(release ? { clearance: { customerId: c.customerId, entry: clearanceOf(c.entry) } } : {}),
        riskCase: { close: { caseId, status, decidedBy: caller.subject, note: input.note, at } },
        audit,
      },
      after: {
        case: caseView(decided),
        wallets: [
          ...writes.map((w) => ({ walletId: w.wallet.walletId, status: w.set!.status })),
          ...stillFrozen.map((walletId) => ({ walletId, status: 'FROZEN' as const })),
        ],
      },
    };
  });
}

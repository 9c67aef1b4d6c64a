import { businessMonth } from '../../domain/calendar.ts';
import { type DevicePolicy, type DeviceProof, isTrustedDevice } from '../../domain/device.ts';
import type { WatchlistSeverity } from '../../domain/risk/features.ts';
import type { RiskInputs } from '../../domain/risk/inputs.ts';
import type { TransferSnapshot } from '../../domain/transfer-machine.ts';
import type { MoneyItems, MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import type { WatchlistKind } from '../../ports/watchlist.ts';

// Reading what the planner needs: everything in as few BatchGetItems as the keys allow (a key
// that depends on an item read, such as the payer's phone for the watch lists, waits for the
// next round), and on a retry only what another request may have changed.

export type Side = 'payer' | 'payee';
export interface WatchKey {
  side: Side;
  kind: WatchlistKind;
  valueHash: string;
}

/** Watch-list entries are keyed by a keyed hash of the value (the list holds no phone or ID numbers). */
export async function watchKeys(
  services: Services,
  wanted: { side: Side; kind: WatchlistKind; value: string | undefined }[],
): Promise<WatchKey[]> {
  const ring = await services.keyRing();
  const present = wanted.filter((w): w is { side: Side; kind: WatchlistKind; value: string } => !!w.value);
  return Promise.all(
    present.map(async (w) => ({
      side: w.side,
      kind: w.kind,
      valueHash: await ring.mac(`watchlist:${w.kind}`, w.value.trim()),
    })),
  );
}

const worst = (severities: WatchlistSeverity[]): WatchlistSeverity | undefined =>
  severities.includes('BLOCK') ? 'BLOCK' : severities.includes('WARN') ? 'WARN' : undefined;

/** The risk engine's inputs from the items read (RULES.md §7). */
export function riskInputs(items: MoneyItems, watched: WatchKey[]): RiskInputs {
  const severityOf = (side: Side) =>
    worst(
      items.watch
        .filter((w) => watched.some((x) => x.side === side && x.kind === w.kind && x.valueHash === w.valueHash))
        .map((w) => w.severity),
    );
  const payer = severityOf('payer');
  const payee = severityOf('payee');
  return {
    profiles: items.riskProfiles,
    ...(items.device
      ? {
          device: {
            ...(items.device.trustedAt ? { trustedAt: items.device.trustedAt } : {}),
            ...(items.device.trustedVia ? { trustedVia: items.device.trustedVia } : {}),
          },
        }
      : {}),
    ...(items.signIn ? { signIn: items.signIn } : {}),
    watch: { ...(payer ? { payer } : {}), ...(payee ? { payee } : {}) },
  };
}

/** Merges a later read into the items of the first: what was read again replaces what was read before. */
export function merged(first: MoneyItems, again: MoneyItems, keys: MoneyKeys): MoneyItems {
  const out: MoneyItems = { ...first, wallets: { ...first.wallets, ...again.wallets } };
  if (keys.transferId) {
    delete out.transfer;
    delete out.refusal;
    if (again.transfer) out.transfer = again.transfer;
    if (again.refusal) out.refusal = again.refusal;
  }
  if (keys.monthly) out.monthlyUsed = again.monthlyUsed;
  if (keys.caseId) {
    delete out.riskCase;
    if (again.riskCase) out.riskCase = again.riskCase;
  }
  return out;
}

/** The month key of the customer's cap counter for `now` (RULES.md §6, Hanoi calendar month). */
export const monthKey = (customerId: string, now: Date) => ({ customerId, month: businessMonth(now) });

/** The calling device as the planner sees it: trusted, and proven by its key where it is bound (RULES.md §4). */
export const callingDevice = (items: MoneyItems, proof: DeviceProof | undefined, policy: DevicePolicy) => ({
  trusted: isTrustedDevice(items.device, proof, policy),
});

/** The snapshot parts every money event shares. */
export function baseSnapshot(
  items: MoneyItems,
  now: Date,
  payerId?: string,
  payeeId?: string,
  device?: { trusted: boolean },
): TransferSnapshot {
  return {
    now,
    ...(items.transfer ? { transfer: items.transfer } : {}),
    ...(items.customer ? { customer: items.customer } : {}),
    ...(device ? { device } : {}),
    ...(payerId && items.wallets[payerId] ? { payer: items.wallets[payerId] } : {}),
    ...(payeeId && items.wallets[payeeId] ? { payee: items.wallets[payeeId] } : {}),
    ...(items.link ? { link: { status: items.link.status } } : {}),
    monthlyUsed: items.monthlyUsed,
    ...(items.riskCase ? { riskCase: items.riskCase } : {}),
  };
}

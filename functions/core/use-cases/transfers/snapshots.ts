import { businessMonth } from '../../domain/calendar.ts';
import type { Customer } from '../../domain/customer.ts';
import { type DevicePolicy, type DeviceProof, isTrustedDevice } from '../../domain/device.ts';
import { watchlistMacInput } from '../../domain/identifiers.ts';
import type { WatchlistSeverity } from '../../domain/risk/features.ts';
import type { RiskInputs } from '../../domain/risk/inputs.ts';
import { isScreeningCase } from '../../domain/risk-case.ts';
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

/** A value to screen: plain (hashed here), or already the keyed hash (a customer's `identity.idNumberHash`). */
export type Watched =
  | { side: Side; kind: WatchlistKind; value: string | undefined }
  | { side: Side; kind: WatchlistKind; valueHash: string | undefined };

/**
 * Watch-list entries are keyed by a keyed hash of the canonical value (the list holds no phone or
 * ID numbers): each value is brought to its canonical form first, as the import does
 * (functions/core/domain/identifiers.ts `watchlistMacInput`), so `0912 345 678`, `84912345678`
 * and `+84912345678` are one key. A value that is no identifier of its kind has no entry.
 */
export async function watchKeys(services: Services, wanted: Watched[]): Promise<WatchKey[]> {
  const ring = await services.keyRing();
  const keys = await Promise.all(
    wanted.map(async (w): Promise<WatchKey | undefined> => {
      if ('valueHash' in w) return w.valueHash ? { side: w.side, kind: w.kind, valueHash: w.valueHash } : undefined;
      const input = w.value === undefined ? undefined : watchlistMacInput(w.kind, w.value);
      return input ? { side: w.side, kind: w.kind, valueHash: await ring.mac(input.purpose, input.value) } : undefined;
    }),
  );
  return keys.filter((k): k is WatchKey => k !== undefined);
}

/**
 * Every identifier of a customer the lists may name (RULES.md §5: a payee is screened by all its
 * identifiers): the phone it signs in with, an organisation's declared phone, and the ID number of
 * the individual or of an organisation's legal representative (the person who controls its
 * wallets), by the keyed hash it is kept under: no decryption. An enterprise code is no ID_NUMBER
 * and is not screened (the lists name people's ID documents).
 */
export const identifiersOf = (side: Side, customer: Customer | undefined): Watched[] =>
  customer
    ? [
        { side, kind: 'PHONE', value: customer.phoneNumber },
        { side, kind: 'PHONE', value: customer.organization?.phoneNumber },
        { side, kind: 'ID_NUMBER', valueHash: customer.identity?.idNumberHash },
      ]
    : [];

/** The same item asked for once in a read (two written forms, two sides). */
export const readOnce = (watched: WatchKey[]) => [
  ...new Map(watched.map((w) => [`${w.kind}#${w.valueHash}`, { kind: w.kind, valueHash: w.valueHash }])).values(),
];

/** How a customer's clearance of a list entry (a screening case released as a false positive) is written. */
export const clearanceOf = (w: { kind: WatchlistKind; valueHash: string }) => `${w.kind}#${w.valueHash}`;

const worst = (severities: WatchlistSeverity[]): WatchlistSeverity | undefined =>
  severities.includes('BLOCK') ? 'BLOCK' : severities.includes('WARN') ? 'WARN' : undefined;

/**
 * The risk engine's inputs from the items read (RULES.md §7). `cleared` holds, per side, the
 * entries an operator found to be a false positive for that side's customer (a screening case
 * RELEASEd): those do not count against that customer.
 */
export function riskInputs(
  items: MoneyItems,
  watched: WatchKey[],
  cleared: Partial<Record<Side, readonly string[] | undefined>> = {},
): RiskInputs {
  const severityOf = (side: Side) =>
    worst(
      items.watch
        .filter((w) => watched.some((x) => x.side === side && x.kind === w.kind && x.valueHash === w.valueHash))
        .filter((w) => !cleared[side]?.includes(clearanceOf(w)))
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
  if (keys.monthly) {
    out.monthlyUsed = again.monthlyUsed;
    out.essentialUsed = again.essentialUsed;
  }
  if (keys.caseId) {
    delete out.riskCase;
    if (again.riskCase) out.riskCase = again.riskCase;
  }
  if (keys.paymentRequestId) {
    delete out.paymentRequest;
    if (again.paymentRequest) out.paymentRequest = again.paymentRequest;
  }
  if (keys.originalTransferId) {
    delete out.original;
    if (again.original) out.original = again.original;
  }
  return out;
}

/** What a merchant's payment or refund names besides its wallets: read with them, and again on a conflict. */
export const merchantKeys = (t: { paymentRequestId?: string; originalTransferId?: string }): MoneyKeys => ({
  ...(t.paymentRequestId ? { paymentRequestId: t.paymentRequestId } : {}),
  ...(t.originalTransferId ? { originalTransferId: t.originalTransferId } : {}),
});

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
    essentialUsed: items.essentialUsed,
    ...(items.paymentRequest ? { paymentRequest: items.paymentRequest } : {}),
    ...(items.original ? { original: items.original } : {}),
    ...(items.riskCase && !isScreeningCase(items.riskCase) ? { riskCase: items.riskCase } : {}),
    ...(items.nameInquiry ? { nameInquiry: items.nameInquiry } : {}),
  };
}

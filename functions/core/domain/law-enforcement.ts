import type { CustomerKind, CustomerStatus } from './customer.ts';
import { hanoiDayRange } from './large-value.ts';
import type { StatementEntry } from './ledger.ts';
import type { WalletStatus } from './wallet.ts';

// Requests of competent authorities (RULES.md §7; Decree 52 Art. 11; Circular 40 Art. 28): a
// written FREEZE order freezes every wallet of its subject; an INFORMATION request is answered from
// the records. The customer is not told (tipping-off). Every such access is audited.

export type LawEnforcementKind = 'INFORMATION' | 'FREEZE';

/** A period bound as given: an instant (ISO 8601 with offset) or a Hanoi business day `YYYY-MM-DD`. */
export type PeriodBound = string;

/** A period as stored: two UTC instants, both included. */
export interface Period {
  from: string;
  to: string;
}

const isDay = (bound: string) => /^\d{4}-\d{2}-\d{2}$/.test(bound);

/**
 * `[from, to]` as UTC instants: a day as `from` starts at its Hanoi midnight, a day as `to` ends at
 * its last millisecond (so `{ from: '2025-03-01', to: '2025-03-31' }` is all of March in Hanoi).
 * Undefined when `from` is after `to`.
 */
export function normalizePeriod(period: { from: PeriodBound; to: PeriodBound }): Period | undefined {
  const from = isDay(period.from) ? hanoiDayRange(period.from).from : new Date(period.from);
  const to = isDay(period.to) ? new Date(hanoiDayRange(period.to).until.getTime() - 1) : new Date(period.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from > to) return undefined;
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Whether `createdAt` lies in the period, both ends included; no period means everything. */
export function withinPeriod(createdAt: string, period: Period | undefined): boolean {
  if (!period) return true;
  const at = new Date(createdAt).getTime();
  return at >= new Date(period.from).getTime() && at <= new Date(period.to).getTime();
}

/** The customers the subject's identifiers name, without repeats; more than one is a contradiction. */
export function resolvedCustomer(candidates: readonly (string | undefined)[]): 'none' | 'ambiguous' | string {
  const found = new Set(candidates.filter((c): c is string => c !== undefined));
  if (found.size === 0) return 'none';
  if (found.size > 1) return 'ambiguous';
  return [...found][0]!;
}

/** The answer to an INFORMATION request, produced from the records (RULES.md §7). */
export interface AnswerPackage {
  customer: {
    customerId: string;
    name?: string;
    /** Only the last digits: the authority names the person, the package need not repeat the number. */
    idNumberMask?: string;
    phoneNumber: string;
    status: CustomerStatus;
    kind: CustomerKind;
    createdAt: string;
    verifiedAt?: string;
  };
  wallets: { walletId: string; status: WalletStatus; balance: number; currency: 'VND'; createdAt: string }[];
  bankLinks: {
    linkId: string;
    walletId: string;
    bankCode: string;
    kind: 'ACCOUNT' | 'CARD';
    maskedNumber: string;
    status: 'ACTIVE' | 'REMOVED';
    createdAt: string;
    removedAt?: string;
  }[];
  statement: { period?: Period; entries: PackageEntry[] };
}

export type PackageEntry = StatementEntry & { walletId: string };

export interface LawEnforcementRequest {
  requestId: string;
  authority: string;
  reference: string;
  kind: LawEnforcementKind;
  /** As received, the ID number masked (its keyed hash found the customer). */
  subject: { walletId?: string; phoneNumber?: string; idNumberMask?: string };
  period?: Period;
  customerId: string;
  status: 'COMPLETED';
  /** The compliance officer who entered it (Cognito `sub`). */
  receivedBy: string;
  receivedAt: string;
  completedAt: string;
  /** FREEZE: what the order did to each wallet of the subject. */
  frozenWallets?: { walletId: string; previousStatus: WalletStatus; status: WalletStatus }[];
  /** INFORMATION: the package, its statement entries included. */
  answer?: AnswerPackage;
}

import { businessDay } from './calendar.ts';
import { Refusal } from './refusals.ts';
import type { Wallet } from './wallet.ts';

// Personal data (RULES.md §9): the Law on Personal Data Protection 91/2025/QH15 with Decree
// 356/2025/ND-CP, both in force 2026-01-01. Consent is recorded per purpose with the notice
// version and the time, never assumed, and withdrawable for optional purposes; a customer may
// obtain a copy of their data (ACCESS) and ask for erasure (DELETE), with a due date kept on every
// request; what AML law needs (Law 14/2022 Art. 40: 5 years) is kept encrypted and restricted.
// Pure: no clock, no I/O.

export const consentPurposes = ['SERVICE', 'MARKETING', 'ANALYTICS'] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

/** Without it there is no service: given at registration, ended only by closing the account. */
export const requiredPurposes: readonly ConsentPurpose[] = ['SERVICE'];

/** The privacy notice the wallet shows now; a client may name the version it showed. */
export const currentNoticeVersion = '2026-01-01';

export interface Consent {
  purpose: ConsentPurpose;
  granted: boolean;
  noticeVersion: string;
  at: string;
}

/**
 * The consents a registration records: SERVICE granted (registering is accepting the service's
 * notice), MARKETING and ANALYTICS granted only when the client says so, off otherwise. A
 * registration that declines SERVICE is refused: it would be an account without its purpose.
 */
export function consentsAtRegistration(
  given: readonly { purpose: ConsentPurpose; granted: boolean }[] | undefined,
  noticeVersion: string,
  at: string,
): Consent[] | Refusal {
  const said = new Map((given ?? []).map((c) => [c.purpose, c.granted]));
  if (said.get('SERVICE') === false) return serviceConsentRequired();
  return consentPurposes.map((purpose) => ({
    purpose,
    granted: requiredPurposes.includes(purpose) ? true : said.get(purpose) === true,
    noticeVersion,
    at,
  }));
}

export const serviceConsentRequired = () =>
  new Refusal(
    'service-consent-required',
    'Consent to the SERVICE purpose cannot be withdrawn: closing the account (a DELETE data request) is how it ends.',
  );

/** A change of consent, or why it cannot be made (withdrawing a required purpose). */
export function consentChange(
  purpose: ConsentPurpose,
  granted: boolean,
  noticeVersion: string,
  at: string,
): Consent | Refusal {
  if (!granted && requiredPurposes.includes(purpose)) return serviceConsentRequired();
  return { purpose, granted, noticeVersion, at };
}

/** Every purpose's current state: one never recorded is not given (consent is never assumed). */
export function consentView(recorded: readonly Consent[]): Consent[] {
  const byPurpose = new Map(recorded.map((c) => [c.purpose, c]));
  return consentPurposes.map(
    (purpose) => byPurpose.get(purpose) ?? { purpose, granted: false, noticeVersion: '', at: '' },
  );
}

export type DataRequestKind = 'ACCESS' | 'DELETE';
export type DataRequestStatus = 'OPEN' | 'COMPLETED' | 'REFUSED';

export interface DataRequest {
  requestId: string;
  customerId: string;
  kind: DataRequestKind;
  status: DataRequestStatus;
  createdAt: string;
  /** When the answer is due (configuration: `DATA_REQUEST_DUE_DAYS`). */
  dueAt: string;
  completedAt?: string;
  /** Why a DELETE was refused (`account-has-balance`, `wallet-frozen`). */
  refusal?: { reason: string; detail: string };
  /** ACCESS: the export's encrypted parts (the export itself is read back with the request). */
  exportParts?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The due instant of a request made at `at`, `days` calendar days later (72 hours by default). */
export const dataRequestDueAt = (at: Date, days: number): string =>
  new Date(at.getTime() + days * DAY_MS).toISOString();

export const dataRequestView = (r: DataRequest) => ({
  requestId: r.requestId,
  kind: r.kind,
  status: r.status,
  dueAt: r.dueAt,
  createdAt: r.createdAt,
  ...(r.completedAt ? { completedAt: r.completedAt } : {}),
  ...(r.refusal ? { refusal: r.refusal } : {}),
});

/** Law 14/2022 Art. 40 (RULES.md §8): AML records are kept 5 years after the relationship ends. */
export const amlRetentionYears = 5;

/** The Hanoi day from which an erased customer's retained record may be deleted. */
export function retentionEnds(closedAt: Date): string {
  const until = new Date(closedAt.getTime());
  until.setUTCFullYear(until.getUTCFullYear() + amlRetentionYears);
  return businessDay(new Date(until.getTime() + DAY_MS));
}

/**
 * Whether a customer may be erased now (API.md v1.1 "Personal data"): not while any wallet holds
 * money or has a transfer in flight (`account-has-balance`), nor while an authority's or an
 * operator's freeze holds a wallet (the freeze would be undone by closing it).
 */
export function erasureRefusal(wallets: readonly Wallet[], transfersInFlight: number): Refusal | undefined {
  const holding = wallets.filter((w) => w.status !== 'CLOSED' && w.balance !== 0);
  if (holding.length > 0 || transfersInFlight > 0) {
    return new Refusal(
      'account-has-balance',
      'The account cannot be closed while a wallet holds money or has a transfer in flight: withdraw the balance first.',
      {
        walletsWithBalance: holding.map((w) => ({ walletId: w.walletId, balance: w.balance })),
        transfersInFlight,
      },
    );
  }
  if (wallets.some((w) => w.status === 'FROZEN')) {
    return new Refusal('wallet-frozen', 'The account cannot be closed while a wallet is frozen.');
  }
  return undefined;
}

// The staff audit trail (RULES.md §9, Law 91/2025 on personal data: every read by staff is
// audited; RULES.md §8: records are kept at least 5 years). Entries are appended, never changed:
// the functions that write them may only PutItem on the audit table.

export const auditActions = [
  'WALLET_FREEZE',
  'WALLET_UNFREEZE',
  'WATCHLIST_IMPORT',
  'WATCHLIST_SCREENING',
  'CASE_DECISION',
  'CASES_READ',
  'LAW_ENFORCEMENT_REQUEST',
  'LAW_ENFORCEMENT_REQUEST_READ',
  'REPORT_READ',
  'RECONCILIATION_READ',
  'AUDIT_READ',
  // The rules of 2026: a phone change (Circular 77/2025, by its owner), a suspicious-transaction
  // report (RULES.md §8), an erasure and its retained record (RULES.md §9, Law 91/2025).
  'PHONE_CHANGE',
  'SUSPICIOUS_TRANSACTION_REPORT',
  'DATA_ERASURE',
  'DATA_REQUESTS_READ',
  'RETAINED_DATA_READ',
  'RETENTION_DELETE',
  // Staff sign-in to the operations console (RULES.md §4, §9): each success and each refusal.
  'STAFF_SIGN_IN',
  'STAFF_SIGN_IN_REFUSED',
  // An operator's look-up of a wallet (the operations console), before a freeze or unfreeze.
  'WALLET_READ',
  // A busy wallet's inbox shards set by an operator (docs/merchants.md "A busy merchant's inbox").
  'WALLET_INBOX_CONFIG',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Why staff did it: the route, and the reason and reference they gave (a ticket, an order number). */
export interface AuditPurpose {
  route: string;
  reason?: string;
  reference?: string;
}

export interface AuditEntry {
  auditId: string;
  /** The staff member: the Cognito `sub` of the operator's access token. */
  actor: string;
  /** The Cognito groups the actor acted under. */
  actorGroups: string[];
  action: AuditAction;
  /** What the entry is filed under (`GET /v1/ops/audit?subject=`): a wallet, customer, request id… */
  subject: string;
  /** Every subject the same action touched (one entry is filed under each). */
  subjects: string[];
  purpose: AuditPurpose;
  at: string;
}

/** Subjects that are not an entity id. */
export const auditSubjects = {
  watchlist: 'watchlist',
  safeguarding: 'reconciliation:safeguarding',
  switchReconciliation: 'reconciliation:switch',
  largeValueReport: 'report:large-value',
  suspiciousReports: 'report:suspicious',
} as const;

/**
 * When DynamoDB may expire an entry: 5 years and 30 days after it was written (RULES.md §8 keeps
 * records at least 5 years; the 30 days cover an audit that starts on the last day).
 */
export function auditExpiry(at: Date): Date {
  const until = new Date(at.getTime());
  until.setUTCFullYear(until.getUTCFullYear() + 5);
  return new Date(until.getTime() + 30 * 24 * 60 * 60 * 1000);
}

/** The TTL attribute value (epoch seconds) for an entry written at `at`. */
export const auditTtl = (at: Date): number => Math.floor(auditExpiry(at).getTime() / 1000);

import type { AuditRecord } from '../domain/commit-plan.ts';
import type { Customer } from '../domain/customer.ts';
import type { Consent, DataRequest, DataRequestStatus } from '../domain/personal-data.ts';
import type { PhoneChange } from '../domain/phone-change.ts';
import type { Transfer } from '../domain/transfer.ts';
import type { Wallet } from '../domain/wallet.ts';
import type { Device } from './onboarding-store.ts';

/** One try on a pending phone change: taken, or refused (unusable: unknown, done or expired; exhausted: 5 tries). */
export type PhoneChangeTry = { ok: true; change: PhoneChange } | { ok: false };

/** An authentication event as kept (RULES.md §4): what the export shows the customer. */
export interface AuthEvent {
  kind: string;
  deviceId: string;
  trusted: boolean;
  appVersion?: string;
  at: string;
}

/**
 * Closing a customer's account on erasure (RULES.md §9), as one transaction: every wallet CLOSED
 * (at the version read, with a zero balance: money that arrived meanwhile stops it), the customer
 * reduced to what AML law keeps (encrypted, `retainedEnc`) and filed for deletion on `retainUntil`,
 * the phone guard deleted (the number may be registered again), the DELETE request and its audit.
 */
export interface Erasure {
  /** As read: the write holds only while its status and phone number are still these. */
  customer: Customer;
  wallets: Wallet[];
  closedAt: string;
  retainedEnc: string;
  retainUntil: string;
  /** Uniqueness guards kept for compliance look-ups (an ID number's keyed hash), deleted with the record. */
  retainedGuards: { kind: 'IDENTITY' | 'ENTERPRISE'; value: string }[];
  request: DataRequest;
  audit: AuditRecord;
}

/**
 * The customer's own record beyond onboarding: phone-number changes (Circular 77/2025) and
 * personal-data rights (Law 91/2025): consents, ACCESS and DELETE requests, erasure, retention.
 */
export interface ProfileStore {
  createPhoneChange(change: PhoneChange): Promise<void>;
  getPhoneChange(customerId: string, changeId: string): Promise<PhoneChange | undefined>;
  /** Takes one try atomically (before any factor is checked) if the change is pending and alive. */
  usePhoneChangeAttempt(customerId: string, changeId: string, now: Date): Promise<PhoneChangeTry>;
  /**
   * The number moves in one transaction: the new number's guard created only if absent, the old
   * one deleted, the customer's number changed (if still the old one), the change marked DONE
   * (if still PENDING), the audit record written. `phone-taken`: another customer holds the new
   * number; `stale`: the customer or the change is no longer as read.
   */
  commitPhoneChange(change: PhoneChange, audit: AuditRecord, at: string): Promise<'changed' | 'phone-taken' | 'stale'>;

  consents(customerId: string): Promise<Consent[]>;
  /** The purpose's state and a line of its history, together. */
  recordConsent(customerId: string, consent: Consent): Promise<void>;

  createDataRequest(request: DataRequest): Promise<void>;
  getDataRequest(customerId: string, requestId: string): Promise<DataRequest | undefined>;
  /** Every request of one customer. */
  dataRequestsOf(customerId: string): Promise<DataRequest[]>;
  /** COMPLETED at `at`; an ACCESS request's encrypted export parts are written first. */
  completeDataRequest(request: DataRequest, at: string, exportParts?: string[]): Promise<void>;
  exportParts(request: DataRequest): Promise<string[]>;
  /** Requests by status, the soonest due first (the operators' list). */
  listDataRequests(
    status: DataRequestStatus,
    limit: number,
    cursor?: string,
  ): Promise<{ items: DataRequest[]; nextCursor?: string }>;

  devices(customerId: string): Promise<Device[]>;
  authEvents(customerId: string): Promise<AuthEvent[]>;
  /** Transfers by id, read in batches (what a customer's statements name). */
  transfers(transferIds: readonly string[]): Promise<Transfer[]>;

  /** Transfers not yet settled that may still move money into or out of these wallets (held, at the bank or the switch). */
  transfersInFlight(walletIds: readonly string[]): Promise<number>;
  /** One transaction (see Erasure); `changed` when a wallet or the customer moved meanwhile: nothing written. */
  erase(erasure: Erasure): Promise<'erased' | 'changed'>;
  /** After erasure: device secrets and keys, and the wallets' risk profiles (behaviour AML law does not need). */
  scrubAfterErasure(customerId: string, walletIds: readonly string[]): Promise<void>;

  /** Erased customers whose retention ends on this Hanoi day. */
  retentionEndingOn(day: string): Promise<string[]>;
  /** Deletes everything of an erased customer: its partition, its wallets' partitions, its guards. Returns the items deleted. */
  deleteRetained(customerId: string): Promise<number>;
}

import type { NameInquiry } from '../domain/name-inquiry.ts';

/** Name inquiries at the switch, kept for the transfer that follows (read back through the ledger's batch read). */
export interface NameInquiries {
  save(inquiry: NameInquiry): Promise<void>;
}

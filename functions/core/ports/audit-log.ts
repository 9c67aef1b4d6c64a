import type { AuditEntry } from '../domain/audit.ts';

/** The append-only staff audit trail (RULES.md §9). No method changes or removes an entry. */
export interface AuditLog {
  /** Files the entry under each of `entry.subjects`; fails rather than overwrite anything. */
  append(entry: Omit<AuditEntry, 'subject'>): Promise<void>;
  /** The entries filed under a subject, newest first. */
  list(subject: string, limit: number, cursor?: string): Promise<{ items: AuditEntry[]; nextCursor?: string }>;
}

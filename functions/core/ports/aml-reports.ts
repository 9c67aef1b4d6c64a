import type { AuditRecord } from '../domain/commit-plan.ts';
import type { SuspiciousReport, SuspiciousReportStatus } from '../domain/suspicious-report.ts';

/** Suspicious-transaction reports (RULES.md §8): kept with their due dates for compliance. */
export interface AmlReportStore {
  /**
   * In one transaction: the case marked with the report (once: `already-reported` when it was),
   * the report written, its audit record. `case-not-found`: no such case.
   */
  reportCase(report: SuspiciousReport, audit: AuditRecord): Promise<'reported' | 'already-reported' | 'case-not-found'>;
  /** Reports by status, the soonest due first. */
  listSuspicious(
    status: SuspiciousReportStatus,
    limit: number,
    cursor?: string,
  ): Promise<{ items: SuspiciousReport[]; nextCursor?: string }>;
}

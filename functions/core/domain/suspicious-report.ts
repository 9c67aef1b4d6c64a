import { workingDayDeadline } from './working-days.ts';

// Suspicious-transaction reports (RULES.md §8: Law 14/2022 on AML Art. 26, Decree 19/2023,
// Circular 27/2025): once staff judge a held transfer suspicious, a report is due to the State
// Bank's AML department within N working days of that detection (3; 1 where the law says so: the
// figure is configuration, `STR_DUE_WORKING_DAYS`). The wallet keeps the report record and its
// due date for the compliance officers who file it. Pure.

export type SuspiciousReportStatus = 'OPEN' | 'FILED';

export interface SuspiciousReport {
  reportId: string;
  /** The risk case of the held transfer it is about. */
  caseId: string;
  transferId: string;
  walletId: string;
  customerId: string;
  amount: number;
  /** Why staff found it suspicious, in their words; and the rules the risk engine saw. */
  reason: string;
  ruleHits: { rule: string; score: number; reason: string }[];
  /** When it was judged suspicious: the deadline counts from here. */
  detectedAt: string;
  /** The Hanoi day it is due, and the last instant of that day. */
  dueDate: string;
  dueAt: string;
  status: SuspiciousReportStatus;
  /** The staff member (Cognito `sub`) who judged it. */
  reportedBy: string;
}

/** The report of a held transfer's case judged suspicious at `detectedAt`. */
export function suspiciousReportOf(
  c: {
    caseId: string;
    transferId: string;
    walletId: string;
    customerId: string;
    amount: number;
    ruleHits: SuspiciousReport['ruleHits'];
  },
  input: {
    reportId: string;
    reason: string;
    reportedBy: string;
    detectedAt: Date;
    workingDays: number;
    holidays?: readonly string[];
  },
): SuspiciousReport {
  const { dueDate, dueAt } = workingDayDeadline(input.detectedAt, input.workingDays, input.holidays);
  return {
    reportId: input.reportId,
    caseId: c.caseId,
    transferId: c.transferId,
    walletId: c.walletId,
    customerId: c.customerId,
    amount: c.amount,
    reason: input.reason,
    ruleHits: c.ruleHits,
    detectedAt: input.detectedAt.toISOString(),
    dueDate,
    dueAt,
    status: 'OPEN',
    reportedBy: input.reportedBy,
  };
}

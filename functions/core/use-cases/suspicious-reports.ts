import { ulid } from 'ulid';
import { auditSubjects } from '../domain/audit.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import { isScreeningCase } from '../domain/risk-case.ts';
import { type SuspiciousReportStatus, suspiciousReportOf } from '../domain/suspicious-report.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import { audited, auditRecord } from './audit.ts';

// RULES.md §8 (Law 14/2022 Art. 26; Circular 27/2025): a held transfer's case judged suspicious
// gives rise to a suspicious-transaction report, due within the configured number of working days
// (Asia/Ho_Chi_Minh, weekends skipped), listed for the compliance officers who file it.

const reported = (reportId: string | undefined) =>
  new Refusal('case-reported', 'This case was already reported as suspicious.', reportId ? { reportId } : {});

/** POST /v1/ops/cases/{caseId}/suspicious: the report, once per case, with its audit record in the same transaction. */
export async function reportSuspicious(
  services: Services,
  caller: Caller,
  input: { caseId: string; reason: string },
  route: string,
) {
  const c = await services.ledger.getCase(input.caseId);
  if (!c) throw refusals.caseNotFound();
  if (isScreeningCase(c)) {
    throw new Refusal('validation-failed', "Only a held transfer's case is reported as a suspicious transaction.", {
      errors: [{ name: 'caseId', reason: 'the case of a held transfer (kind TRANSFER)' }],
    });
  }
  if (c.suspiciousReportId) throw reported(c.suspiciousReportId);
  const now = services.clock.now();
  const report = suspiciousReportOf(c, {
    reportId: ulid(now.getTime()),
    reason: input.reason,
    reportedBy: caller.subject,
    detectedAt: now,
    workingDays: services.deadlines.suspiciousReportWorkingDays,
  });
  const audit = auditRecord(
    services,
    caller,
    'SUSPICIOUS_TRANSACTION_REPORT',
    [report.reportId, c.caseId, c.transferId, c.walletId, c.customerId],
    { route, reason: input.reason },
  );
  const outcome = await services.amlReports.reportCase(report, audit);
  if (outcome === 'case-not-found') throw refusals.caseNotFound();
  if (outcome === 'already-reported') {
    const again = await services.ledger.getCase(input.caseId);
    throw reported(again && !isScreeningCase(again) ? again.suspiciousReportId : undefined);
  }
  return report;
}

/** GET /v1/ops/reports/suspicious?status=: the reports, soonest due first; the read is audited first. */
export async function listSuspiciousReports(
  services: Services,
  caller: Caller,
  query: { status: SuspiciousReportStatus; limit: number; cursor?: string },
  route: string,
) {
  const page = await services.amlReports.listSuspicious(query.status, query.limit, query.cursor);
  await audited(
    services,
    caller,
    'REPORT_READ',
    [auditSubjects.suspiciousReports, ...page.items.map((r) => r.reportId)],
    {
      route,
      reason: `suspicious-transaction reports ${query.status}`,
    },
  );
  return page;
}

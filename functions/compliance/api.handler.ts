import { z } from 'zod';
import { container } from '../core/container.ts';
import { auditSubjects } from '../core/domain/audit.ts';
import { auditPageAnswer, largeValueReportAnswer, lawEnforcementRequestAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { suspiciousReportListAnswer } from '../core/http/regulation-answers.ts';
import { created, ok } from '../core/http/result.ts';
import { isoDate, pageQuery } from '../core/http/validation.ts';
import { audited, auditTrail } from '../core/use-cases/audit.ts';
import { largeValueReport } from '../core/use-cases/large-value-report.ts';
import {
  getLawEnforcementRequest,
  receiveLawEnforcementRequest,
  requestSubjects,
} from '../core/use-cases/law-enforcement.ts';
import { listSuspiciousReports } from '../core/use-cases/suspicious-reports.ts';
import { phoneNumber } from '../onboarding/schemas.ts';

// The `compliance` group's routes (RULES.md §7–9): law-enforcement requests, the large-value
// report and the staff audit trail. Every one of them is audited before it answers.

const text = (max: number) => z.string().trim().min(1).max(max);
/** A Hanoi business day `YYYY-MM-DD`, or an instant with its offset. */
const periodBound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const lawEnforcementBody = z.strictObject({
  authority: text(200),
  reference: text(100),
  kind: z.enum(['INFORMATION', 'FREEZE']),
  subject: z
    .strictObject({
      walletId: z.string().min(1).max(64).optional(),
      phoneNumber: phoneNumber.optional(),
      idNumber: z
        .string()
        .trim()
        .regex(/^\d{9,12}$/, 'a 12-digit CCCD (or 9-digit CMND) number')
        .optional(),
    })
    .refine((s) => s.walletId !== undefined || s.phoneNumber !== undefined || s.idNumber !== undefined, {
      message: 'name the subject by walletId, phoneNumber or idNumber',
    }),
  period: z.strictObject({ from: periodBound, to: periodBound }).optional(),
});

export const handler = apiHandler('compliance', {
  'POST /v1/ops/law-enforcement-requests': endpoint({
    summary: "Receive an authority's request: FREEZE executes it, INFORMATION is answered at once",
    body: lawEnforcementBody,
    idempotent: true,
    answers: { 201: lawEnforcementRequestAnswer },
    refusals: ['validation-failed', 'subject-not-found', 'subject-mismatch', 'wallet-busy'],
    // The request, its freezes and its audit record are one transaction.
    handle: async ({ body, caller }) =>
      created(await receiveLawEnforcementRequest(container(), caller, body, 'POST /v1/ops/law-enforcement-requests')),
  }),
  'GET /v1/ops/law-enforcement-requests/{requestId}': endpoint({
    summary: 'A law-enforcement request and its answer package',
    answers: { 200: lawEnforcementRequestAnswer },
    refusals: ['request-not-found'],
    handle: async ({ caller, params }) => {
      const request = await getLawEnforcementRequest(container(), params.requestId!);
      await audited(container(), caller, 'LAW_ENFORCEMENT_REQUEST_READ', requestSubjects(request), {
        route: 'GET /v1/ops/law-enforcement-requests/{requestId}',
        reason: `${request.kind} request of ${request.authority}`,
        reference: request.reference,
      });
      return ok(request);
    },
  }),
  'GET /v1/ops/reports/large-value': endpoint({
    summary: 'Transfers of 500,000,000 VND or more completed on a Hanoi day',
    query: z.object({ date: isoDate }),
    answers: { 200: largeValueReportAnswer },
    handle: async ({ caller, query }) => {
      const report = await largeValueReport(container(), query.date);
      // Filed under the report and under every wallet and customer it shows (their details in full).
      const wallets = report.items.flatMap((i) => (i.toWalletId ? [i.walletId, i.toWalletId] : [i.walletId]));
      const customers = report.items.flatMap((i) => [i.sender.customerId, i.receiver.customerId]);
      const shown = [...wallets, ...customers].filter((s): s is string => s !== undefined);
      await audited(container(), caller, 'REPORT_READ', [auditSubjects.largeValueReport, ...shown], {
        route: 'GET /v1/ops/reports/large-value',
        reason: `large-value report of ${query.date}`,
      });
      return ok(report);
    },
  }),
  'GET /v1/ops/reports/suspicious': endpoint({
    summary: 'Suspicious-transaction reports to file, the soonest due first',
    description:
      'RULES.md §8 (Circular 27/2025): each is due within the configured number of working days of the detection (Asia/Ho_Chi_Minh, weekends skipped).',
    query: z.object({ status: z.enum(['OPEN', 'FILED']).default('OPEN'), ...pageQuery.shape }),
    answers: { 200: suspiciousReportListAnswer },
    handle: async ({ caller, query }) =>
      ok(await listSuspiciousReports(container(), caller, query, 'GET /v1/ops/reports/suspicious')),
  }),
  'GET /v1/ops/audit': endpoint({
    summary: 'Who read or changed what about a subject, newest first',
    answers: { 200: auditPageAnswer },
    query: z.object({ subject: z.string().trim().min(1).max(200), ...pageQuery.shape }),
    handle: async ({ caller, query }) => ok(await auditTrail(container(), caller, query, 'GET /v1/ops/audit')),
  }),
});

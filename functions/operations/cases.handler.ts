import { z } from 'zod';
import { container } from '../core/container.ts';
import { caseDecisionAnswer, caseListAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { suspiciousReportCreatedAnswer } from '../core/http/regulation-answers.ts';
import { created, ok } from '../core/http/result.ts';
import { audited } from '../core/use-cases/audit.ts';
import { decideQueuedCase, listCases } from '../core/use-cases/risk-cases.ts';
import { reportSuspicious } from '../core/use-cases/suspicious-reports.ts';

export const decisionBody = z.strictObject({
  decision: z.enum(['RELEASE', 'REJECT']),
  note: z.string().trim().min(1).max(1000),
});

const casesQuery = z.object({
  status: z.enum(['OPEN', 'RELEASED', 'REJECTED']).default('OPEN'),
  // API.md lists held transfers here; screening cases (no transfer) only when asked for.
  kind: z.enum(['TRANSFER', 'SCREENING', 'ALL']).default('TRANSFER'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(1024).optional(),
});

export const handler = apiHandler('riskCases', {
  'GET /v1/ops/cases': endpoint({
    summary: 'The review queue: transfers held (default), customers screened (kind=SCREENING) or both (kind=ALL)',
    query: casesQuery,
    answers: { 200: caseListAnswer },
    refusals: ['validation-failed'],
    handle: async ({ caller, query }) => {
      const page = await listCases(container(), query.status, query.limit, query.cursor, query.kind);
      await audited(container(), caller, 'CASES_READ', `cases:${query.status}`, { route: 'GET /v1/ops/cases' });
      return ok(page);
    },
  }),
  'POST /v1/ops/cases/{caseId}/decision': endpoint({
    summary: 'Release or reject a case',
    body: decisionBody,
    idempotent: 'optional',
    answers: { 200: caseDecisionAnswer },
    refusals: [
      'case-not-found',
      'case-decided',
      'wallet-closed',
      'payee-not-active',
      'wallet-frozen',
      'insufficient-funds',
      'monthly-limit-exceeded',
      'wallet-busy',
    ],
    // The decision and its audit record commit in one transaction (functions/core/use-cases/risk-cases.ts;
    // a screening case: functions/core/use-cases/watchlist.ts).
    handle: async ({ body, caller, params }) =>
      ok(
        await decideQueuedCase(container(), caller, {
          caseId: params.caseId!,
          ...body,
          route: 'POST /v1/ops/cases/{caseId}/decision',
        }),
      ),
  }),
  'POST /v1/ops/cases/{caseId}/suspicious': endpoint({
    summary: "Judge a held transfer's case suspicious: a suspicious-transaction report with its due date",
    description:
      'RULES.md §8 (Circular 27/2025): due within the configured number of working days (Asia/Ho_Chi_Minh, weekends skipped); listed for compliance at GET /v1/ops/reports/suspicious. Once per case; the report and its audit record commit together.',
    body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
    idempotent: 'optional',
    answers: { 201: suspiciousReportCreatedAnswer },
    refusals: ['case-not-found', 'case-reported', 'validation-failed'],
    handle: async ({ body, caller, params }) =>
      created(
        await reportSuspicious(
          container(),
          caller,
          { caseId: params.caseId!, reason: body.reason },
          'POST /v1/ops/cases/{caseId}/suspicious',
        ),
      ),
  }),
});

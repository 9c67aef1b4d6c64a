import { z } from 'zod';
import { container } from '../core/container.ts';
import { caseDecisionAnswer, caseListAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';
import { audited } from '../core/use-cases/audit.ts';
import { decideQueuedCase, listCases } from '../core/use-cases/risk-cases.ts';

export const decisionBody = z.strictObject({
  decision: z.enum(['RELEASE', 'REJECT']),
  note: z.string().trim().min(1).max(1000),
});

const casesQuery = z.object({
  status: z.enum(['OPEN', 'RELEASED', 'REJECTED']).default('OPEN'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(1024).optional(),
});

export const handler = apiHandler('riskCases', {
  'GET /v1/ops/cases': endpoint({
    summary: 'The review queue: transfers held and customers screened',
    query: casesQuery,
    answers: { 200: caseListAnswer },
    refusals: ['validation-failed'],
    handle: async ({ caller, query }) => {
      const page = await listCases(container(), query.status, query.limit, query.cursor);
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
});

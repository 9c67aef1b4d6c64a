import { healthAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';

export const handler = apiHandler('platform', {
  'GET /health': endpoint({
    summary: 'Whether the API answers',
    answers: { 200: healthAnswer },
    handle: async () => ok({ status: 'ok' as const }),
  }),
});

import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';

export const handler = apiHandler('platform', {
  'GET /health': endpoint({ handle: async () => ok({ status: 'ok' }) }),
});

import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { api, register, staff } from './client.ts';

// API.md "Errors": bad input never yields a 5xx. Every route of the route table gets malformed
// bodies, wrong types and unknown ids, as the right kind of caller.

const bodies = [
  '{"broken": ',
  'null',
  '[]',
  '"text"',
  '42',
  '{"unknown":true}',
  JSON.stringify({ amount: -1, type: 'P2P' }),
];

describe('every route answers bad input with a 4xx problem', () => {
  it('never answers 5xx', { timeout: 180_000 }, async () => {
    const customer = await register();
    const ops = await staff(['operators', 'compliance']);
    const failures: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/\{(\w+)\}/g, 'no-such-$1');
      const token =
        route.access === 'customer'
          ? customer.token
          : route.access === 'operators' || route.access === 'compliance' || route.access === 'staff'
            ? ops.token
            : undefined;
      const headers = { 'x-device-id': customer.device, 'idempotency-key': `bad-${Math.random()}` };
      const tries = route.method === 'GET' || route.method === 'DELETE' ? ['?limit=abc&cursor=%%&date=nope'] : bodies;
      for (const t of tries) {
        const r =
          route.method === 'GET' || route.method === 'DELETE'
            ? await api(route.method, `${path}${t}`, { ...(token ? { token } : {}), headers })
            : await api(route.method, path, { raw: t, ...(token ? { token } : {}), headers });
        if (r.status >= 500 || r.status < 400) {
          if (!(r.status < 400 && (route.path === '/health' || route.method === 'GET')))
            failures.push(`${route.method} ${route.path} ${t} → ${r.status}`);
        } else if (!r.contentType.includes('application/problem+json'))
          failures.push(`${route.method} ${route.path} ${t} → ${r.status} not a problem`);
      }
    }
    expect(failures).toEqual([]);
  });

  // Ids longer than any the wallet hands out (DynamoDB would refuse them as keys): 404, as unknown ids.
  it('answers an id of 2,100 characters in any path parameter with a 4xx problem', { timeout: 180_000 }, async () => {
    const customer = await register();
    const ops = await staff(['operators', 'compliance']);
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.path.includes('{'))) {
      const path = route.path.replace(/\{(\w+)\}/g, () => 'x'.repeat(2_100));
      const token =
        route.access === 'customer'
          ? customer.token
          : ['operators', 'compliance', 'staff'].includes(route.access)
            ? ops.token
            : undefined;
      const headers = { 'x-device-id': customer.device, 'idempotency-key': `long-${Math.random()}` };
      const r =
        route.method === 'GET' || route.method === 'DELETE'
          ? await api(route.method, path, { ...(token ? { token } : {}), headers })
          : await api(route.method, path, { body: {}, ...(token ? { token } : {}), headers });
      if (r.status >= 500 || r.status < 400 || !r.contentType.includes('application/problem+json'))
        failures.push(`${route.method} ${route.path} → ${r.status}`);
    }
    expect(failures).toEqual([]);
  });
});

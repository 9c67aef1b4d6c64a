import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { generatedOpenApi } from '../support/openapi.ts';

describe('docs/openapi.json', () => {
  it('is what the code generates (run `npm run openapi` after changing a route or schema)', async () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(await generatedOpenApi())));
  });

  it('documents every route of the route table', async () => {
    const doc = await generatedOpenApi();
    for (const r of routes) expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
  });

  it('rejects unknown members in request bodies (additionalProperties: false)', async () => {
    const doc = await generatedOpenApi();
    const body = (doc.paths['/v1/registrations']!.post as any).requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
  });
});

import type { Endpoint } from '../../functions/core/http/api-handler.ts';
import { openApiDocument } from '../../functions/core/http/openapi.ts';
import { capabilities } from '../../functions/routes.ts';

/** Loads every capability's endpoint table and builds the OpenAPI document from it. */
export async function generatedOpenApi() {
  const all = new Map<string, Endpoint>();
  for (const capability of Object.values(capabilities)) {
    const module = (await import(`../../${capability.entry}`)) as { handler: { endpoints?: Record<string, Endpoint> } };
    for (const [key, endpoint] of Object.entries(module.handler.endpoints ?? {})) all.set(key, endpoint);
  }
  return openApiDocument(all);
}

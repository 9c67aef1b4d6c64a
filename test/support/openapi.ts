import type { Endpoint } from '../../functions/core/http/api-handler.ts';
import { openApiDocument } from '../../functions/core/http/openapi.ts';
import { capabilities } from '../../functions/routes.ts';

/** Every capability's endpoint table, by `METHOD /path`. */
export async function endpointsOfAllCapabilities(): Promise<Map<string, Endpoint>> {
  const all = new Map<string, Endpoint>();
  for (const capability of Object.values(capabilities)) {
    const module = (await import(`../../${capability.entry}`)) as { handler: { endpoints?: Record<string, Endpoint> } };
    for (const [key, endpoint] of Object.entries(module.handler.endpoints ?? {})) all.set(key, endpoint);
  }
  return all;
}

/** Loads every capability's endpoint table and builds the OpenAPI document from it. */
export async function generatedOpenApi() {
  return openApiDocument(await endpointsOfAllCapabilities());
}

/** clients/typescript/schema.ts: the types openapi-typescript generates from the document. */
export async function generatedClientSchema(document: unknown): Promise<string> {
  const { default: openapiTS, astToString, COMMENT_HEADER } = await import('openapi-typescript');
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { alphabetize: false });
  // As the CLI writes it: `npx openapi-typescript docs/openapi.json` gives the same file.
  return COMMENT_HEADER + astToString(ast);
}

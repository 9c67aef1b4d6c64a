// Writes docs/openapi.json from the route table and the handlers' schemas, then the typed client's
// types from it (clients/typescript/schema.ts, openapi-typescript): `npm run openapi`.
import { writeFileSync } from 'node:fs';
import { generatedClientSchema, generatedOpenApi } from '../test/support/openapi.ts';

const document = JSON.parse(JSON.stringify(await generatedOpenApi()));
writeFileSync(new URL('../docs/openapi.json', import.meta.url), `${JSON.stringify(document, null, 2)}\n`);
writeFileSync(new URL('../clients/typescript/schema.ts', import.meta.url), await generatedClientSchema(document));
console.log('docs/openapi.json and clients/typescript/schema.ts written');

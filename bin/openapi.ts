// Writes docs/openapi.json from the route table and the handlers' schemas: `npm run openapi`.
import { writeFileSync } from 'node:fs';
import { generatedOpenApi } from '../test/support/openapi.ts';

writeFileSync(
  new URL('../docs/openapi.json', import.meta.url),
  `${JSON.stringify(await generatedOpenApi(), null, 2)}\n`,
);
console.log('docs/openapi.json written');

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generatedClientSchema } from '../support/openapi.ts';

// clients/typescript: the typed client the mobile app, merchants and the operations console use.
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

describe('clients/typescript', () => {
  it('is what openapi-typescript generates from docs/openapi.json (run `npm run openapi`)', async () => {
    expect(read('clients/typescript/schema.ts')).toBe(
      await generatedClientSchema(JSON.parse(read('docs/openapi.json'))),
    );
  });

  it('has its README example verbatim from example.ts (which `npm run typecheck` checks, casts-free)', () => {
    const example = read('clients/typescript/example.ts');
    expect(read('clients/typescript/README.md')).toContain(`\`\`\`ts\n${example}\`\`\``);
    expect(example).not.toMatch(/\bas (unknown|any|[A-Z]\w*)\b|<any>|@ts-/);
  });

  it('bundles for a browser: nothing it exports imports Node', async () => {
    const out = await build({
      entryPoints: [`${root}clients/typescript/index.ts`],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(out.errors).toEqual([]);
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || /node_modules\/@types\/node/.test(i))).toEqual([]);
    expect(inputs.some((i) => i.includes('openapi-fetch'))).toBe(true);
  });

  it("types POST /v1/transfers' answer as the Transfer, with DOM types only (no @types/node)", () => {
    const dir = `${root}.cache/typed-client`;
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/uses-the-client.ts`;
    writeFileSync(
      file,
      `import { answer, createWalletClient, newIdempotencyKey, type Transfer } from '../../clients/typescript/index.ts';

const wallet = createWalletClient({ baseUrl: 'https://wallet.example', deviceId: 'web-console' });
export async function pay(): Promise<Transfer> {
  const { data, error } = await wallet.POST('/v1/transfers', {
    params: { header: { 'Idempotency-Key': newIdempotencyKey() } },
    body: { type: 'P2P', walletId: 'W1', toPhoneNumber: '0912345678', amount: 50000 },
  });
  if (error) {
    const code: string = error.code;
    throw new Error(code);
  }
  const amount: number = data.amount;
  const status: Transfer['status'] = data.status;
  // @ts-expect-error a member the document does not declare (were the answer \`any\`, this would compile)
  data.customerId;
  // @ts-expect-error Idempotency-Key is required on this operation
  await wallet.POST('/v1/transfers', { body: { type: 'TOPUP', walletId: 'W1', linkId: 'L1', amount } });
  return answer(wallet.GET('/v1/transfers/{transferId}', { params: { path: { transferId: status } } }));
}
`,
    );
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  }, 60_000);
});

import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats, { type FormatsPlugin } from 'ajv-formats';

// The contract check of the e2e suite: every answer the API gives a test is validated against
// docs/openapi.json, the document clients are generated from. An answer whose status the operation
// does not declare, whose content type differs, or whose body does not match the schema (an
// undeclared member included: answer schemas are strict) fails the test that made the call, with
// the route, the status and the offending member in the message. Validators are compiled once
// per operation and status (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it).

// ajv-formats is CommonJS: under Node's ESM its default import is `module.exports`, typed as the namespace.
const addFormats: FormatsPlugin =
  (formats as unknown as { default?: FormatsPlugin }).default ?? (formats as unknown as FormatsPlugin);

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

export interface Answer {
  method: string;
  /** The path called, query included or not. */
  path: string;
  status: number;
  contentType: string;
  /** The parsed JSON body (undefined when empty; the raw text when it is not JSON). */
  body: unknown;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export class Contract {
  readonly #ajv: Ajv2020;
  readonly #operations: Operation[];
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(
    readonly document: { paths: Record<string, Record<string, Operation['responses'] | unknown>> },
    readonly source = 'docs/openapi.json',
  ) {
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema(document as object, 'urn:wallet:openapi');
    this.#operations = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
        responses: (op as { responses: Operation['responses'] }).responses,
      })),
    );
  }

  /** The operation a call hit: the matching template with the fewest parameters (`/wallets` before `/{id}`). */
  operation(method: string, path: string): Operation | undefined {
    const bare = path.split('?')[0]!;
    return this.#operations
      .filter((o) => o.method === method.toUpperCase() && o.pattern.test(bare))
      .sort((a, b) => a.params - b.params)[0];
  }

  #validator(ref: string): ValidateFunction {
    let validate = this.#validators.get(ref);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `urn:wallet:openapi#${ref}` });
      this.#validators.set(ref, validate);
    }
    return validate;
  }

  /** The contract's complaints about one answer; empty when it keeps the contract. */
  violations(answer: Answer): string[] {
    const op = this.operation(answer.method, answer.path);
    const route = op ? `${op.method} ${op.template}` : `${answer.method.toUpperCase()} ${answer.path.split('?')[0]}`;
    if (!op) {
      // Unknown routes answer a problem (404); anything else is a route the document lacks.
      if (answer.status >= 400) return this.#problemViolations(route, answer);
      return [`${route} answered ${answer.status}, but ${this.source} has no such operation (npm run openapi)`];
    }
    const declared = Object.keys(op.responses);
    const key =
      [String(answer.status), `${String(answer.status)[0]}XX`, 'default'].find((k) => k in op.responses) ?? undefined;
    if (!key) {
      const hint =
        answer.status >= 400
          ? `: add the refusal behind code "${(answer.body as { code?: string })?.code}" to the endpoint's \`refusals\``
          : ": add it to the endpoint's `answers`";
      return [
        `${route} answered ${answer.status}, which ${this.source} does not declare (declared: ${declared.join(', ')})${hint}`,
      ];
    }
    const content = op.responses[key]!.content;
    if (!content) return answer.body === undefined ? [] : [`${route} ${answer.status}: a body where none is declared`];
    const mediaType = answer.contentType.split(';')[0]!.trim();
    if (!(mediaType in content)) {
      return [`${route} ${answer.status}: content type "${mediaType}", declared: ${Object.keys(content).join(', ')}`];
    }
    if (answer.body === undefined) return [`${route} ${answer.status}: an empty body where ${mediaType} is declared`];
    const ref = `/${pointer('paths', op.template, op.method.toLowerCase(), 'responses', key, 'content', mediaType, 'schema')}`;
    const validate = this.#validator(ref);
    if (validate(answer.body)) return [];
    return [`${route} ${answer.status}: the body does not match ${this.source}: ${describe(validate.errors ?? [])}`];
  }

  #problemViolations(route: string, answer: Answer): string[] {
    const validate = this.#validator('/components/schemas/Problem');
    if (answer.contentType.split(';')[0] !== 'application/problem+json')
      return [`${route} ${answer.status}: a problem must be application/problem+json, not "${answer.contentType}"`];
    if (validate(answer.body)) return [];
    return [`${route} ${answer.status}: not an RFC 9457 problem: ${describe(validate.errors ?? [])}`];
  }

  /** Throws, naming the route, status and member, when the answer breaks the contract. */
  check(answer: Answer): void {
    const found = this.violations(answer);
    if (found.length) throw new ContractViolation(found.join('\n'));
  }
}

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/** Ajv's errors in words: an undeclared member by name, the others by where and what. */
function describe(errors: ErrorObject[]): string {
  const lines = new Set<string>();
  for (const e of errors) {
    const at = e.instancePath || '(the body)';
    if (e.keyword === 'additionalProperties') {
      lines.add(`undeclared member "${(e.params as { additionalProperty: string }).additionalProperty}" at ${at}`);
    } else if (e.keyword === 'enum') {
      lines.add(`${at} ${e.message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`);
    } else if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'allOf') {
      lines.add(`${at} ${e.message}`);
    }
  }
  return [...lines].slice(0, 8).join('; ');
}

let shared: Contract | undefined;

/** The contract of the committed document, compiled once per test worker. */
export function contract(): Contract {
  shared ??= new Contract(JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')));
  return shared;
}

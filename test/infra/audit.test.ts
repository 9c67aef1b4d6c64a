import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditTable, environmentVariables } from '#functions/resources.ts';
import { capabilities } from '#functions/routes.ts';
import { type StageName, stages } from '../../lib/config/index.ts';
import { buildStage, templatesOf } from './synth.ts';

// RULES.md §9 (every read by staff is audited) and §8 (records kept at least 5 years): the audit
// table is append-only. No function may change or remove an entry, in any stage.

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Actions that change or remove existing items, or could (wildcards). */
const forbidden =
  /^(dynamodb:(\*|UpdateItem|DeleteItem|BatchWriteItem|PartiQLUpdate|PartiQLDelete|Update\*|Delete\*|Batch\*)|\*)$/;

/** Every Allow statement of every IAM policy, with the function whose role it is attached to. */
function statements(template: Template) {
  const resources = template.toJSON().Resources as Resources;
  const functionOfRole = new Map<string, string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      functionOfRole.set(resource.Properties.Role['Fn::GetAtt'][0], resource.Properties.FunctionName);
    }
  }
  const out: { functionName: string | undefined; actions: string[]; resources: string[] }[] = [];
  for (const resource of Object.values(resources)) {
    const documents: { roles: string[]; document: any }[] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push({
        roles: (resource.Properties.Roles ?? []).map((r: { Ref: string }) => r.Ref),
        document: resource.Properties.PolicyDocument,
      });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of resource.Properties.Policies ?? [])
        documents.push({ roles: [], document: policy.PolicyDocument });
    }
    for (const { roles, document } of documents) {
      for (const statement of document.Statement) {
        if (statement.Effect !== 'Allow') continue;
        const actions = asArray<string>(statement.Action);
        const targets = asArray<unknown>(statement.Resource).map((r) => JSON.stringify(r));
        const names = roles.length ? roles.map((r) => functionOfRole.get(r)) : [undefined];
        for (const functionName of names) out.push({ functionName, actions, resources: targets });
      }
    }
  }
  return out;
}

describe.each<StageName>(['sandbox', 'production'])('audit table (%s)', (stage) => {
  let stateful: Template;
  let stateless: Template;
  const auditArn = `table/${stage}-${auditTable.name}`;
  const touchesAudit = (resources: string[]) =>
    resources.some((r) => r.includes(auditArn) || r === '"*"' || /table\/\*/.test(r));

  beforeAll(() => {
    ({ stateful, stateless } = templatesOf(buildStage(stage)));
  }, 120_000);

  it('lets no policy update, delete or batch-write its entries, nor grant dynamodb:* on it', () => {
    const onAudit = statements(stateless).filter(
      (s) => touchesAudit(s.resources) && s.actions.some((a) => a.startsWith('dynamodb:') || a === '*'),
    );
    expect(onAudit.length).toBeGreaterThan(0);
    for (const s of onAudit) {
      expect(
        s.actions.filter((a) => forbidden.test(a)),
        `${s.functionName}: ${s.resources}`,
      ).toEqual([]);
    }
    for (const s of statements(stateful)) {
      if (!touchesAudit(s.resources)) continue;
      expect(s.actions.filter((a) => forbidden.test(a))).toEqual([]);
    }
  });

  it('grants exactly what each capability’s auditLog need says: append → PutItem, read → Query and GetItem too', () => {
    const granted = new Map<string, Set<string>>();
    for (const s of statements(stateless)) {
      if (!s.functionName || !s.resources.some((r) => r.includes(auditArn))) continue;
      const set = granted.get(s.functionName) ?? new Set<string>();
      for (const a of s.actions) set.add(a);
      granted.set(s.functionName, set);
    }
    for (const [name, capability] of Object.entries(capabilities)) {
      if (capability.sandboxOnly && !stages[stage].sandboxEnabled) continue;
      const actions = [...(granted.get(`wallet-${stage}-${name}`) ?? [])].sort();
      const need = capability.needs.auditLog;
      const expected =
        need === 'read'
          ? ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']
          : need === 'append'
            ? ['dynamodb:PutItem']
            : [];
      expect(actions, name).toEqual(expected);
    }
    expect(Object.values(capabilities).some((c) => c.needs.auditLog === 'append')).toBe(true);
    expect(Object.values(capabilities).some((c) => c.needs.auditLog === 'read')).toBe(true);
  });

  it('names the table only to the functions that write or read it', () => {
    for (const fn of Object.values(stateless.findResources('AWS::Lambda::Function'))) {
      const name = (fn.Properties.FunctionName as string).replace(`wallet-${stage}-`, '');
      const variable = fn.Properties.Environment.Variables[environmentVariables.auditTable];
      const capability = capabilities[name as keyof typeof capabilities];
      if (capability?.needs.auditLog) expect(variable, name).toBe(`${stage}-${auditTable.name}`);
      else expect(variable, name).toBeUndefined();
    }
  });

  it('keeps entries with point-in-time recovery and a TTL attribute; production protects and retains it', () => {
    const found = Object.values(
      stateful.findResources('AWS::DynamoDB::Table', { Properties: { TableName: `${stage}-${auditTable.name}` } }),
    );
    expect(found).toHaveLength(1);
    const table = found[0]!;
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    if (stage === 'production') {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { defaultRegion, loadConfig, stageConfigSchema, stages } from '../../lib/config/index.ts';

describe('stage configuration', () => {
  it('loads both stages, in ap-southeast-1 unless told otherwise', () => {
    const sandbox = loadConfig('sandbox');
    expect(sandbox).toMatchObject({ stage: 'sandbox', sandboxEnabled: true, region: defaultRegion });
    expect(sandbox.account).toBeUndefined();
    const production = loadConfig('production', { account: '111122223333', region: 'ap-southeast-1' });
    expect(production).toMatchObject({
      stage: 'production',
      sandboxEnabled: false,
      deletionProtection: true,
      removalPolicy: 'retain',
      account: '111122223333',
    });
  });

  it('takes the alarm e-mail and ignores blank inputs', () => {
    expect(loadConfig('sandbox', { alarmEmail: 'ops@example.vn', region: ' ' })).toMatchObject({
      alarmEmail: 'ops@example.vn',
      region: defaultRegion,
    });
  });

  it('refuses an unknown stage, a bad account, a bad e-mail', () => {
    expect(() => loadConfig('staging')).toThrow(/Unknown stage "staging"/);
    expect(() => loadConfig('sandbox', { account: '12345' })).toThrow(/account/);
    expect(() => loadConfig('sandbox', { alarmEmail: 'not-an-email' })).toThrow(/alarmEmail/);
    expect(() => loadConfig('sandbox', { region: 'Mars' })).toThrow(/region/);
  });

  it('holds production to its invariants: no sandbox, protected, retained, logs kept 90 days or more', () => {
    const production = { ...stages.production, region: defaultRegion };
    expect(stageConfigSchema.safeParse(production).success).toBe(true);
    for (const [field, value] of [
      ['sandboxEnabled', true],
      ['deletionProtection', false],
      ['removalPolicy', 'destroy'],
      ['logRetentionDays', 30],
    ] as const) {
      const result = stageConfigSchema.safeParse({ ...production, [field]: value });
      expect(result.success, field).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
    }
  });

  it('accepts only retention periods CloudWatch Logs knows and an https JWKS URL', () => {
    const sandbox = { ...stages.sandbox, region: defaultRegion };
    expect(stageConfigSchema.safeParse({ ...sandbox, logRetentionDays: 15 }).success).toBe(false);
    expect(
      stageConfigSchema.safeParse({ ...sandbox, ekyc: { issuer: 'x', jwksUrl: 'http://keys.example' } }).success,
    ).toBe(false);
    expect(
      stageConfigSchema.safeParse({ ...sandbox, ekyc: { issuer: 'x', jwksUrl: 'https://keys.example/jwks.json' } })
        .success,
    ).toBe(true);
  });
});

describe('app versions per stage (RULES.md §5, Circular 77/2025)', () => {
  it('sets minimums per platform; production serves no client that does not name its version', () => {
    const production = { ...stages.production, region: defaultRegion };
    expect(loadConfig('production').appVersions).toMatchObject({ allowUnversioned: false });
    const unversioned = stageConfigSchema.safeParse({
      ...production,
      appVersions: { ...production.appVersions, allowUnversioned: true },
    });
    expect(unversioned.success).toBe(false);
    expect(unversioned.error?.issues.map((issue) => issue.path.join('.'))).toContain('appVersions');
    const sandbox = { ...stages.sandbox, region: defaultRegion };
    const badVersion = stageConfigSchema.safeParse({
      ...sandbox,
      appVersions: { minimum: { android: '4.2' }, allowUnversioned: true },
    });
    expect(badVersion.success).toBe(false);
    expect(badVersion.error?.issues.map((issue) => issue.path.join('.'))).toContain('appVersions.minimum.android');
  });

  it('hands the minimums and the deadlines to every function as MIN_APP_VERSION, UNVERSIONED_APPS, STR_DUE_WORKING_DAYS, DATA_REQUEST_DUE_DAYS', async () => {
    const { buildStage, templatesOf } = await import('./synth.ts');
    const { stateless } = templatesOf(buildStage('production'));
    const functions = Object.values(stateless.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }[];
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const vars = fn.Properties.Environment?.Variables ?? {};
      if (!('WALLET_TABLE_NAME' in vars)) continue;
      expect(vars).toMatchObject({
        MIN_APP_VERSION: 'android/1.0.0,ios/1.0.0',
        UNVERSIONED_APPS: 'deny',
        STR_DUE_WORKING_DAYS: '3',
        DATA_REQUEST_DUE_DAYS: '3',
      });
    }
  });
});

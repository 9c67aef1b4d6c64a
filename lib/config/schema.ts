// Typed per-stage configuration, validated with zod before any construct sees it.
// A wrong value fails `cdk synth` with a message naming the field, not a half-built stack.
import { z } from 'zod';
import { parseSemVer } from '#functions/core/domain/app-version.ts';
import { riskConfigWith } from '#functions/core/domain/risk/config.ts';

/** A semantic version, `4.2.0` (functions/core/domain/app-version.ts). */
const semver = z.string().refine((v) => parseSemVer(v) !== undefined, { message: 'a semantic version, e.g. 4.2.0' });

export const stageNames = ['sandbox', 'production'] as const;
export type StageName = (typeof stageNames)[number];

/** The retention periods CloudWatch Logs accepts (days). */
export const logRetentionDayValues = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** RULES.md §4: device identifiers and authentication logs are kept at least 3 months. */
export const minimumProductionLogRetentionDays = 90;

export const stageConfigSchema = z
  .object({
    stage: z.enum(stageNames),
    /** From CDK_DEFAULT_ACCOUNT; absent means an environment-agnostic synth. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'an AWS account id is 12 digits')
      .optional(),
    /** Chosen explicitly (bin/wallet.ts), ap-southeast-1 (Singapore) otherwise. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region name'),
    /** Deploys the sandbox capability and the `/sandbox/*` routes. Never in production. */
    sandboxEnabled: z.boolean(),
    /** What CloudFormation does with stateful resources (keys, tables, queues, user pool) on delete. */
    removalPolicy: z.enum(['destroy', 'retain']),
    /** DynamoDB and Cognito deletion protection. */
    deletionProtection: z.boolean(),
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => (logRetentionDayValues as readonly number[]).includes(days), {
        message: `CloudWatch Logs accepts only ${logRetentionDayValues.join(', ')} days`,
      }),
    /** WAF rate-based rule: requests per 5-minute window per client IP before blocking. */
    wafRateLimitPer5MinPerIp: z.number().int().min(10).max(2_000_000_000),
    /** API Gateway stage throttling, for all methods. */
    apiThrottling: z.object({
      rateLimit: z.number().positive(),
      burstLimit: z.number().int().positive(),
    }),
    /** Receives the DLQ alarm (an SNS e-mail subscription) when set. */
    alarmEmail: z.email().optional(),
    /**
     * Cognito Plus feature plan with threat protection (compromised credentials, adaptive
     * authentication). A paid, per-MAU feature: off unless the provider opts in.
     */
    cognitoThreatProtection: z.boolean(),
    /**
     * The production eKYC provider whose signed verdicts the wallet accepts: token issuer and the
     * JWKS URL of its signing keys. Unset until a provider is contracted; the sandbox stage signs
     * its own assertions (POST /sandbox/ekyc/assertions).
     */
    ekyc: z
      .object({
        issuer: z.string().min(1),
        jwksUrl: z.url({ protocol: /^https$/ }),
      })
      .strict()
      .optional(),
    /**
     * Devices trusted before device keys (v1 clients, API.md "Device binding") still count by their
     * `X-Device-Id` alone. Production: no; a stage that must serve v1 apps may say yes for a while.
     */
    allowKeylessDevices: z.boolean().default(false),
    /**
     * Circular 77/2025 (RULES.md §5, API.md v1.1 "App version"): the lowest app version per platform
     * that may sign in, trust a device or move money, and whether a client that names no version
     * (no `X-App-Version`) is served at all.
     */
    appVersions: z
      .strictObject({
        minimum: z.strictObject({ android: semver.optional(), ios: semver.optional() }).default({}),
        allowUnversioned: z.boolean(),
      })
      .default({ minimum: {}, allowUnversioned: false }),
    /** RULES.md §8: working days a suspicious-transaction report is due in (3; 1 where the law says so). */
    suspiciousReportDueWorkingDays: z.number().int().min(1).max(10).default(3),
    /** RULES.md §9 (Law 91/2025): days a personal-data request is due in; 72 hours unless set otherwise. */
    dataRequestDueDays: z.number().int().min(1).max(30).default(3),
    /**
     * The provider's own code as acquirer in the VietQR payloads of payment requests (EMVCo tag
     * 38/01/00): six digits, as NAPAS assigns them.
     */
    vietQrAcquirerId: z.string().regex(/^\d{6}$/, 'six digits, as NAPAS assigns them'),
    /** RULES.md §4: a session idle longer than this cannot be refreshed (provider's choice; 5 minutes). */
    sessionIdleSeconds: z.number().int().min(60).max(86_400).default(300),
    /** This provider's code in the switch's list of institutions (NAPAS assigns it; API.md "Interoperable transfers"). */
    institutionCode: z
      .string()
      .regex(/^[A-Z0-9]{2,16}$/)
      .default('EWCORE'),
    /** The API's public base URL with its stage path, when clients reach it by a custom domain (DPoP `htu`). */
    publicBaseUrl: z.url({ protocol: /^https$/ }).optional(),
    /**
     * Overrides of the risk engine's thresholds (functions/core/domain/risk/config.ts: RULES.md §7
     * leaves the criteria to the provider), validated against the defaults at synth.
     */
    risk: z
      .record(z.string(), z.unknown())
      .refine(
        (overrides) => {
          try {
            riskConfigWith(overrides);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'names a threshold the risk engine does not have, or gives it no number' },
      )
      .optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.stage !== 'production') return;
    const invariant = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    invariant(!config.sandboxEnabled, 'sandboxEnabled', 'production never deploys the sandbox');
    invariant(config.deletionProtection, 'deletionProtection', 'production tables and user pool are protected');
    invariant(config.removalPolicy === 'retain', 'removalPolicy', 'production retains its stateful resources');
    invariant(
      !config.appVersions.allowUnversioned,
      'appVersions',
      'production serves only clients that name their version (Circular 77/2025)',
    );
    invariant(
      config.logRetentionDays >= minimumProductionLogRetentionDays,
      'logRetentionDays',
      `production keeps logs at least ${minimumProductionLogRetentionDays} days (RULES.md §4)`,
    );
  });

export type StageConfig = z.infer<typeof stageConfigSchema>;

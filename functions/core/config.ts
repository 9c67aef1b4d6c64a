import { z } from 'zod';
import { environmentVariables as names } from '../resources.ts';

const schema = z.object({
  stage: z.string().min(1),
  walletTable: z.string().min(1),
  idempotencyTable: z.string().min(1),
  settlementQueueUrl: z.string().optional(),
  userPoolId: z.string().optional(),
  userPoolClientId: z.string().optional(),
  dataKeyId: z.string().optional(),
  sandbox: z.enum(['true', 'false']).default('false'),
  sandboxBankTable: z.string().optional(),
  /** The append-only staff audit table; staff actions fail closed without it. */
  auditTable: z.string().optional(),
  riskConfig: z.string().optional(),
  keylessDevices: z.enum(['allow', 'deny']).default('deny'),
  /** Circular 77/2025 (API.md v1.1 "App version"): minimums per platform; none unless the stage sets them. */
  minAppVersion: z.string().max(200).default(''),
  unversionedApps: z.enum(['allow', 'deny']).default('deny'),
  /** RULES.md §8: a suspicious-transaction report within 3 working days of detection (1 where the law says so). */
  suspiciousReportDueWorkingDays: z.coerce.number().int().min(1).max(10).default(3),
  /** RULES.md §9: personal-data requests answered within the legal deadline (72 hours by default). */
  dataRequestDueDays: z.coerce.number().int().min(1).max(30).default(3),
  /** RULES.md §4: sessions end after inactivity; 5 minutes unless the stage says otherwise. */
  sessionIdleSeconds: z.coerce.number().int().min(1).max(86_400).default(300),
  publicBaseUrl: z.url().optional(),
  ekycIssuer: z.string().optional(),
  ekycJwksUrl: z.url().optional(),
  institutionCode: z
    .string()
    .regex(/^[A-Z0-9]{2,16}$/)
    .default('EWCORE'),
  switchSecretArn: z.string().optional(),
  switchSigningSecret: z.string().optional(),
  webhookQueueUrl: z.string().optional(),
  webhookDeadLetterUrl: z.string().optional(),
  sweepQueueUrl: z.string().optional(),
  /** The provider's code as VietQR acquirer (six digits, stage configuration). */
  vietQrAcquirerId: z
    .string()
    .regex(/^\d{6}$/)
    .default('971999'),
  /** `loopback`: the local runtime lets webhooks go to http://127.0.0.1 (never in production). */
  webhookUrlPolicy: z.enum(['public', 'loopback']).default('public'),
});

export type RuntimeConfig = z.infer<typeof schema> & { sandboxEnabled: boolean };

let cached: RuntimeConfig | undefined;

/** Read once per cold start from the variables the CDK stack or the local runtime set. */
export function runtimeConfig(): RuntimeConfig {
  if (cached) return cached;
  const raw = Object.fromEntries(Object.entries(names).map(([key, env]) => [key, process.env[env]]));
  const parsed = schema.parse(raw);
  cached = { ...parsed, sandboxEnabled: parsed.sandbox === 'true' && parsed.stage !== 'production' };
  return cached;
}

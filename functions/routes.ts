// The route table: every HTTP route of the wallet, the capability (Lambda function) that serves
// it and who may call it. The CDK API construct and the local gateway are both built from it.
// Plain data only: no handler or SDK imports, so `lib/` can load it without the runtime.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * - `public`: no token (registration, sign-in, health).
 * - `customer`: a Cognito access token and `X-Device-Id`.
 * - `operators` / `compliance`: a token of a user in that Cognito group.
 * - `sandbox`: no token; only deployed where the stage enables the sandbox, never in production.
 */
export type Access = 'public' | 'customer' | 'operators' | 'compliance' | 'sandbox';

export type CapabilityName =
  | 'platform'
  | 'onboarding'
  | 'idExpiry'
  | 'linking'
  | 'transfers'
  | 'settlement'
  | 'settlementSweeper'
  | 'moneyEvents'
  | 'operations'
  | 'riskCases'
  | 'compliance'
  | 'walletControl'
  | 'safeguardingCheck'
  | 'sandbox';

/**
 * How long a function may run (Lambda's timeout). The commit retry budget of the money path is
 * derived from `requestSeconds` (functions/core/use-cases/transfers/commit-loop.ts), so that a
 * request gives up, with nothing moved, before Lambda cuts it off.
 */
export const functionTimeouts = {
  /** API handlers and queue consumers (API Gateway waits 29 s at most). */
  requestSeconds: 10,
  /** Scheduled jobs work through a day's batch. */
  scheduledSeconds: 300,
} as const;

export interface Capability {
  /** Lambda entry file, relative to the project root. */
  readonly entry: string;
  /** What the function may touch; the CDK construct grants exactly this and nothing more. */
  readonly needs: {
    readonly walletTable?: 'read' | 'readWrite';
    readonly idempotencyTable?: boolean;
    readonly settlementQueue?: 'send' | 'consume';
    readonly userPool?: readonly string[];
    readonly dataKey?: boolean;
    readonly sms?: boolean;
    /** The sandbox bank's table: granted only in stages with the sandbox. */
    readonly sandboxBank?: boolean;
    /**
     * Consumes the wallet table's stream (statement entries and transfers): the work that runs
     * after a commit, off the request path (functions/money-events/stream.handler.ts).
     */
    readonly walletStream?: boolean;
    /**
     * The append-only staff audit table (RULES.md §9): `append` grants dynamodb:PutItem only;
     * `read` grants Query and GetItem plus PutItem, since every read of the trail is audited too.
     * No function is ever granted UpdateItem, DeleteItem or BatchWriteItem on it.
     */
    readonly auditLog?: 'append' | 'read';
  };
  /** Deployed only in stages with the sandbox switched on. */
  readonly sandboxOnly?: boolean;
  /** A scheduled job instead of an API handler: an EventBridge schedule expression. */
  readonly schedule?: string;
}

export const capabilities: Record<CapabilityName, Capability> = {
  platform: { entry: 'functions/platform/api.handler.ts', needs: {} },
  onboarding: {
    entry: 'functions/onboarding/api.handler.ts',
    needs: {
      walletTable: 'readWrite',
      idempotencyTable: true,
      userPool: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminGetUser'],
      dataKey: true,
      sms: true,
    },
  },
  idExpiry: {
    entry: 'functions/onboarding/id-expiry.handler.ts',
    needs: { walletTable: 'readWrite', dataKey: true, sms: true },
    // 01:00 in Hanoi (18:00 UTC): RULES.md §5 expiry warnings and re-verification.
    schedule: 'cron(0 18 * * ? *)',
  },
  linking: {
    entry: 'functions/linking/api.handler.ts',
    needs: { walletTable: 'readWrite', idempotencyTable: true, dataKey: true, sandboxBank: true },
  },
  transfers: {
    entry: 'functions/transfers/api.handler.ts',
    needs: { walletTable: 'readWrite', idempotencyTable: true, settlementQueue: 'send', dataKey: true, sms: true },
  },
  settlement: {
    entry: 'functions/settlement/queue.handler.ts',
    needs: { walletTable: 'readWrite', settlementQueue: 'consume', dataKey: true, sandboxBank: true },
  },
  moneyEvents: {
    // After a commit: risk profiles learn from the entries, owners hear of transfers that ended.
    entry: 'functions/money-events/stream.handler.ts',
    needs: { walletTable: 'readWrite', walletStream: true, sms: true },
  },
  settlementSweeper: {
    entry: 'functions/settlement/sweeper.handler.ts',
    needs: { walletTable: 'readWrite', settlementQueue: 'send' },
    schedule: 'rate(5 minutes)',
  },
  operations: {
    entry: 'functions/operations/api.handler.ts',
    needs: { walletTable: 'readWrite', idempotencyTable: true, dataKey: true, sandboxBank: true, auditLog: 'append' },
  },
  riskCases: {
    // Transfers held by the risk engine (RULES.md §7): the operators' queue and decisions.
    entry: 'functions/operations/cases.handler.ts',
    needs: { walletTable: 'readWrite', idempotencyTable: true, settlementQueue: 'send', sms: true, auditLog: 'append' },
  },
  compliance: {
    // Law-enforcement requests, AML reports and the audit trail: the `compliance` group's routes.
    entry: 'functions/compliance/api.handler.ts',
    needs: { walletTable: 'readWrite', idempotencyTable: true, dataKey: true, auditLog: 'read' },
  },
  walletControl: {
    // Customers' self-lock and unlock (RULES.md §7): kept apart so locking never waits on another function.
    entry: 'functions/wallet-control/api.handler.ts',
    needs: { walletTable: 'readWrite', idempotencyTable: true, dataKey: true },
  },
  safeguardingCheck: {
    entry: 'functions/operations/safeguarding.handler.ts',
    needs: { walletTable: 'read', sandboxBank: true },
    // Decree 52 Art. 6(3): proven every 15 minutes; the difference is a metric with an alarm.
    schedule: 'rate(15 minutes)',
  },
  sandbox: {
    entry: 'functions/sandbox/api.handler.ts',
    needs: {
      walletTable: 'readWrite',
      sandboxBank: true,
      dataKey: true,
      settlementQueue: 'send',
      userPool: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminAddUserToGroup'],
    },
    sandboxOnly: true,
  },
};

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway resource path, with `{name}` parameters. */
  readonly path: string;
  readonly capability: CapabilityName;
  readonly access: Access;
}

export const routes: readonly Route[] = [
  { method: 'GET', path: '/health', capability: 'platform', access: 'public' },

  { method: 'POST', path: '/v1/registrations', capability: 'onboarding', access: 'public' },
  { method: 'POST', path: '/v1/registrations/{registrationId}/confirm', capability: 'onboarding', access: 'public' },
  { method: 'POST', path: '/v1/sessions', capability: 'onboarding', access: 'public' },
  { method: 'GET', path: '/v1/me', capability: 'onboarding', access: 'customer' },
  { method: 'POST', path: '/v1/me/kyc', capability: 'onboarding', access: 'customer' },
  { method: 'POST', path: '/v1/devices/{deviceId}/trust-challenges', capability: 'onboarding', access: 'customer' },
  { method: 'POST', path: '/v1/devices/{deviceId}/trust', capability: 'onboarding', access: 'customer' },
  { method: 'POST', path: '/v1/wallets', capability: 'onboarding', access: 'customer' },
  { method: 'GET', path: '/v1/wallets', capability: 'onboarding', access: 'customer' },
  { method: 'GET', path: '/v1/wallets/{walletId}', capability: 'onboarding', access: 'customer' },

  { method: 'POST', path: '/v1/wallets/{walletId}/links', capability: 'linking', access: 'customer' },
  { method: 'GET', path: '/v1/wallets/{walletId}/links', capability: 'linking', access: 'customer' },
  { method: 'DELETE', path: '/v1/wallets/{walletId}/links/{linkId}', capability: 'linking', access: 'customer' },

  { method: 'POST', path: '/v1/transfers', capability: 'transfers', access: 'customer' },
  { method: 'GET', path: '/v1/transfers/{transferId}', capability: 'transfers', access: 'customer' },
  { method: 'POST', path: '/v1/transfers/{transferId}/authorize', capability: 'transfers', access: 'customer' },
  { method: 'GET', path: '/v1/wallets/{walletId}/statement', capability: 'transfers', access: 'customer' },

  { method: 'GET', path: '/v1/ops/reconciliation/safeguarding', capability: 'operations', access: 'operators' },
  { method: 'POST', path: '/v1/ops/watchlist', capability: 'operations', access: 'operators' },
  { method: 'GET', path: '/v1/ops/cases', capability: 'riskCases', access: 'operators' },
  { method: 'POST', path: '/v1/ops/cases/{caseId}/decision', capability: 'riskCases', access: 'operators' },
  { method: 'POST', path: '/v1/ops/wallets/{walletId}/freeze', capability: 'operations', access: 'operators' },
  { method: 'POST', path: '/v1/ops/wallets/{walletId}/unfreeze', capability: 'operations', access: 'operators' },
  { method: 'POST', path: '/v1/ops/law-enforcement-requests', capability: 'compliance', access: 'compliance' },
  {
    method: 'GET',
    path: '/v1/ops/law-enforcement-requests/{requestId}',
    capability: 'compliance',
    access: 'compliance',
  },
  { method: 'GET', path: '/v1/ops/reports/large-value', capability: 'compliance', access: 'compliance' },
  { method: 'GET', path: '/v1/ops/audit', capability: 'compliance', access: 'compliance' },

  { method: 'POST', path: '/v1/wallets/{walletId}/lock', capability: 'walletControl', access: 'customer' },
  { method: 'POST', path: '/v1/wallets/{walletId}/unlock', capability: 'walletControl', access: 'customer' },
  { method: 'POST', path: '/v1/wallets/{walletId}/unlock/authorize', capability: 'walletControl', access: 'customer' },

  { method: 'GET', path: '/sandbox/sms', capability: 'sandbox', access: 'sandbox' },
  { method: 'POST', path: '/sandbox/operators', capability: 'sandbox', access: 'sandbox' },
  { method: 'POST', path: '/sandbox/bank/accounts', capability: 'sandbox', access: 'sandbox' },
  {
    method: 'GET',
    path: '/sandbox/bank/accounts/{bankCode}/{accountNumber}',
    capability: 'sandbox',
    access: 'sandbox',
  },
  { method: 'GET', path: '/sandbox/bank/guarantee', capability: 'sandbox', access: 'sandbox' },
  { method: 'POST', path: '/sandbox/bank/faults', capability: 'sandbox', access: 'sandbox' },
  { method: 'POST', path: '/sandbox/ekyc/assertions', capability: 'sandbox', access: 'sandbox' },
  { method: 'POST', path: '/sandbox/jobs/{job}', capability: 'sandbox', access: 'sandbox' },
  { method: 'GET', path: '/sandbox/money-events/{walletId}', capability: 'sandbox', access: 'sandbox' },
];

export const routeKey = (method: string, path: string): string => `${method} ${path}`;

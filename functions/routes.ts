// The route table: every HTTP route of the wallet, the capability (Lambda function) that serves
// it and who may call it. The CDK API construct and the local gateway are both built from it.
// Plain data only: no handler or SDK imports, so `lib/` can load it without the runtime.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * - `public`: no token (registration, sign-in, health).
 * - `customer`: a Cognito access token and `X-Device-Id`.
 * - `operators` / `compliance`: a token of a user in that Cognito group.
 * - `staff`: a token of a user in either group (the audit trail: API.md lists it among the
 *   operators' routes, and compliance officers answer for what they read).
 * - `sandbox`: no token; only deployed where the stage enables the sandbox, never in production.
 * - `switch`: no token; every message is signed by the switch (HMAC-SHA256 with the key shared with
 *   it), which the handler verifies before anything else (functions/core/adapters/switch/signature.ts).
 */
export type Access = 'public' | 'customer' | 'operators' | 'compliance' | 'staff' | 'sandbox' | 'switch';

export type CapabilityName =
  | 'platform'
  | 'onboarding'
  | 'idExpiry'
  | 'linking'
  | 'transfers'
  | 'settlement'
  | 'settlementSweeper'
  | 'moneyEvents'
  | 'inboxSweeper'
  | 'operations'
  | 'riskCases'
  | 'compliance'
  | 'walletControl'
  | 'profile'
  | 'dataRetention'
  | 'safeguardingCheck'
  | 'switchInbound'
  | 'switchReconciliation'
  | 'merchants'
  | 'paymentRequestExpiry'
  | 'webhookDelivery'
  | 'staffSessions'
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

/**
 * A DynamoDB item action a function may take on a table (IAM `dynamodb:<action>`). There is no
 * `Scan` and no `DescribeTable`: no function uses them. `TransactWriteItems` is authorized item by
 * item (Put → PutItem, Update → UpdateItem, ConditionCheck → ConditionCheckItem, Delete →
 * DeleteItem), so a transaction's items are listed by those actions.
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'ConditionCheckItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';

/** The wallet table's global secondary indexes (functions/resources.ts `walletTable`). */
export type WalletIndex = 'gsi1' | 'gsi2';

/**
 * What Powertools' idempotency utility does with its table (DynamoDBPersistenceLayer): GetItem
 * (a record in progress or done), PutItem (the conditional claim), UpdateItem (the answer) and
 * DeleteItem (a failed run frees the key).
 */
export const idempotencyTableActions: readonly TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

/** Actions that change items: a function with any of them on a table also encrypts with its key. */
export const tableWriteActions: readonly TableAction[] = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];

/**
 * The actions a function gets on the wallet table in a stage: its declared `walletTable`, plus
 * PutItem where the stage's SMS are the sandbox outbox (a message is an item of the wallet table,
 * functions/core/adapters/sandbox/sms-outbox.ts), never in a stage that sends real SMS.
 */
export function walletTableActions(needs: Capability['needs'], sandboxEnabled: boolean): TableAction[] {
  const actions = new Set<TableAction>(needs.walletTable ?? []);
  if (needs.sms && sandboxEnabled) actions.add('PutItem');
  return [...actions];
}

export interface Capability {
  /** Lambda entry file, relative to the project root. */
  readonly entry: string;
  /** What the function may touch; the CDK construct grants exactly this and nothing more. */
  readonly needs: {
    /**
     * The DynamoDB actions the function's code takes on the wallet table itself (not its
     * indexes). Every capability reading a key-ring item (`dataKey`: the wrapped root key,
     * GetItem, and PutItem on a stage's first cold start) or checking a DPoP proof (an API
     * capability: PutItem of the proof's `jti`) needs those too.
     */
    readonly walletTable?: readonly TableAction[];
    /** Query on these indexes of the wallet table (granted on each index's ARN, no `index/*`). */
    readonly walletIndexes?: readonly WalletIndex[];
    /** Powertools' idempotency records: `idempotencyTableActions`. */
    readonly idempotencyTable?: boolean;
    readonly settlementQueue?: 'send' | 'consume';
    readonly userPool?: readonly string[];
    readonly dataKey?: boolean;
    readonly sms?: boolean;
    /** The sandbox bank's table, these actions: granted only in stages with the sandbox. */
    readonly sandboxBank?: readonly TableAction[];
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
    /**
     * Merchant webhooks' delivery queue: `send` (the after-commit consumer queues events);
     * `consume` (the delivery worker: receives, sends its own retries back with a delay, and moves
     * a delivery given up on to the dead-letter queue).
     */
    readonly webhookQueue?: 'send' | 'consume';
    /**
     * Busy wallets' sweeps (a FIFO queue, one message group per wallet): `send` (the after-commit
     * consumer asks for them); `consume` (the sweeper: receives, and asks again when time ran out).
     */
    readonly sweepQueue?: 'send' | 'consume';
    /** The key the switch signs its messages with (Secrets Manager: GetSecretValue on that secret only). */
    readonly switchSecret?: boolean;
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
      // Registrations, customers, devices, sessions and guards: items read, put and updated
      // (transactions of Puts and Updates); a customer's wallets are queried in its partition,
      // then read in one batch. Nothing is deleted.
      walletTable: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      idempotencyTable: true,
      userPool: [
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminSetUserPassword',
        'cognito-idp:AdminGetUser',
        // Sign-in and refresh only through the wallet (admin-initiated auth).
        'cognito-idp:AdminInitiateAuth',
      ],
      dataKey: true,
      sms: true,
    },
  },
  idExpiry: {
    entry: 'functions/onboarding/id-expiry.handler.ts',
    // Customers by ID expiry day (gsi1), then each read and updated; SMS through SNS (the sandbox
    // outbox's PutItem in sandbox stages, see walletTableActions).
    needs: { walletTable: ['GetItem', 'UpdateItem'], walletIndexes: ['gsi1'], dataKey: true, sms: true },
    // 01:00 in Hanoi (18:00 UTC): RULES.md §5 expiry warnings and re-verification.
    schedule: 'cron(0 18 * * ? *)',
  },
  linking: {
    entry: 'functions/linking/api.handler.ts',
    needs: {
      // A link, its guard and the wallet's link count in one transaction; removing a link
      // deletes its guard (the transaction's Delete item).
      walletTable: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      idempotencyTable: true,
      dataKey: true,
      // The bank confirms the owner (accounts, cards, movements) and stores a card's token.
      sandboxBank: ['GetItem', 'Query', 'PutItem'],
    },
  },
  transfers: {
    entry: 'functions/transfers/api.handler.ts',
    needs: {
      // The money core: one BatchGetItem read, one transaction of Puts and Updates; challenge
      // attempts and the OTP factor's guard are updates; the statement is a query of the wallet.
      walletTable: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      idempotencyTable: true,
      settlementQueue: 'send',
      dataKey: true,
      sms: true,
      // A name inquiry asks the (sandbox) switch who holds an account.
      sandboxBank: ['GetItem'],
    },
  },
  settlement: {
    entry: 'functions/settlement/queue.handler.ts',
    needs: {
      walletTable: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      settlementQueue: 'consume',
      dataKey: true,
      // Pull and push (and the switch's credit transfers): the operation record, a fault taken, the
      // movements in one transaction.
      sandboxBank: ['GetItem', 'PutItem', 'UpdateItem'],
    },
  },
  moneyEvents: {
    // After a commit: risk profiles learn from the entries, owners hear of transfers that ended.
    entry: 'functions/money-events/stream.handler.ts',
    // Risk profiles read in a batch and replaced whole (conditional PutItem); the owner and the
    // wallet read for a notice.
    // Merchants' webhooks: their settings read in a batch, each event's delivery filed once (a
    // conditional PutItem) and queued.
    // Busy wallets' inbox credits: their sweeps asked for on the FIFO queue.
    needs: {
      walletTable: ['GetItem', 'BatchGetItem', 'PutItem'],
      walletStream: true,
      sms: true,
      webhookQueue: 'send',
      sweepQueue: 'send',
    },
  },
  inboxSweeper: {
    // A busy wallet's inbox folded into its balance (functions/core/domain/inbox.ts), one wallet per
    // message group: the wallet read in a batch, its inbox shards queried, then one transaction
    // updating the wallet, putting an entry and deleting the credit for each credit of the batch.
    entry: 'functions/money-events/sweep.handler.ts',
    needs: { walletTable: ['BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], sweepQueue: 'consume' },
  },
  settlementSweeper: {
    entry: 'functions/settlement/sweeper.handler.ts',
    // Reads only: transfers waiting for the bank (gsi1), each read again before it is re-sent.
    needs: { walletTable: ['GetItem'], walletIndexes: ['gsi1'], settlementQueue: 'send' },
    schedule: 'rate(5 minutes)',
  },
  operations: {
    entry: 'functions/operations/api.handler.ts',
    needs: {
      // Ends the owner's sessions at Cognito too when a wallet is locked or frozen.
      userPool: ['cognito-idp:AdminUserGlobalSignOut'],
      // Freeze and unfreeze: the wallet updated (or condition-checked when already frozen) and
      // its order put in one transaction; the watch-list import is a BatchWriteItem of up to
      // 1,000 entries, then the customers it names are read in batches and screened (their
      // wallets queried, frozen and a case opened, as a freeze); the reconciliation reads system
      // balances and the transfers in gsi1.
      walletTable: [
        'GetItem',
        'BatchGetItem',
        'Query',
        'ConditionCheckItem',
        'PutItem',
        'UpdateItem',
        'BatchWriteItem',
      ],
      walletIndexes: ['gsi1'],
      idempotencyTable: true,
      dataKey: true,
      // The guarantee account and a transfer's status at the bank, the switch's settlement report (reads only).
      sandboxBank: ['GetItem', 'Query'],
      auditLog: 'append',
    },
  },
  riskCases: {
    // Transfers held by the risk engine (RULES.md §7): the operators' queue and decisions.
    entry: 'functions/operations/cases.handler.ts',
    needs: {
      // The queue of cases is gsi1; a held transfer's decision is the money core's read and
      // transaction; a screening case's release unfreezes (orders queried, wallets updated or
      // condition-checked, orders put) with the customer's clearance.
      walletTable: ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem', 'PutItem', 'UpdateItem'],
      walletIndexes: ['gsi1'],
      idempotencyTable: true,
      settlementQueue: 'send',
      sms: true,
      auditLog: 'append',
    },
  },
  compliance: {
    // Law-enforcement requests, AML reports and the audit trail: the `compliance` group's routes.
    entry: 'functions/compliance/api.handler.ts',
    needs: {
      // Ends the owner's sessions at Cognito too when a wallet is locked or frozen.
      userPool: ['cognito-idp:AdminUserGlobalSignOut'],
      // A request's freezes (updates or condition checks), its item and its package parts (puts);
      // the subject's wallets, links and statements are queried; the large-value report is gsi2
      // (its parties' customers and links read and decrypted), suspicious-transaction reports gsi1.
      walletTable: ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem', 'PutItem', 'UpdateItem'],
      walletIndexes: ['gsi1', 'gsi2'],
      idempotencyTable: true,
      dataKey: true,
      auditLog: 'read',
    },
  },
  profile: {
    // The customer's own record (API.md v1.1): phone changes (Circular 77/2025), consents, data
    // requests and erasure (Law 91/2025); the operators' list of requests, compliance's read of
    // an erased customer's retained record.
    entry: 'functions/profile/api.handler.ts',
    needs: {
      // A phone change moves the number in one transaction (the new guard put, the old one deleted,
      // the customer updated); an erasure closes the wallets, reduces the customer and deletes its
      // phone guard in one, then deletes the wallets' risk profiles. Exports read the customer's
      // and its wallets' partitions and their transfers in batches; requests and in-flight
      // transfers are listed on gsi1.
      walletTable: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      walletIndexes: ['gsi1'],
      idempotencyTable: true,
      // The user's phone follows a change; an erasure disables and deletes it; both end its sessions.
      userPool: [
        'cognito-idp:AdminUpdateUserAttributes',
        'cognito-idp:AdminUserGlobalSignOut',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminDeleteUser',
      ],
      dataKey: true,
      sms: true,
      // A phone change and an erasure commit with their audit records; staff reads are audited.
      auditLog: 'append',
    },
  },
  dataRetention: {
    // RULES.md §8, §9: deletes what is past its retention, finishes data requests a crash left open.
    entry: 'functions/profile/data-retention.handler.ts',
    needs: {
      // Erased customers by retention day and open requests (gsi1); their partitions queried and
      // deleted in batches; an ACCESS export written, a DELETE's follow-up (devices updated, risk
      // profiles deleted).
      walletTable: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      walletIndexes: ['gsi1'],
      userPool: ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminDeleteUser'],
      dataKey: true,
      auditLog: 'append',
    },
    // 02:00 in Hanoi (19:00 UTC).
    schedule: 'cron(0 19 * * ? *)',
  },
  walletControl: {
    // Customers' self-lock and unlock (RULES.md §7): kept apart so locking never waits on another function.
    entry: 'functions/wallet-control/api.handler.ts',
    needs: {
      // Ends the owner's sessions at Cognito too when a wallet is locked or frozen.
      userPool: ['cognito-idp:AdminUserGlobalSignOut'],
      // Conditional updates of the wallet, its device read, an authentication event put.
      walletTable: ['GetItem', 'PutItem', 'UpdateItem'],
      idempotencyTable: true,
      dataKey: true,
    },
  },
  safeguardingCheck: {
    entry: 'functions/operations/safeguarding.handler.ts',
    // Reads only: system balances, transfers in gsi1, the guarantee account and statuses at the bank.
    needs: { walletTable: ['GetItem'], walletIndexes: ['gsi1'], sandboxBank: ['GetItem', 'Query'] },
    // Decree 52 Art. 6(3): proven every 15 minutes; the difference is a metric with an alarm.
    schedule: 'rate(15 minutes)',
  },
  switchInbound: {
    // The switch's endpoint: credits it delivers, signed (API.md "Interoperable transfers").
    entry: 'functions/switch/inbound.handler.ts',
    needs: {
      // The money core's batch reads and one transaction; the sender's keyed hash needs the data key.
      walletTable: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      dataKey: true,
      switchSecret: true,
    },
  },
  switchReconciliation: {
    entry: 'functions/operations/switch-reconciliation.handler.ts',
    // Reads only: the day's switch records, the switch's settlement report.
    needs: { walletTable: ['Query'], sandboxBank: ['Query'] },
    // 02:00 in Hanoi (19:00 UTC): the previous business day, once the switch has closed it.
    schedule: 'cron(0 19 * * ? *)',
  },
  merchants: {
    // Merchant organisations (API.md v1.1): payment requests (dynamic VietQR) and webhooks.
    entry: 'functions/merchants/api.handler.ts',
    needs: {
      // The caller and its wallet read, a request put and read, the webhook put (its secret
      // encrypted with the data key), deliveries queried in the merchant's partition.
      walletTable: ['GetItem', 'Query', 'PutItem'],
      idempotencyTable: true,
      dataKey: true,
    },
  },
  paymentRequestExpiry: {
    entry: 'functions/merchants/expiry.handler.ts',
    // OPEN requests by expiry (gsi1), each ended by a conditional update: the stream tells the merchant.
    needs: { walletTable: ['UpdateItem'], walletIndexes: ['gsi1'] },
    schedule: 'rate(1 minute)',
  },
  webhookDelivery: {
    entry: 'functions/merchants/webhook-delivery.handler.ts',
    // A delivery read and its attempt recorded (conditional update); the webhook read and its
    // secret decrypted with the data key.
    needs: { walletTable: ['GetItem', 'UpdateItem'], webhookQueue: 'consume', dataKey: true },
  },
  staffSessions: {
    // Staff sign-in for the operations console (docs/security.md "Staff sign-in"): kept apart from
    // the customers' sign-in so that only this door writes staff sign-ins to the audit trail.
    entry: 'functions/staff/api.handler.ts',
    needs: {
      // The password guard (a conditional update), the session registry (put, read in a batch,
      // updated on refresh and sign-out), a DPoP proof's jti (put).
      walletTable: ['BatchGetItem', 'PutItem', 'UpdateItem'],
      // Admin-initiated auth and refresh only: the app client allows no USER_PASSWORD_AUTH.
      userPool: ['cognito-idp:AdminInitiateAuth'],
      // Every try, right or wrong, is appended to the audit trail.
      auditLog: 'append',
    },
  },
  sandbox: {
    entry: 'functions/sandbox/api.handler.ts',
    needs: {
      // The SMS outbox (a query of one phone's messages), money-event progress, and the jobs it
      // runs on demand (ID expiry, settlement sweeper) with their own reads, updates and SMS.
      walletTable: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      walletIndexes: ['gsi1'],
      // The bank's and the switch's books: accounts, faults, movements, settlement lines (a
      // credit delivered is recorded in one transaction), and the key the switch signs with.
      sandboxBank: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
      switchSecret: true,
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
  /**
   * Sign-in, device trust and money-moving calls (Circular 77/2025, API.md v1.1 "App version"): an
   * `X-App-Version` below the stage's minimum is `426 app-upgrade-required`, and so is none where
   * the stage serves no unversioned clients (functions/core/http/app-version.ts).
   */
  readonly checksAppVersion?: true;
}

export const routes: readonly Route[] = [
  { method: 'GET', path: '/health', capability: 'platform', access: 'public' },

  { method: 'POST', path: '/v1/registrations', capability: 'onboarding', access: 'public' },
  { method: 'POST', path: '/v1/registrations/{registrationId}/confirm', capability: 'onboarding', access: 'public' },
  { method: 'POST', path: '/v1/sessions', capability: 'onboarding', access: 'public', checksAppVersion: true },
  { method: 'POST', path: '/v1/sessions/refresh', capability: 'onboarding', access: 'public' },
  { method: 'GET', path: '/v1/me', capability: 'onboarding', access: 'customer' },
  { method: 'POST', path: '/v1/me/kyc', capability: 'onboarding', access: 'customer', checksAppVersion: true },
  {
    method: 'POST',
    path: '/v1/devices/{deviceId}/trust-challenges',
    capability: 'onboarding',
    access: 'customer',
    checksAppVersion: true,
  },
  {
    method: 'POST',
    path: '/v1/devices/{deviceId}/trust',
    capability: 'onboarding',
    access: 'customer',
    checksAppVersion: true,
  },
  { method: 'POST', path: '/v1/wallets', capability: 'onboarding', access: 'customer' },
  { method: 'GET', path: '/v1/wallets', capability: 'onboarding', access: 'customer' },
  { method: 'GET', path: '/v1/wallets/{walletId}', capability: 'onboarding', access: 'customer' },

  { method: 'POST', path: '/v1/wallets/{walletId}/links', capability: 'linking', access: 'customer' },
  { method: 'GET', path: '/v1/wallets/{walletId}/links', capability: 'linking', access: 'customer' },
  { method: 'DELETE', path: '/v1/wallets/{walletId}/links/{linkId}', capability: 'linking', access: 'customer' },

  { method: 'POST', path: '/v1/transfers', capability: 'transfers', access: 'customer', checksAppVersion: true },
  { method: 'GET', path: '/v1/transfers/{transferId}', capability: 'transfers', access: 'customer' },
  {
    method: 'POST',
    path: '/v1/transfers/{transferId}/authorize',
    capability: 'transfers',
    access: 'customer',
    checksAppVersion: true,
  },
  { method: 'GET', path: '/v1/wallets/{walletId}/statement', capability: 'transfers', access: 'customer' },
  { method: 'POST', path: '/v1/name-inquiries', capability: 'transfers', access: 'customer' },
  { method: 'POST', path: '/switch/v1/credits', capability: 'switchInbound', access: 'switch' },

  // Staff (operators, compliance) sign in to the operations console through the wallet.
  { method: 'POST', path: '/v1/staff/sessions', capability: 'staffSessions', access: 'public' },
  { method: 'POST', path: '/v1/staff/sessions/refresh', capability: 'staffSessions', access: 'public' },
  { method: 'POST', path: '/v1/staff/sessions/sign-out', capability: 'staffSessions', access: 'public' },

  { method: 'GET', path: '/v1/ops/reconciliation/safeguarding', capability: 'operations', access: 'operators' },
  { method: 'GET', path: '/v1/ops/reconciliation/switch', capability: 'operations', access: 'operators' },
  { method: 'POST', path: '/v1/ops/watchlist', capability: 'operations', access: 'operators' },
  { method: 'GET', path: '/v1/ops/cases', capability: 'riskCases', access: 'operators' },
  { method: 'POST', path: '/v1/ops/cases/{caseId}/decision', capability: 'riskCases', access: 'operators' },
  { method: 'POST', path: '/v1/ops/cases/{caseId}/suspicious', capability: 'riskCases', access: 'operators' },
  { method: 'GET', path: '/v1/ops/wallets/{walletId}', capability: 'operations', access: 'operators' },
  { method: 'POST', path: '/v1/ops/wallets/{walletId}/freeze', capability: 'operations', access: 'operators' },
  { method: 'POST', path: '/v1/ops/wallets/{walletId}/unfreeze', capability: 'operations', access: 'operators' },
  { method: 'PUT', path: '/v1/ops/wallets/{walletId}/inbox', capability: 'operations', access: 'operators' },
  { method: 'POST', path: '/v1/ops/law-enforcement-requests', capability: 'compliance', access: 'compliance' },
  {
    method: 'GET',
    path: '/v1/ops/law-enforcement-requests/{requestId}',
    capability: 'compliance',
    access: 'compliance',
  },
  { method: 'GET', path: '/v1/ops/reports/large-value', capability: 'compliance', access: 'compliance' },
  { method: 'GET', path: '/v1/ops/reports/suspicious', capability: 'compliance', access: 'compliance' },
  { method: 'GET', path: '/v1/ops/audit', capability: 'compliance', access: 'staff' },

  { method: 'POST', path: '/v1/wallets/{walletId}/lock', capability: 'walletControl', access: 'customer' },
  { method: 'POST', path: '/v1/wallets/{walletId}/unlock', capability: 'walletControl', access: 'customer' },
  { method: 'POST', path: '/v1/wallets/{walletId}/unlock/authorize', capability: 'walletControl', access: 'customer' },

  // The rules of 2026 (API.md v1.1): the phone number (Circular 77/2025), personal data (Law 91/2025).
  { method: 'POST', path: '/v1/me/phone-changes', capability: 'profile', access: 'customer', checksAppVersion: true },
  {
    method: 'POST',
    path: '/v1/me/phone-changes/{changeId}/authorize',
    capability: 'profile',
    access: 'customer',
    checksAppVersion: true,
  },
  { method: 'GET', path: '/v1/me/consents', capability: 'profile', access: 'customer' },
  { method: 'POST', path: '/v1/me/consents', capability: 'profile', access: 'customer' },
  { method: 'POST', path: '/v1/me/data-requests', capability: 'profile', access: 'customer' },
  { method: 'GET', path: '/v1/me/data-requests/{requestId}', capability: 'profile', access: 'customer' },
  { method: 'GET', path: '/v1/ops/data-requests', capability: 'profile', access: 'operators' },
  {
    method: 'GET',
    path: '/v1/ops/customers/{customerId}/retained-data',
    capability: 'profile',
    access: 'compliance',
  },

  { method: 'POST', path: '/v1/merchant/payment-requests', capability: 'merchants', access: 'customer' },
  {
    method: 'GET',
    path: '/v1/merchant/payment-requests/{paymentRequestId}',
    capability: 'merchants',
    access: 'customer',
  },
  { method: 'PUT', path: '/v1/merchant/webhook', capability: 'merchants', access: 'customer' },
  { method: 'GET', path: '/v1/merchant/webhook/deliveries', capability: 'merchants', access: 'customer' },

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
  { method: 'POST', path: '/sandbox/switch/accounts', capability: 'sandbox', access: 'sandbox' },
  {
    method: 'GET',
    path: '/sandbox/switch/accounts/{institutionCode}/{accountNumber}',
    capability: 'sandbox',
    access: 'sandbox',
  },
  { method: 'POST', path: '/sandbox/switch/credits', capability: 'sandbox', access: 'sandbox' },
  { method: 'POST', path: '/sandbox/switch/faults', capability: 'sandbox', access: 'sandbox' },
  { method: 'GET', path: '/sandbox/switch/settlement', capability: 'sandbox', access: 'sandbox' },
  { method: 'POST', path: '/sandbox/switch/settlement/lines', capability: 'sandbox', access: 'sandbox' },
];

export const routeKey = (method: string, path: string): string => `${method} ${path}`;

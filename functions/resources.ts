// The stateful resources as plain data. The CDK stateful stack and the local runtime's bootstrap
// both build from these definitions, so the cloud and the laptop cannot drift apart.
// No SDK or CDK imports here: this module is loaded by `lib/` and `local/` alike.

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name; the physical name is `${stage}-${name}` in AWS and `name` locally. */
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly timeToLiveAttribute: string;
  /** A change stream with both images, for the consumers of committed changes. */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  /** Created only in stages with the sandbox switched on (never in production). */
  readonly sandboxOnly?: boolean;
  readonly globalSecondaryIndexes: readonly {
    readonly indexName: string;
    readonly partitionKey: KeyAttribute;
    readonly sortKey: KeyAttribute;
  }[];
}

/** Single-table design: every entity of the wallet; key shapes live in adapters/dynamodb/keys.ts. */
export const walletTable = {
  name: 'wallet',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'ttl',
  // Committed statement entries and transfers feed the after-commit work (risk profiles,
  // notifications): DESIGN.md "One planner, one commit".
  stream: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
    // Sparse: only COMPLETED transfers of 500,000,000 VND or more carry gsi2pk (`LARGE#<Hanoi day>`),
    // for the large-value report (RULES.md §8; functions/core/domain/large-value.ts).
    {
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
    },
  ],
} as const satisfies TableDefinition;

/**
 * Which stream records of the wallet table the after-commit consumer receives: transfers (created
 * or changed) and new statement entries. Lambda's event-source filters in AWS and the local
 * stream poller are both built from this.
 */
export const walletStreamFilters = [
  { eventNames: ['INSERT', 'MODIFY'], partitionKeyPrefix: 'TRANSFER#', sortKey: { equals: 'TRANSFER' } },
  // Wallets' statement entries, not the system accounts' (`LEDGER#…` / `ENTRY#…`).
  { eventNames: ['INSERT'], partitionKeyPrefix: 'WALLET#', sortKey: { prefix: 'ENTRY#' } },
  // Payment requests the expiry sweep ended: `payment-request.expired` webhooks (API.md v1.1).
  { eventNames: ['MODIFY'], partitionKeyPrefix: 'PAYREQ#', sortKey: { equals: 'PAYREQ' } },
  // Credits into a busy wallet's inbox (`WALLET#<id>#INBOX#<s>` / `CREDIT#…`): its sweeper is asked to fold them in.
  { eventNames: ['INSERT'], partitionKeyPrefix: 'WALLET#', sortKey: { prefix: 'CREDIT#' } },
] as const;

/** Idempotency-Key records, in the shape Powertools' DynamoDB persistence layer expects. */
export const idempotencyTable = {
  name: 'idempotency',
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

/** The sandbox bank's own books: accounts, cards (hashed), movements, faults. Sandbox stages only. */
export const sandboxBankTable = {
  name: 'sandbox-bank',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'ttl',
  sandboxOnly: true,
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

/**
 * The staff audit trail (RULES.md §9; Law 91/2025): append-only. Entries are filed by subject
 * (`SUBJECT#<subject>`, sk `<at>#<auditId>`), written with PutItem only, and expire 5 years and
 * 30 days after they were written (`ttl`, RULES.md §8: records kept at least 5 years).
 */
export const auditTable = {
  name: 'audit',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

export const tables = [walletTable, idempotencyTable, sandboxBankTable, auditTable] as const;

export interface QueueDefinition {
  readonly name: string;
  /** Seconds a received message stays invisible; above the consumer's timeout. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message is moved to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly retentionDays: number;
  /**
   * A FIFO queue: one consumer at a time per message group, in order (its physical name gets the
   * `.fifo` suffix SQS requires, its dead-letter queue too).
   */
  readonly fifo?: boolean;
}

/** The physical name of a queue (`fifo` queues end in `.fifo`), given its base (`<stage>-<name>` in AWS). */
export const queueName = (queue: QueueDefinition, base: string = queue.name): string =>
  queue.fifo ? `${base}.fifo` : base;

/** Bank settlement: top-ups and withdrawals wait here for the bank leg. */
export const settlementQueue = {
  name: 'settlement',
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 5,
  retentionDays: 4,
} as const satisfies QueueDefinition;

/**
 * Merchant webhooks (API.md v1.1): one message per delivery attempt. Retries are new messages
 * with their backoff as delay (the worker's own schedule, 24 hours); the receive count only
 * catches the worker failing itself, into the dead-letter queue with its alarm.
 */
export const webhookQueue = {
  name: 'webhooks',
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 5,
  retentionDays: 4,
} as const satisfies QueueDefinition;

/**
 * Busy wallets' sweeps (functions/core/domain/inbox.ts): one message group per wallet, so that one
 * sweeper at a time folds a wallet's inbox. Fed by the after-commit consumer from inbox inserts; a
 * sweep that kept failing lands in the dead-letter queue, with its alarm.
 */
export const sweepQueue = {
  name: 'inbox-sweeps',
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 5,
  retentionDays: 4,
  fifo: true,
} as const satisfies QueueDefinition;

export const queues = [settlementQueue, webhookQueue, sweepQueue] as const;

/** Customers sign in with their phone number; staff are users of the same pool in groups. */
export const userPool = {
  name: 'wallet-users',
  usernameAttributes: ['phone_number'],
  // RULES.md §3: passwords at least 8 characters; AwsSolutions-COG1 asks for all four classes.
  passwordPolicy: {
    minimumLength: 8,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: true,
  },
  groups: ['operators', 'compliance'],
  client: {
    name: 'wallet-app',
    // Only the wallet signs customers in (API.md v1.1): admin-initiated auth, which needs the
    // sign-in function's IAM permission, and refresh; no USER_PASSWORD_AUTH that would let a
    // client skip the wallet's lock-out and device checks at Cognito's public endpoint.
    authFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    // Access tokens live 5 minutes (API.md v1.1 "Sessions end when idle"); the idle limit of a
    // session is the wallet's (POST /v1/sessions/refresh), the refresh token's own life Cognito's.
    accessTokenValidityMinutes: 5,
    idTokenValidityMinutes: 5,
    refreshTokenValidityDays: 30,
  },
} as const;

/** The names handlers read their resources from, set by the CDK stack or the local runtime. */
export const environmentVariables = {
  stage: 'STAGE',
  walletTable: 'WALLET_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
  settlementQueueUrl: 'SETTLEMENT_QUEUE_URL',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  dataKeyId: 'DATA_KEY_ID',
  sandbox: 'SANDBOX_ENABLED',
  sandboxBankTable: 'SANDBOX_BANK_TABLE_NAME',
  auditTable: 'AUDIT_TABLE_NAME',
  /** Seconds a session may stay idle (no refresh) before `POST /v1/sessions/refresh` ends it (default 300). */
  sessionIdleSeconds: 'SESSION_IDLE_SECONDS',
  /** `allow` or `deny`: whether devices trusted without a key (v1 clients) still count by their id. */
  keylessDevices: 'KEYLESS_DEVICES',
  /** Minimum app versions per platform, `android/4.0.0,ios/4.1.0` (API.md v1.1 "App version"; Circular 77/2025). */
  minAppVersion: 'MIN_APP_VERSION',
  /** `allow` or `deny`: whether a request without X-App-Version is accepted. */
  unversionedApps: 'UNVERSIONED_APPS',
  /** Working days a suspicious-transaction report is due in after detection (RULES.md §8; default 3). */
  suspiciousReportDueWorkingDays: 'STR_DUE_WORKING_DAYS',
  /** Days a personal-data request is due in (RULES.md §9; default 3, i.e. 72 hours). */
  dataRequestDueDays: 'DATA_REQUEST_DUE_DAYS',
  /** The API's public base URL, stage path included, when it is not the URL API Gateway is called at. */
  publicBaseUrl: 'PUBLIC_BASE_URL',
  /** Overrides of the risk engine's thresholds (JSON, the shape of functions/core/domain/risk/config.ts). */
  riskConfig: 'RISK_CONFIG',
  /** The production eKYC provider: issuer and JWKS URL of its signing keys. */
  ekycIssuer: 'EKYC_ISSUER',
  ekycJwksUrl: 'EKYC_JWKS_URL',
  /** This provider's code in the switch's list of institutions (API.md "Interoperable transfers"). */
  institutionCode: 'INSTITUTION_CODE',
  /** The Secrets Manager secret holding the key the switch signs its messages with. */
  switchSecretArn: 'SWITCH_SECRET_ARN',
  /** Local runtime and tests only: the switch's signing key itself (no Secrets Manager). */
  switchSigningSecret: 'SWITCH_SIGNING_SECRET',
  /** Merchant webhooks: the delivery queue and its dead-letter queue (API.md v1.1). */
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  webhookDeadLetterUrl: 'WEBHOOK_DLQ_URL',
  /** Busy wallets' sweeps: the FIFO queue, one message group per wallet (docs/merchants.md). */
  sweepQueueUrl: 'SWEEP_QUEUE_URL',
  /** The provider's six-digit code as VietQR acquirer (stage configuration). */
  vietQrAcquirerId: 'VIETQR_ACQUIRER_ID',
  /** `loopback` in the local runtime only: webhooks may go to http://127.0.0.1 there. */
  webhookUrlPolicy: 'WEBHOOK_URL_POLICY',
} as const;

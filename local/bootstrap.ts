// Creates the stateful resources on the local engines from the same plain-data definitions the
// CDK stateful stack uses (functions/resources.ts), and returns the environment a handler needs.
// Key names, queue settings and pool settings are read from the definitions, never restated here.

import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type ExplicitAuthFlowsType,
  type UsernameAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  auditTable,
  environmentVariables,
  idempotencyTable,
  type KeyAttribute,
  type QueueDefinition,
  queueName,
  queues,
  sandboxBankTable,
  settlementQueue,
  sweepQueue,
  type TableDefinition,
  tables,
  userPool,
  walletTable,
  webhookQueue,
} from '../functions/resources.ts';

export interface EngineEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly cognito: string;
}

/** Region the local runtime pretends to be in. */
export const LOCAL_REGION = 'ap-southeast-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** SQS's maximum retention, for dead-letter queues: longer than any source queue's. */
const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** Locally the physical table name is the logical one (in AWS it is `${stage}-${name}`). */
export function localTableName(table: TableDefinition): string {
  return table.name;
}

export function deadLetterQueueName(queue: QueueDefinition): string {
  return queueName(queue, `${queue.name}-dlq`);
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function attributeDefinitions(table: TableDefinition): AttributeDefinition[] {
  const keys: KeyAttribute[] = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  for (const index of table.globalSecondaryIndexes) keys.push(index.partitionKey, index.sortKey);
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) byName.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  return [...byName.values()];
}

async function createTable(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  const TableName = localTableName(table);
  try {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(table),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } } : {}),
        ...(table.globalSecondaryIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: { ProjectionType: 'ALL' as const },
              })),
            }
          : {}),
      }),
    );
  } catch (error) {
    // Idempotent: re-running against an engine that already has the table is fine.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
  }
}

/** A queue and its dead-letter queue from a definition (exported for tests that need their own). */
export async function createQueue(client: SQSClient, queue: QueueDefinition): Promise<{ url: string; dlqUrl: string }> {
  // A FIFO queue's dead letters go to a FIFO queue (SQS requires it); deduplication by content there.
  const fifo = queue.fifo ? { FifoQueue: 'true' } : {};
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: deadLetterQueueName(queue),
      Attributes: {
        MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
        ...(queue.fifo ? { ...fifo, ContentBasedDeduplication: 'true' } : {}),
      },
    }),
  );
  const dlqUrl = dlq.QueueUrl!;
  const dlqAttributes = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const deadLetterTargetArn = dlqAttributes.Attributes?.QueueArn;
  if (!deadLetterTargetArn) throw new Error(`no QueueArn for ${deadLetterQueueName(queue)}`);
  const created = await client.send(
    new CreateQueueCommand({
      QueueName: queueName(queue),
      Attributes: {
        ...fifo,
        VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(queue.retentionDays * 24 * 60 * 60),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: String(queue.maxReceiveCount) }),
      },
    }),
  );
  return { url: created.QueueUrl!, dlqUrl };
}

async function createUserPool(client: CognitoIdentityProviderClient): Promise<{ poolId: string; clientId: string }> {
  const policy = userPool.passwordPolicy;
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: userPool.name,
      // cognito-local needs this to accept E.164 phone numbers as usernames.
      UsernameAttributes: [...userPool.usernameAttributes] as UsernameAttributeType[],
      Policies: {
        PasswordPolicy: {
          MinimumLength: policy.minimumLength,
          RequireLowercase: policy.requireLowercase,
          RequireUppercase: policy.requireUppercase,
          RequireNumbers: policy.requireNumbers,
          RequireSymbols: policy.requireSymbols,
        },
      },
    }),
  );
  const poolId = pool.UserPool?.Id;
  if (!poolId) throw new Error('CreateUserPool returned no pool id');
  for (const GroupName of userPool.groups) {
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName }));
  }
  const appClient = userPool.client;
  const created = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: appClient.name,
      GenerateSecret: false,
      ExplicitAuthFlows: [...appClient.authFlows] as ExplicitAuthFlowsType[],
      AccessTokenValidity: appClient.accessTokenValidityMinutes,
      IdTokenValidity: appClient.idTokenValidityMinutes,
      RefreshTokenValidity: appClient.refreshTokenValidityDays,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    }),
  );
  const clientId = created.UserPoolClient?.ClientId;
  if (!clientId) throw new Error('CreateUserPoolClient returned no client id');
  return { poolId, clientId };
}

/**
 * Creates every table, queue (+ DLQ) and the user pool on the given engines and returns the
 * environment for handlers and SDK clients: resource names/URLs/ids keyed by
 * `environmentVariables`, plus AWS_REGION, dummy credentials, the service-specific
 * AWS_ENDPOINT_URL_* variables (honoured by AWS SDK v3 clients built with no endpoint),
 * COGNITO_ISSUER, COGNITO_JWKS_URL and SETTLEMENT_DLQ_URL.
 */
export async function bootstrapResources(endpoints: EngineEndpoints): Promise<Record<string, string>> {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs });
  const cognito = new CognitoIdentityProviderClient({ ...common, endpoint: endpoints.cognito });
  try {
    const [, queueUrls, pool] = await Promise.all([
      Promise.all(tables.map((table) => createTable(dynamodb, table))),
      Promise.all(queues.map(async (queue) => [queue.name, await createQueue(sqs, queue)] as const)),
      createUserPool(cognito),
    ]);
    const settlement = new Map(queueUrls).get(settlementQueue.name);
    if (!settlement) throw new Error(`queue ${settlementQueue.name} was not created`);
    const webhooks = new Map(queueUrls).get(webhookQueue.name);
    if (!webhooks) throw new Error(`queue ${webhookQueue.name} was not created`);
    const sweeps = new Map(queueUrls).get(sweepQueue.name);
    if (!sweeps) throw new Error(`queue ${sweepQueue.name} was not created`);
    const issuer = `${endpoints.cognito}/${pool.poolId}`;
    return {
      [environmentVariables.stage]: 'local',
      [environmentVariables.walletTable]: localTableName(walletTable),
      [environmentVariables.idempotencyTable]: localTableName(idempotencyTable),
      [environmentVariables.sandboxBankTable]: localTableName(sandboxBankTable),
      [environmentVariables.auditTable]: localTableName(auditTable),
      [environmentVariables.settlementQueueUrl]: settlement.url,
      SETTLEMENT_DLQ_URL: settlement.dlqUrl,
      [environmentVariables.webhookQueueUrl]: webhooks.url,
      [environmentVariables.webhookDeadLetterUrl]: webhooks.dlqUrl,
      [environmentVariables.sweepQueueUrl]: sweeps.url,
      SWEEP_DLQ_URL: sweeps.dlqUrl,
      // Tests receive webhooks on http://127.0.0.1 (API.md v1.1: allowed in the local runtime only).
      [environmentVariables.webhookUrlPolicy]: 'loopback',
      [environmentVariables.userPoolId]: pool.poolId,
      [environmentVariables.userPoolClientId]: pool.clientId,
      [environmentVariables.dataKeyId]: 'local',
      [environmentVariables.sandbox]: 'true',
      // The local runtime serves v1 clients too (API.md "Device binding": keyless devices by id).
      [environmentVariables.keylessDevices]: 'allow',
      // API.md v1.1 "App version": 1.0.0 for both platforms unless MIN_APP_VERSION says otherwise;
      // clients without X-App-Version are served unless UNVERSIONED_APPS=deny.
      [environmentVariables.minAppVersion]: process.env.MIN_APP_VERSION ?? 'android/1.0.0,ios/1.0.0',
      [environmentVariables.unversionedApps]: process.env.UNVERSIONED_APPS ?? 'allow',
      [environmentVariables.suspiciousReportDueWorkingDays]: process.env.STR_DUE_WORKING_DAYS ?? '3',
      [environmentVariables.dataRequestDueDays]: process.env.DATA_REQUEST_DUE_DAYS ?? '3',
      [environmentVariables.sessionIdleSeconds]: process.env.SESSION_IDLE_SECONDS ?? '300',
      COGNITO_ISSUER: issuer,
      COGNITO_JWKS_URL: `${issuer}/.well-known/jwks.json`,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
    };
  } finally {
    dynamodb.destroy();
    sqs.destroy();
    cognito.destroy();
  }
}

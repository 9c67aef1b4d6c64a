import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  idempotencyTable,
  settlementQueue,
  type TableDefinition,
  tables,
  userPool,
  walletTable,
} from '#functions/resources.ts';
import { type StageName, stages } from '../../lib/config/index.ts';
import { buildStage, templatesOf } from './synth.ts';

const keySchema = (definition: { partitionKey: { name: string }; sortKey?: { name: string } }) => [
  { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
  ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
];

const tableResource = (template: Template, stage: string, definition: TableDefinition) => {
  const found = template.findResources('AWS::DynamoDB::Table', {
    Properties: { TableName: `${stage}-${definition.name}` },
  });
  const entries = Object.values(found);
  expect(entries).toHaveLength(1);
  return entries[0] as { Properties: Record<string, unknown>; DeletionPolicy?: string };
};

describe.each<StageName>(['sandbox', 'production'])('stateful stack (%s)', (stage) => {
  let template: Template;
  const allTables: readonly TableDefinition[] = tables;
  const stageTables = allTables.filter((definition) => !definition.sandboxOnly || stages[stage].sandboxEnabled);

  beforeAll(() => {
    template = templatesOf(buildStage(stage)).stateful;
  }, 120_000);

  it('has one table per definition in functions/resources.ts (sandbox-only ones where the sandbox is on)', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', stageTables.length);
    if (stage === 'production') {
      expect(allTables.some((definition) => definition.sandboxOnly)).toBe(true);
      expect(stageTables.some((definition) => definition.sandboxOnly)).toBe(false);
    }
  });

  it.each(stageTables.map((definition) => [definition.name, definition] as const))(
    'builds the %s table from its definition: on-demand, PITR, KMS (customer key), TTL, GSIs',
    (_name, definition) => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `${stage}-${definition.name}`,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(definition),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
        GlobalSecondaryIndexes:
          definition.globalSecondaryIndexes.length === 0
            ? Match.absent()
            : definition.globalSecondaryIndexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: keySchema(index),
                Projection: { ProjectionType: 'ALL' },
              })),
      });
    },
  );

  it('gives the wallet table its gsi1 and gsi2 and the idempotency table its expiration TTL', () => {
    const wallet = tableResource(template, stage, walletTable).Properties;
    expect(wallet.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({ IndexName: 'gsi1' }),
      expect.objectContaining({ IndexName: 'gsi2' }),
    ]);
    const idempotency = tableResource(template, stage, idempotencyTable).Properties;
    expect(idempotency.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
  });

  it('encrypts the tables with a customer-managed key that rotates', () => {
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(2);
    for (const key of Object.values(keys)) expect(key.Properties.EnableKeyRotation).toBe(true);
    const storageKey = Object.keys(keys).find((id) => id.startsWith('StorageKey'));
    for (const definition of stageTables) {
      expect(tableResource(template, stage, definition).Properties.SSESpecification as object).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [storageKey, 'Arn'] },
      });
    }
  });

  it('has a settlement queue with a dead-letter queue and the redrive count of the definition', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const dlqId = Object.keys(queues).find((id) => queues[id]?.Properties.QueueName === `${stage}-settlement-dlq`);
    expect(dlqId).toBeDefined();
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${stage}-${settlementQueue.name}`,
      VisibilityTimeout: settlementQueue.visibilityTimeoutSeconds,
      MessageRetentionPeriod: settlementQueue.retentionDays * 86_400,
      KmsMasterKeyId: Match.anyValue(),
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: settlementQueue.maxReceiveCount,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${stage}-settlement-dlq`,
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  it('denies every queue request that does not use TLS', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    // The settlement queue and its dead-letter queue, the after-commit consumer's failure queue,
    // the webhook delivery queue and its dead-letter queue, the sweep queue (FIFO) and its own.
    expect(policies).toHaveLength(Object.keys(template.findResources('AWS::SQS::Queue')).length);
    expect(policies).toHaveLength(7);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('alarms as soon as one message is visible in the dead-letter queue, to a KMS-encrypted topic', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const dlqId = Object.keys(queues).find((id) => queues[id]?.Properties.QueueName === `${stage}-settlement-dlq`);
    const topics = template.findResources('AWS::SNS::Topic');
    const topicId = Object.keys(topics)[0];
    expect(Object.keys(topics)).toHaveLength(1);
    expect(topics[topicId as string]?.Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('has a user pool signing in by phone number, no self sign-up, the password policy of the definition', () => {
    const policy = userPool.passwordPolicy;
    expect(policy.minimumLength).toBeGreaterThanOrEqual(8);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: `${stage}-${userPool.name}`,
      UsernameAttributes: ['phone_number'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OFF',
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
      SmsConfiguration: Match.absent(),
      Policies: {
        PasswordPolicy: {
          MinimumLength: policy.minimumLength,
          RequireLowercase: policy.requireLowercase,
          RequireUppercase: policy.requireUppercase,
          RequireNumbers: policy.requireNumbers,
          RequireSymbols: policy.requireSymbols,
        },
      },
    });
  });

  it('has the app client of the definition: exact auth flows, no secret, no OAuth, token validity', () => {
    const { client } = userPool;
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: client.name,
      ExplicitAuthFlows: [...client.authFlows],
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      AllowedOAuthFlowsUserPoolClient: false,
      AccessTokenValidity: client.accessTokenValidityMinutes,
      IdTokenValidity: client.idTokenValidityMinutes,
      RefreshTokenValidity: client.refreshTokenValidityDays * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });

  it('lets nobody sign in past the wallet: no USER_PASSWORD_AUTH on any client, 5-minute access tokens', () => {
    // API.md v1.1: Cognito's public endpoint must not hand tokens to a client that skips the
    // wallet's lock-out and device checks; sign-in is admin-initiated by the sign-in function.
    for (const client of Object.values(template.findResources('AWS::Cognito::UserPoolClient'))) {
      const flows = client.Properties.ExplicitAuthFlows as string[];
      expect(flows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
      expect(flows).not.toContain('USER_PASSWORD_AUTH');
      expect(flows).not.toContain('ALLOW_USER_SRP_AUTH');
      expect(flows).toContain('ALLOW_ADMIN_USER_PASSWORD_AUTH');
      expect(client.Properties.AccessTokenValidity).toBeLessThanOrEqual(5);
    }
  });

  it('has the staff groups of the definition', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', userPool.groups.length);
    for (const groupName of userPool.groups) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: groupName });
    }
  });

  it('outputs the user pool and client ids', () => {
    template.hasOutput('UserPoolId', {});
    template.hasOutput('UserPoolClientId', {});
  });

  if (stage === 'production') {
    it('protects and retains production data', () => {
      for (const definition of stageTables) {
        const table = tableResource(template, stage, definition);
        expect(table.Properties.DeletionProtectionEnabled).toBe(true);
        expect(table.DeletionPolicy).toBe('Retain');
      }
      template.hasResource('AWS::Cognito::UserPool', {
        Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
        DeletionPolicy: 'Retain',
      });
      for (const key of Object.values(template.findResources('AWS::KMS::Key'))) {
        expect(key.DeletionPolicy).toBe('Retain');
      }
      for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
        expect(queue.DeletionPolicy).toBe('Retain');
      }
    });
  } else {
    it('lets the sandbox be torn down', () => {
      for (const definition of stageTables) {
        const table = tableResource(template, stage, definition);
        expect(table.Properties.DeletionProtectionEnabled).toBe(false);
        expect(table.DeletionPolicy).toBe('Delete');
      }
    });
  }
});

// Everything that holds data or identity and must survive a redeploy of the code: the keys, the
// tables, the settlement queue and its alarm, the user pool. Built from functions/resources.ts.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  auditTable,
  idempotencyTable,
  sandboxBankTable,
  settlementQueue,
  sweepQueue,
  userPool,
  walletTable,
  webhookQueue,
} from '#functions/resources.ts';
import { removalPolicyOf, type StageConfig } from '../config/index.ts';
import { acknowledge } from '../constructs/nag.ts';
import { SettlementQueue } from '../constructs/settlement-queue.ts';
import { WalletUserPool } from '../constructs/user-pool.ts';
import { deployedTables, type TableName, WalletTable } from '../constructs/wallet-table.ts';

/** What the stateless stack needs from this one: typed, passed as props (cross-stack references). */
export interface WalletResources {
  readonly walletTable: dynamodb.ITable;
  readonly idempotencyTable: dynamodb.ITable;
  /** Only in stages with the sandbox. */
  readonly sandboxBankTable?: dynamodb.ITable | undefined;
  /** The append-only staff audit trail (RULES.md §9): functions get PutItem, readers Query/GetItem. */
  readonly auditTable: dynamodb.ITable;
  readonly settlementQueue: sqs.IQueue;
  /** Merchant webhooks' delivery queue and its dead-letter queue (deliveries given up on, with an alarm). */
  readonly webhookQueue?: sqs.IQueue;
  readonly webhookDeadLetterQueue?: sqs.IQueue;
  /** Busy wallets' sweeps: a FIFO queue, one message group per wallet, with its dead-letter queue and alarm. */
  readonly sweepQueue?: sqs.IQueue;
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  /** Envelope key for personal data (ID numbers) that handlers encrypt themselves. */
  readonly dataKey: kms.IKey;
  /** Encrypts data at rest: tables, queues, the alarm topic and the log groups. */
  readonly storageKey: kms.IKey;
  /** Where operational alarms go (dead letters, safeguarding). */
  readonly alarmTopic?: sns.ITopic;
  /** The wallet table's stream: committed entries and transfers for the after-commit consumer. */
  readonly walletStreamArn?: string;
  /** Stream batches the after-commit consumer gave up on, kept for an operator (with an alarm). */
  readonly moneyEventsFailures?: sqs.IQueue;
  /** The key the switch signs its messages with (shared with the switch; API.md "Interoperable transfers"). */
  readonly switchSecret: secretsmanager.ISecret;
}

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

export class StatefulStack extends Stack {
  readonly config: StageConfig;
  readonly storageKey: kms.Key;
  readonly dataKey: kms.Key;
  /** The tables of functions/resources.ts this stage deploys (sandbox-only ones where enabled). */
  readonly tables: Partial<Record<TableName, dynamodb.Table>>;
  readonly settlement: SettlementQueue;
  readonly webhooks: SettlementQueue;
  readonly sweeps: SettlementQueue;
  readonly alarmTopic: sns.Topic;
  readonly users: WalletUserPool;
  /** The typed hand-over to the stateless stack. */
  readonly resources: WalletResources;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const removalPolicy = removalPolicyOf(config);
    const pendingWindow = config.removalPolicy === 'retain' ? Duration.days(30) : Duration.days(7);

    this.storageKey = new kms.Key(this, 'StorageKey', {
      alias: `alias/wallet-${config.stage}-storage`,
      description: `Wallet ${config.stage}: encryption at rest of tables, queues, alarm topic and logs`,
      enableKeyRotation: true,
      pendingWindow,
      removalPolicy,
    });
    // CloudWatch Logs encrypts the wallet's log groups with this key (AWS docs: "Encrypt log data
    // in CloudWatch Logs using AWS KMS"), scoped to log groups of this account and region.
    this.storageKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );
    // CloudWatch alarms publish to the KMS-encrypted alarm topic.
    this.storageKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.dataKey = new kms.Key(this, 'DataKey', {
      alias: `alias/wallet-${config.stage}-data`,
      description: `Wallet ${config.stage}: envelope encryption of personal data (ID numbers) by the handlers`,
      enableKeyRotation: true,
      pendingWindow,
      removalPolicy,
    });

    this.tables = Object.fromEntries(
      deployedTables(config).map((definition) => [
        definition.name,
        new WalletTable(this, `Table-${definition.name}`, {
          definition,
          stage: config.stage,
          encryptionKey: this.storageKey,
          removalPolicy,
          deletionProtection: config.deletionProtection,
        }).table,
      ]),
    );
    const table = (name: TableName): dynamodb.Table => {
      const found = this.tables[name];
      if (!found) throw new Error(`Table "${name}" is not deployed in stage ${config.stage}`);
      return found;
    };

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `wallet-${config.stage}-alarms`,
      displayName: `Wallet ${config.stage} alarms`,
      masterKey: this.storageKey,
      enforceSSL: true,
    });
    if (config.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    }

    this.settlement = new SettlementQueue(this, 'Settlement', {
      definition: settlementQueue,
      stage: config.stage,
      encryptionKey: this.storageKey,
      removalPolicy,
      alarmTopic: this.alarmTopic,
    });

    // Merchant webhooks (API.md v1.1): the same queue, DLQ and alarm shape as settlement.
    this.webhooks = new SettlementQueue(this, 'Webhooks', {
      definition: webhookQueue,
      stage: config.stage,
      encryptionKey: this.storageKey,
      removalPolicy,
      alarmTopic: this.alarmTopic,
      alarmDescription:
        'A merchant webhook was not delivered for 24 hours, or its worker kept failing: see docs/operations.md "Webhook deliveries"',
    });

    // Busy wallets' inboxes (docs/merchants.md): one sweeper per wallet at a time (FIFO, the wallet
    // as message group); a sweep that kept failing waits in the dead-letter queue, with its alarm.
    this.sweeps = new SettlementQueue(this, 'Sweeps', {
      definition: sweepQueue,
      stage: config.stage,
      encryptionKey: this.storageKey,
      removalPolicy,
      alarmTopic: this.alarmTopic,
      alarmDescription:
        'A sweep of a busy wallet\'s inbox failed five times: its credits wait unapplied (counted in its balance and in safeguarding): see docs/operations.md "Inbox sweeps"',
    });

    this.users = new WalletUserPool(this, 'Users', {
      definition: userPool,
      stage: config.stage,
      removalPolicy,
      deletionProtection: config.deletionProtection,
      threatProtection: config.cognitoThreatProtection,
    });

    const moneyEventsFailures = new sqs.Queue(this, 'MoneyEventsFailures', {
      queueName: `${config.stage}-money-events-failed`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.storageKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    acknowledge(moneyEventsFailures, {
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the failure destination of the after-commit stream consumer (a dead-letter queue): nothing consumes it, an operator reads it when its alarm fires.',
    });
    new cloudwatch.Alarm(this, 'MoneyEventsFailuresAlarm', {
      alarmName: `${config.stage}-money-events-failed`,
      alarmDescription:
        'The after-commit consumer gave up on a batch of the wallet stream (risk profiles or notifications): see docs/deployment.md',
      metric: moneyEventsFailures.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new actions.SnsAction(this.alarmTopic));

    // The switch and this provider sign with a shared key: generated here, then exchanged with the
    // switch operator out of band (docs/deployment.md). Rotation is agreed with the switch, so it
    // is not automatic.
    const switchSecret = new secretsmanager.Secret(this, 'SwitchSigningKey', {
      secretName: `wallet-${config.stage}-switch-signing-key`,
      description: `Wallet ${config.stage}: HMAC-SHA256 key the switch signs incoming credits with`,
      encryptionKey: this.storageKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    acknowledge(switchSecret, {
      id: 'AwsSolutions-SMG4',
      reason:
        'The key is shared with the switch operator (NAPAS), who must hold the same value: it is rotated by agreement with them (docs/deployment.md), not by a rotation Lambda.',
    });

    this.resources = {
      switchSecret,
      walletTable: table(walletTable.name),
      walletStreamArn: table(walletTable.name).tableStreamArn,
      moneyEventsFailures,
      idempotencyTable: table(idempotencyTable.name),
      sandboxBankTable: this.tables[sandboxBankTable.name],
      auditTable: table(auditTable.name),
      settlementQueue: this.settlement.queue,
      webhookQueue: this.webhooks.queue,
      webhookDeadLetterQueue: this.webhooks.deadLetterQueue,
      sweepQueue: this.sweeps.queue,
      userPool: this.users.userPool,
      userPoolClient: this.users.client,
      dataKey: this.dataKey,
      storageKey: this.storageKey,
      alarmTopic: this.alarmTopic,
    };

    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.users.client.userPoolClientId });
    new CfnOutput(this, 'WalletTableName', { value: table(walletTable.name).tableName });
    new CfnOutput(this, 'SettlementQueueUrl', { value: this.settlement.queue.queueUrl });
    new CfnOutput(this, 'DataKeyArn', { value: this.dataKey.keyArn });
  }
}

// One Lambda function per capability, with the defaults every wallet function shares (Node 24 on
// arm64, ESM bundle built locally by esbuild, X-Ray, its own encrypted log group) and exactly the
// permissions its `needs` in functions/routes.ts name: no managed policies, no `dynamodb:*`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  environmentVariables,
  settlementQueue,
  sweepQueue,
  walletStreamFilters,
  webhookQueue,
} from '#functions/resources.ts';
import {
  type Capability,
  functionTimeouts,
  idempotencyTableActions,
  type TableAction,
  tableWriteActions,
  walletTableActions,
} from '#functions/routes.ts';
import { removalPolicyOf, type StageConfig } from '../config/index.ts';
import type { WalletResources } from '../stacks/stateful-stack.ts';
import { acknowledge } from './nag.ts';

/** The project root: entries in routes.ts and package-lock.json are relative to it. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Lambda's Node.js 24 runtime (nodejs24.x). */
export const walletRuntime = lambda.Runtime.NODEJS_24_X;

/** ESM bundles still meet CommonJS dependencies that call `require`: give them one. */
export const esmRequireBanner =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** functions/routes.ts `functionTimeouts`: the money path's retry budget is derived from the same figure. */
const requestTimeout = Duration.seconds(functionTimeouts.requestSeconds);
const scheduledJobTimeout = Duration.seconds(functionTimeouts.scheduledSeconds);

interface TableGrant {
  readonly table: dynamodb.ITable;
  readonly actions: readonly TableAction[];
  readonly indexes: readonly string[];
}

const writes = (grant: TableGrant): boolean => grant.actions.some((action) => tableWriteActions.includes(action));

/** CDK's key actions for a table grant: read (Decrypt, DescribeKey), plus write where items change. */
function storageKeyActions(grants: readonly TableGrant[]): string[] {
  const read = ['kms:Decrypt', 'kms:DescribeKey'];
  return grants.some(writes) ? [...read, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : read;
}

export interface WalletFunctionProps {
  /** Capability name: the function is `wallet-<stage>-<name>`. */
  readonly name: string;
  readonly capability: Capability;
  readonly config: StageConfig;
  readonly resources: WalletResources;
}

export class WalletFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The EventBridge rule of a scheduled capability. */
  readonly schedule?: events.Rule;

  constructor(scope: Construct, id: string, props: WalletFunctionProps) {
    super(scope, id);
    const { name, capability, config, resources } = props;
    const functionName = `wallet-${config.stage}-${name}`;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: config.logRetentionDays as logs.RetentionDays,
      encryptionKey: resources.storageKey,
      removalPolicy: removalPolicyOf(config),
    });

    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to its log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Wallet ${config.stage} ${name}: exactly the needs declared in functions/routes.ts`,
    });
    this.logGroup.grantWrite(this.role);

    // Every name of `environmentVariables` must be wired here (the type says so); optional values
    // that a stage does not configure are left out rather than set to an empty string.
    const environment: Record<keyof typeof environmentVariables, string | undefined> = {
      stage: config.stage,
      walletTable: resources.walletTable.tableName,
      idempotencyTable: resources.idempotencyTable.tableName,
      sandboxBankTable: resources.sandboxBankTable?.tableName,
      auditTable: capability.needs.auditLog ? resources.auditTable.tableName : undefined,
      settlementQueueUrl: resources.settlementQueue.queueUrl,
      userPoolId: resources.userPool.userPoolId,
      userPoolClientId: resources.userPoolClient.userPoolClientId,
      dataKeyId: resources.dataKey.keyArn,
      sandbox: String(config.sandboxEnabled),
      riskConfig: config.risk ? JSON.stringify(config.risk) : undefined,
      keylessDevices: config.allowKeylessDevices ? 'allow' : 'deny',
      minAppVersion: Object.entries(config.appVersions.minimum)
        .map(([platform, version]) => `${platform}/${version}`)
        .join(','),
      unversionedApps: config.appVersions.allowUnversioned ? 'allow' : 'deny',
      suspiciousReportDueWorkingDays: String(config.suspiciousReportDueWorkingDays),
      dataRequestDueDays: String(config.dataRequestDueDays),
      sessionIdleSeconds: String(config.sessionIdleSeconds),
      webhookQueueUrl: capability.needs.webhookQueue ? resources.webhookQueue?.queueUrl : undefined,
      webhookDeadLetterUrl:
        capability.needs.webhookQueue === 'consume' ? resources.webhookDeadLetterQueue?.queueUrl : undefined,
      sweepQueueUrl: capability.needs.sweepQueue ? resources.sweepQueue?.queueUrl : undefined,
      vietQrAcquirerId: config.vietQrAcquirerId,
      // Only the local runtime lets webhooks go to loopback: deployed functions never set it.
      webhookUrlPolicy: undefined,
      publicBaseUrl: config.publicBaseUrl,
      ekycIssuer: config.ekyc?.issuer,
      ekycJwksUrl: config.ekyc?.jwksUrl,
      institutionCode: config.institutionCode,
      switchSecretArn: capability.needs.switchSecret ? resources.switchSecret.secretArn : undefined,
      // Only the local runtime sets the key itself; deployed functions read the secret.
      switchSigningSecret: undefined,
    };

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      description: `Wallet ${config.stage}: ${name}`,
      entry: join(projectRoot, capability.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: walletRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: capability.schedule ? scheduledJobTimeout : requestTimeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        ...Object.fromEntries(
          Object.entries(environment).flatMap(([key, value]) =>
            value === undefined ? [] : [[environmentVariables[key as keyof typeof environmentVariables], value]],
          ),
        ),
        POWERTOOLS_SERVICE_NAME: name,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: esmRequireBanner,
        minify: true,
        sourceMap: true,
        // Stack traces map to file:line without shipping the sources inside the zip.
        sourcesContent: false,
        // Bundle everything, the AWS SDK included: package-lock.json pins the versions we test
        // against instead of whatever SDK the Lambda runtime happens to ship.
        externalModules: [],
      },
    });

    if (capability.schedule) {
      this.schedule = new events.Rule(this, 'Schedule', {
        ruleName: `${functionName}-schedule`,
        description: `Runs ${functionName} on ${capability.schedule} (UTC)`,
        schedule: events.Schedule.expression(capability.schedule),
        targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
    }

    this.grantNeeds(props);
    this.acknowledgeFindings(props);
  }

  private grantNeeds({ capability, config, resources }: WalletFunctionProps): void {
    const { needs } = capability;
    const fn = this.function;

    // Each table: exactly the item actions the capability's code takes (functions/routes.ts), on
    // the table's own ARN; Query on an index only on that index's ARN. No Scan anywhere, and
    // DeleteItem or BatchWriteItem only where a capability declares it.
    const tables = this.tableGrants(capability, config.sandboxEnabled, resources);
    for (const { table, actions, indexes } of tables) {
      if (actions.length) {
        iam.Grant.addToPrincipal({
          grantee: fn,
          actions: actions.map((action) => `dynamodb:${action}`),
          resourceArns: [table.tableArn],
        });
      }
      if (indexes.length) {
        iam.Grant.addToPrincipal({
          grantee: fn,
          actions: ['dynamodb:Query'],
          resourceArns: indexes.map((index) => `${table.tableArn}/index/${index}`),
        });
      }
    }
    // What CDK's table grants added for tables encrypted with the customer-managed storage key:
    // decrypt to read, and encrypt (ReEncrypt*, GenerateDataKey*) where the function writes.
    if (tables.length) resources.storageKey.grant(fn, ...storageKeyActions(tables));

    // The audit trail is append-only (RULES.md §9): PutItem, plus Query and GetItem for readers;
    // never UpdateItem, DeleteItem or BatchWriteItem (test/infra/audit.test.ts).
    if (needs.auditLog) {
      const reads = needs.auditLog === 'read' ? ['dynamodb:Query', 'dynamodb:GetItem'] : [];
      resources.auditTable.grant(fn, 'dynamodb:PutItem', ...reads);
      // Table.grant adds no key permissions: DynamoDB uses the storage key on the caller's behalf.
      resources.storageKey.grant(fn, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
    }

    if (needs.settlementQueue === 'send') resources.settlementQueue.grantSendMessages(fn);
    if (needs.settlementQueue === 'consume') {
      resources.settlementQueue.grantConsumeMessages(fn);
      if ((fn.timeout ?? requestTimeout).toSeconds() * 6 > settlementQueue.visibilityTimeoutSeconds) {
        throw new Error('The settlement queue visibility timeout must be at least 6 times the consumer timeout');
      }
      fn.addEventSource(
        new SqsEventSource(resources.settlementQueue, { batchSize: 10, reportBatchItemFailures: true }),
      );
    }

    if (needs.webhookQueue) this.useWebhookQueue(needs.webhookQueue, resources);

    if (needs.sweepQueue) this.useSweepQueue(needs.sweepQueue, resources);

    if (needs.walletStream) this.consumeWalletStream(resources);

    if (needs.userPool?.length) {
      for (const action of needs.userPool) {
        if (!/^cognito-idp:[A-Za-z]+$/.test(action)) {
          throw new Error(`userPool need "${action}" must be one cognito-idp action, without wildcards`);
        }
      }
      resources.userPool.grant(fn, ...needs.userPool);
    }

    if (needs.dataKey) resources.dataKey.grant(fn, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');

    // The switch's signing key: GetSecretValue (and DescribeSecret) on that one secret, and
    // decrypt with the storage key it is encrypted under.
    // (Granted on the role, not through Secret.grantRead, which would also edit the stateful
    // stack's key policy with this role and tie the stacks in a cycle.)
    if (needs.switchSecret) {
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resourceArns: [resources.switchSecret.secretArn],
      });
      resources.storageKey.grant(fn, 'kms:Decrypt', 'kms:DescribeKey');
    }

    if (needs.sms) {
      // SMS goes to a phone number, not to a topic: there is no ARN to scope sns:Publish to.
      new iam.Policy(this, 'SmsPolicy', {
        roles: [this.role],
        statements: [new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] })],
      });
    }
  }

  /**
   * Merchant webhooks: the after-commit consumer sends to the delivery queue; the delivery worker
   * consumes it, sends its retries back to it with a delay, and moves a delivery given up on to
   * the dead-letter queue (whose alarm an operator answers).
   */
  private useWebhookQueue(use: 'send' | 'consume', resources: WalletResources): void {
    const { webhookQueue: queue, webhookDeadLetterQueue: deadLetters } = resources;
    if (!queue || !deadLetters) throw new Error('the stage has no webhook queue');
    queue.grantSendMessages(this.function);
    if (use !== 'consume') return;
    queue.grantConsumeMessages(this.function);
    deadLetters.grantSendMessages(this.function);
    if ((this.function.timeout ?? requestTimeout).toSeconds() * 6 > webhookQueue.visibilityTimeoutSeconds) {
      throw new Error('The webhook queue visibility timeout must be at least 6 times the consumer timeout');
    }
    this.function.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
  }

  /**
   * Busy wallets' sweeps (FIFO): the after-commit consumer asks for them; the sweeper consumes them
   * (one message group, i.e. one wallet, per invocation at a time) and asks again when its time
   * ran out. Partial batch failures: the FIFO processor fails the rest of a failed wallet's group.
   */
  private useSweepQueue(use: 'send' | 'consume', resources: WalletResources): void {
    const queue = resources.sweepQueue;
    if (!queue) throw new Error('the stage has no sweep queue');
    queue.grantSendMessages(this.function);
    if (use !== 'consume') return;
    queue.grantConsumeMessages(this.function);
    if ((this.function.timeout ?? requestTimeout).toSeconds() * 6 > sweepQueue.visibilityTimeoutSeconds) {
      throw new Error('The sweep queue visibility timeout must be at least 6 times the consumer timeout');
    }
    this.function.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
  }

  /**
   * The after-commit consumer: the wallet table's stream, filtered (functions/resources.ts
   * `walletStreamFilters`), in order per item, retried with the batch halved on errors; a batch it
   * gives up on goes to a queue with an alarm instead of being lost.
   */
  private consumeWalletStream(resources: WalletResources): void {
    if (!resources.walletStreamArn || !resources.moneyEventsFailures) {
      throw new Error('the wallet table has no stream for the after-commit consumer');
    }
    this.function.addEventSource(
      new DynamoEventSource(resources.walletTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 20,
        maxRecordAge: Duration.hours(24),
        parallelizationFactor: 2,
        onFailure: new SqsDlq(resources.moneyEventsFailures),
        filters: walletStreamFilters.map((f) =>
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or(...f.eventNames),
            dynamodb: {
              Keys: {
                sk: {
                  S:
                    'equals' in f.sortKey
                      ? lambda.FilterRule.isEqual(f.sortKey.equals)
                      : lambda.FilterRule.beginsWith(f.sortKey.prefix),
                },
              },
            },
          }),
        ),
      }),
    );
  }

  /** The tables this function may use in its stage, with the item actions and the indexes it queries. */
  private tableGrants(capability: Capability, sandboxEnabled: boolean, resources: WalletResources): TableGrant[] {
    const { needs } = capability;
    const grants: TableGrant[] = [];
    const wallet = walletTableActions(needs, sandboxEnabled);
    if (wallet.length || needs.walletIndexes?.length) {
      grants.push({ table: resources.walletTable, actions: wallet, indexes: [...(needs.walletIndexes ?? [])] });
    }
    if (needs.idempotencyTable) {
      grants.push({ table: resources.idempotencyTable, actions: [...idempotencyTableActions], indexes: [] });
    }
    // The sandbox bank's books exist only where the sandbox is enabled; elsewhere nothing to grant.
    if (needs.sandboxBank?.length && resources.sandboxBankTable) {
      grants.push({ table: resources.sandboxBankTable, actions: [...needs.sandboxBank], indexes: [] });
    }
    return grants;
  }

  /** The wildcard findings the grants above produce, each acknowledged with why it is needed. */
  private acknowledgeFindings({ capability, config, resources }: WalletFunctionProps): void {
    const { needs } = capability;
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      acknowledge(defaultPolicy, {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: needs.walletStream
          ? 'Only xray:PutTraceSegments, xray:PutTelemetryRecords (active tracing) and dynamodb:ListStreams (added by the stream event source) use "*": neither X-Ray nor ListStreams supports resource-level permissions (Service Authorization Reference).'
          : 'Only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) use "*": X-Ray supports no resource-level permissions for them (Service Authorization Reference, AWS X-Ray).',
      });
      // Writers of a table, senders to the settlement queue and a stream consumer (its failure
      // queue) encrypt with the storage key: the key actions CDK grants for that end in `*`.
      const writesTables = this.tableGrants(capability, config.sandboxEnabled, resources).some(writes);
      if (
        writesTables ||
        needs.settlementQueue === 'send' ||
        needs.walletStream ||
        needs.webhookQueue ||
        needs.sweepQueue
      ) {
        const reason =
          'Key actions for writing a table or queue encrypted with the customer-managed storage key (as CDK grants them): scoped to that one key ARN; DynamoDB and SQS call these variants to write encrypted items and messages.';
        acknowledge(
          defaultPolicy,
          { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
          { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
        );
      }
    }
    const smsPolicy = this.node.tryFindChild('SmsPolicy');
    if (smsPolicy) {
      acknowledge(smsPolicy, {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'sns:Publish straight to a phone number (SMS OTPs and notices to customers) has no topic ARN to scope to, so AWS requires resource "*"; the statement allows sns:Publish and nothing else.',
      });
    }
  }
}

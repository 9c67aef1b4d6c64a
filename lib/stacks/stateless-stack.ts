// The code: one function per capability of functions/routes.ts and the REST API in front of
// them. Safe to destroy and redeploy at any time; the data lives in the stateful stack.
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import {
  auditTable,
  idempotencyTable,
  sandboxBankTable,
  type TableDefinition,
  walletTable,
} from '#functions/resources.ts';
import { type Capability, capabilities as capabilityTable, routes as routeTable } from '#functions/routes.ts';
import type { StageConfig } from '../config/index.ts';
import { type ApiRoute, WalletApi } from '../constructs/api.ts';
import { WalletFunction } from '../constructs/wallet-function.ts';
import { WalletTable } from '../constructs/wallet-table.ts';
import type { WalletResources } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  readonly resources: WalletResources;
  /** The capabilities to deploy; functions/routes.ts unless a test passes its own. */
  readonly capabilities?: Readonly<Record<string, Capability>>;
  /** The routes to serve; functions/routes.ts unless a test passes its own. */
  readonly routes?: readonly ApiRoute[];
}

export class StatelessStack extends Stack {
  readonly functions = new Map<string, WalletFunction>();
  readonly api: WalletApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The tables by physical name, seen from this stack (see WalletTable.reference); the other
    // resources are cross-stack references.
    const tableReference = (id: string, definition: TableDefinition, streamArn?: string) =>
      WalletTable.reference(this, id, {
        definition,
        stage: config.stage,
        encryptionKey: props.resources.storageKey,
        ...(streamArn ? { streamArn } : {}),
      });
    const resources: WalletResources = {
      ...props.resources,
      walletTable: tableReference('WalletTable', walletTable, props.resources.walletStreamArn),
      idempotencyTable: tableReference('IdempotencyTable', idempotencyTable),
      sandboxBankTable: props.resources.sandboxBankTable
        ? tableReference('SandboxBankTable', sandboxBankTable)
        : undefined,
      auditTable: tableReference('AuditTable', auditTable),
    };
    const capabilities: Readonly<Record<string, Capability | undefined>> = props.capabilities ?? capabilityTable;
    const routes = props.routes ?? routeTable;

    if (config.stage === 'production' && !config.ekyc) {
      Annotations.of(this).addWarningV2(
        'wallet:ekyc-provider-not-configured',
        'No eKYC provider (ekyc.issuer, ekyc.jwksUrl) in lib/config/stages.ts: KYC submissions cannot be verified in this stage.',
      );
    }

    for (const [name, capability] of Object.entries(capabilities)) {
      if (!capability) continue;
      if (capability.sandboxOnly && !config.sandboxEnabled) continue;
      this.functions.set(name, new WalletFunction(this, `Function-${name}`, { name, capability, config, resources }));
    }

    const servedRoutes = routes.filter((route) => {
      if (route.access === 'sandbox' && !config.sandboxEnabled) return false;
      const capability = capabilities[route.capability];
      if (capability?.sandboxOnly && !config.sandboxEnabled) {
        throw new Error(
          `${route.method} ${route.path} is a "${route.access}" route served by the sandbox-only capability "${route.capability}"`,
        );
      }
      return true;
    });

    const handlers = new Map<string, lambda.IFunction>(
      [...this.functions].map(([name, walletFunction]) => [name, walletFunction.function]),
    );
    this.api = new WalletApi(this, 'Api', {
      config,
      routes: servedRoutes,
      functions: handlers,
      userPool: resources.userPool,
      logKey: resources.storageKey,
    });

    // Decree 52 Art. 6(3): the scheduled reconciliation publishes the safeguarding difference.
    if (this.functions.has('safeguardingCheck')) {
      const alarm = new cloudwatch.Alarm(this, 'SafeguardingAlarm', {
        alarmName: `${config.stage}-safeguarding-difference`,
        alarmDescription:
          'The guarantee account does not match wallet balances plus money in flight: see docs/operations.md',
        metric: new cloudwatch.Metric({
          namespace: 'Wallet',
          metricName: 'SafeguardingDifferenceAbs',
          dimensionsMap: { service: 'safeguardingCheck' },
          statistic: 'Maximum',
          period: Duration.minutes(15),
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No figure is news too: the check itself stopped running.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      if (resources.alarmTopic) alarm.addAlarmAction(new actions.SnsAction(resources.alarmTopic));
    }

    // A busy wallet's sweeper falls behind: the credits it folds in waited more than a minute
    // (docs/operations.md "Inbox sweeps"; the balance read still counts them, the statement lags).
    if (this.functions.has('inboxSweeper')) {
      const alarm = new cloudwatch.Alarm(this, 'InboxSweepLagAlarm', {
        alarmName: `${config.stage}-inbox-sweep-lag`,
        alarmDescription:
          'A busy wallet\'s sweeper folds credits that waited more than 60 s: see docs/operations.md "Inbox sweeps"',
        metric: new cloudwatch.Metric({
          namespace: 'Wallet',
          metricName: 'InboxSweepLagSeconds',
          dimensionsMap: { service: 'inboxSweeper' },
          statistic: 'Maximum',
          period: Duration.minutes(1),
        }),
        threshold: 60,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        // No figure: no credit was folded in, so none waited.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (resources.alarmTopic) alarm.addAlarmAction(new actions.SnsAction(resources.alarmTopic));
    }

    // The switch's settlement report disagreed with the ledger for the previous business day.
    if (this.functions.has('switchReconciliation')) {
      const alarm = new cloudwatch.Alarm(this, 'SwitchReconciliationAlarm', {
        alarmName: `${config.stage}-switch-mismatches`,
        alarmDescription:
          "The switch's settlement report and the ledger disagree for the previous business day: see docs/operations.md",
        metric: new cloudwatch.Metric({
          namespace: 'Wallet',
          metricName: 'SwitchMismatches',
          dimensionsMap: { service: 'switchReconciliation' },
          statistic: 'Maximum',
          period: Duration.days(1),
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // A day without a figure: the reconciliation did not run.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      if (resources.alarmTopic) alarm.addAlarmAction(new actions.SnsAction(resources.alarmTopic));
    }

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the wallet API (the stage path included)',
      value: this.api.restApi.url,
    });
    // LocalStack serves the API at http://<ApiId>.execute-api.localhost.localstack.cloud:4566/<ApiStage>.
    new CfnOutput(this, 'ApiId', { value: this.api.restApi.restApiId });
    new CfnOutput(this, 'ApiStage', { value: this.api.restApi.deploymentStage.stageName });
    new CfnOutput(this, 'UserPoolId', { value: resources.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: resources.userPoolClient.userPoolClientId });
  }
}

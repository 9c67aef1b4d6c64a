import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { walletStreamFilters } from '#functions/resources.ts';
import { capabilities } from '#functions/routes.ts';
import { buildStage, templatesOf } from './synth.ts';

// A busy merchant's inbox, as deployed (docs/merchants.md "A busy merchant's inbox"): the FIFO
// sweep queue with its dead-letter queue and alarm, the sweeper with exactly its grants, the
// after-commit consumer that asks for sweeps, the operator route that turns an inbox on.

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let stateful: Template;
let stateless: Template;
let statefulResources: Resources;
let resources: Resources;
beforeAll(() => {
  const templates = templatesOf(buildStage('production'));
  stateful = templates.stateful;
  stateless = templates.stateless;
  statefulResources = stateful.toJSON().Resources as Resources;
  resources = stateless.toJSON().Resources as Resources;
}, 120_000);

const functionLogicalId = (name: string) =>
  Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.FunctionName ?? '').endsWith(`-${name}`),
  )?.[0];

/** Every IAM action of a function's role (its policies), as deployed. */
function actionsOf(name: string): string[] {
  const id = functionLogicalId(name);
  expect(id, name).toBeDefined();
  const role = resources[id!]!.Properties.Role['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role))
    .flatMap((r) =>
      r.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
    );
}

describe('sweep queue', () => {
  it('is FIFO (one sweeper per wallet: the wallet is the message group), encrypted, with a FIFO dead-letter queue', () => {
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'production-inbox-sweeps.fifo',
      FifoQueue: true,
      KmsMasterKeyId: Match.anyValue(),
      VisibilityTimeout: 60,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'production-inbox-sweeps-dlq.fifo',
      FifoQueue: true,
      MessageRetentionPeriod: 14 * 24 * 60 * 60,
    });
  });

  it('alarms as soon as one sweep waits in the dead-letter queue', () => {
    const dlq = Object.entries(statefulResources).find(
      ([, r]) => r.Type === 'AWS::SQS::Queue' && r.Properties.QueueName === 'production-inbox-sweeps-dlq.fifo',
    )?.[0];
    expect(dlq).toBeDefined();
    stateful.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'production-inbox-sweeps-dlq-not-empty',
      AlarmDescription: Match.stringLikeRegexp('docs/operations.md'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: Match.anyValue(),
    });
  });
});

describe('the sweeper', () => {
  it('consumes the queue reporting partial batch failures', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: functionLogicalId('inboxSweeper') },
    });
  });

  it('folds credits in and nothing else: the wallet read and updated, entries put, credits queried and deleted', () => {
    const actions = actionsOf('inboxSweeper');
    expect(actions).toEqual(
      expect.arrayContaining([
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:SendMessage',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]),
    );
    for (const never of ['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'sns:Publish'])
      expect(actions).not.toContain(never);
    expect(actions.some((a) => a === '*' || a === 'dynamodb:*' || a === 'sqs:*')).toBe(false);
    const env = resources[functionLogicalId('inboxSweeper')!]!.Properties.Environment.Variables;
    expect(env.SWEEP_QUEUE_URL).toBeDefined();
  });
});

describe('the sweep lag', () => {
  it('alarms when the sweeper folds credits that waited more than a minute, three minutes running', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'production-inbox-sweep-lag',
      AlarmDescription: Match.stringLikeRegexp('docs/operations.md'),
      Namespace: 'Wallet',
      MetricName: 'InboxSweepLagSeconds',
      Dimensions: [{ Name: 'service', Value: 'inboxSweeper' }],
      Threshold: 60,
      EvaluationPeriods: 3,
      AlarmActions: Match.anyValue(),
    });
  });
});

describe('the after-commit consumer and the operator route', () => {
  it('asks for sweeps: the stream filter lets inbox credits through, the consumer may send and not receive', () => {
    expect(walletStreamFilters).toContainEqual({
      eventNames: ['INSERT'],
      partitionKeyPrefix: 'WALLET#',
      sortKey: { prefix: 'CREDIT#' },
    });
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: {
        Filters: Match.arrayWith([
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { Keys: { sk: { S: [{ prefix: 'CREDIT#' }] } } },
            }),
          },
        ]),
      },
    });
    expect(capabilities.moneyEvents.needs.sweepQueue).toBe('send');
    const env = resources[functionLogicalId('moneyEvents')!]!.Properties.Environment.Variables;
    expect(env.SWEEP_QUEUE_URL).toBeDefined();
    expect(actionsOf('moneyEvents')).not.toContain('dynamodb:DeleteItem');
  });

  it('serves PUT …/inbox to operators (the Cognito authorizer)', () => {
    const resource = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === 'inbox',
    )?.[0];
    expect(resource).toBeDefined();
    stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'PUT',
      ResourceId: { Ref: resource },
      AuthorizationType: 'COGNITO_USER_POOLS',
    });
  });
});

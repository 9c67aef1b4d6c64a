import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { capabilities } from '#functions/routes.ts';
import { buildStage, templatesOf } from './synth.ts';

// API.md v1.1 merchants, as deployed: the webhook delivery queue with its dead-letter queue and
// alarm, the delivery worker and the expiry sweep with exactly their grants, the merchant routes.

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

describe('webhook delivery queue', () => {
  it('is encrypted, TLS-only, with a dead-letter queue after 5 receives', () => {
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'production-webhooks',
      KmsMasterKeyId: Match.anyValue(),
      VisibilityTimeout: 60,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'production-webhooks-dlq',
      MessageRetentionPeriod: 14 * 24 * 60 * 60,
    });
  });

  it('alarms as soon as one delivery waits in the dead-letter queue', () => {
    const dlq = Object.entries(statefulResources).find(
      ([, r]) => r.Type === 'AWS::SQS::Queue' && r.Properties.QueueName === 'production-webhooks-dlq',
    )?.[0];
    expect(dlq).toBeDefined();
    stateful.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'production-webhooks-dlq-not-empty',
      AlarmDescription: Match.stringLikeRegexp('docs/operations.md'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: Match.anyValue(),
    });
  });
});

describe('webhook delivery worker', () => {
  it('consumes the queue reporting partial batch failures', () => {
    const id = functionLogicalId('webhookDelivery');
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: id },
    });
  });

  it('may receive, send its retries back and dead-letter; reads a delivery and records its attempt', () => {
    const actions = actionsOf('webhookDelivery');
    expect(actions).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage', 'dynamodb:GetItem']),
    );
    expect(actions).toContain('dynamodb:UpdateItem');
    for (const never of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan'])
      expect(actions).not.toContain(never);
    expect(actions.some((a) => a === '*' || a === 'dynamodb:*' || a === 'sqs:*')).toBe(false);
  });

  it('is told where the queue and the dead-letter queue are, and never allows loopback', () => {
    const id = functionLogicalId('webhookDelivery')!;
    const env = resources[id]!.Properties.Environment.Variables;
    expect(env.WEBHOOK_QUEUE_URL).toBeDefined();
    expect(env.WEBHOOK_DLQ_URL).toBeDefined();
    expect(env.WEBHOOK_URL_POLICY).toBeUndefined();
    expect(env.VIETQR_ACQUIRER_ID).toMatch(/^\d{6}$/);
  });
});

describe('the after-commit consumer and the merchant routes', () => {
  it('lets the stream consumer send to the delivery queue, and not receive from it', () => {
    const actions = actionsOf('moneyEvents');
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:ReceiveMessage');
  });

  it('gives the merchants function no queue, and on the wallet table reads and puts only', () => {
    expect(actionsOf('merchants').some((a) => a.startsWith('sqs:'))).toBe(false);
    // Requests are marked PAID only by a payment's commit (the transfers function), never here.
    expect(capabilities.merchants.needs.walletTable).toEqual(['GetItem', 'Query', 'PutItem']);
  });

  it('sweeps expired payment requests every minute, on the index only', () => {
    expect(capabilities.paymentRequestExpiry.schedule).toBe('rate(1 minute)');
    const actions = actionsOf('paymentRequestExpiry');
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem']));
    expect(actions).not.toContain('dynamodb:PutItem');
  });

  it.each([
    ['POST', 'merchant/payment-requests'],
    ['GET', '{paymentRequestId}'],
    ['PUT', 'webhook'],
    ['GET', 'deliveries'],
  ])('serves %s …/%s with the Cognito authorizer', (method, last) => {
    const resource = Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::ApiGateway::Resource' &&
        r.Properties.PathPart === (last.includes('/') ? last.split('/')[1] : last),
    )?.[0];
    expect(resource, last).toBeDefined();
    stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: method,
      ResourceId: { Ref: resource },
      AuthorizationType: 'COGNITO_USER_POOLS',
    });
  });
});

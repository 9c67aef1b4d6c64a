import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { capabilities } from '#functions/routes.ts';
import { buildStage, templatesOf } from './synth.ts';

// Issue #5: the settlement worker, its queue and DLQ, the sweeper's schedule, the safeguarding
// alarm, and the worker's grants, as deployed.

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let stateless: Template;
let resources: Resources;
beforeAll(() => {
  stateless = templatesOf(buildStage('sandbox')).stateless;
  resources = stateless.toJSON().Resources as Resources;
}, 120_000);

const functionLogicalId = (name: string) =>
  Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.FunctionName ?? '').endsWith(`-${name}`),
  )?.[0];

describe('settlement worker', () => {
  it('consumes the settlement queue reporting partial batch failures', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: Match.stringLikeRegexp('settlement') },
    });
  });

  it('may receive and delete from the queue but not send to it', () => {
    const id = functionLogicalId('settlement');
    expect(id, 'settlement function').toBeDefined();
    const role = resources[id!]!.Properties.Role['Fn::GetAtt'][0];
    const actions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role))
      .flatMap((r) =>
        r.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
      );
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions.some((a: string) => a === '*' || a === 'dynamodb:*' || a === 'sqs:*')).toBe(false);
  });
});

describe('schedules', () => {
  it.each(Object.entries(capabilities).filter(([, c]) => c.schedule))('runs %s on its schedule', (name, capability) => {
    const id = functionLogicalId(name);
    expect(id, name).toBeDefined();
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: capability.schedule,
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } })]),
    });
  });

  it('has the sweeper every 5 minutes', () => {
    expect(capabilities.settlementSweeper.schedule).toBe('rate(5 minutes)');
  });
});

describe('safeguarding (Decree 52 Art. 6(3))', () => {
  it('alarms when the published difference is not zero, or missing', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SafeguardingDifferenceAbs',
      Namespace: 'Wallet',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: Match.anyValue(),
    });
  });
});

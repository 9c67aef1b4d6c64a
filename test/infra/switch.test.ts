import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StageName } from '../../lib/config/index.ts';
import { buildStage, templatesOf } from './synth.ts';

// The switch's parts of the stacks (API.md "Interoperable transfers"): the signing key in Secrets
// Manager under the storage key, the switch's endpoint without a Cognito authorizer (its messages
// are signed), the daily reconciliation on a schedule with an alarm on any mismatch.

describe.each<StageName>(['sandbox', 'production'])('the switch (%s)', (stage) => {
  let stateful: Template;
  let stateless: Template;
  beforeAll(() => {
    const templates = templatesOf(buildStage(stage));
    stateful = templates.stateful;
    stateless = templates.stateless;
  });

  it('keeps the signing key in Secrets Manager, generated and encrypted with the storage key', () => {
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `wallet-${stage}-switch-signing-key`,
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('serves POST /switch/v1/credits without a Cognito authorizer, from its own function', () => {
    const methods = stateless.findResources('AWS::ApiGateway::Method', {
      Properties: { HttpMethod: 'POST', AuthorizationType: 'NONE' },
    });
    const functions = stateless.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: `wallet-${stage}-switchInbound` },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const [fn] = Object.values(functions) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    expect(fn!.Properties.Environment.Variables).toHaveProperty('SWITCH_SECRET_ARN');
    expect(fn!.Properties.Environment.Variables).not.toHaveProperty('SWITCH_SIGNING_SECRET');
    expect(Object.keys(methods).length).toBeGreaterThan(0);
  });

  it('reconciles the previous day at 02:00 Hanoi time and alarms on any mismatch', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      Name: `wallet-${stage}-switchReconciliation-schedule`,
      ScheduleExpression: 'cron(0 19 * * ? *)',
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${stage}-switch-mismatches`,
      MetricName: 'SwitchMismatches',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});

import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentVariables } from '#functions/resources.ts';
import {
  type Capability,
  capabilities,
  idempotencyTableActions,
  type Route,
  routes,
  walletTableActions,
} from '#functions/routes.ts';
import { type StageName, stages } from '../../lib/config/index.ts';
import { accessTokenScope, gatewayProblems, unauthenticatedAccess } from '../../lib/constructs/api.ts';
import { buildStage, templatesOf } from './synth.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;

/** `METHOD /full/path` of every API Gateway method, rebuilt from the resource tree. */
function methodsOf(template: Template): Map<string, Record<string, any>> {
  const resources = template.toJSON().Resources as Resources;
  const pathOf = (resourceId: unknown): string => {
    if (typeof resourceId === 'object' && resourceId !== null && 'Fn::GetAtt' in resourceId) return '';
    const logicalId = (resourceId as { Ref: string }).Ref;
    const resource = resources[logicalId];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') throw new Error(`No resource ${logicalId}`);
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  const methods = new Map<string, Record<string, any>>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const path = pathOf(resource.Properties.ResourceId) || '/';
    methods.set(`${resource.Properties.HttpMethod} ${path}`, resource.Properties);
  }
  return methods;
}

/** The statements of every IAM policy in the template (managed, inline and role policies). */
function policyStatements(template: Template): { policy: string; statement: Record<string, any> }[] {
  const resources = template.toJSON().Resources as Resources;
  const out: { policy: string; statement: Record<string, any> }[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const documents: unknown[] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push(resource.Properties.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of resource.Properties.Policies ?? []) documents.push(policy.PolicyDocument);
    }
    for (const document of documents) {
      for (const statement of (document as { Statement: Record<string, any>[] }).Statement) {
        out.push({ policy: logicalId, statement });
      }
    }
  }
  return out;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The last literal of an ARN built by `Fn::Join`: `:table/<stage>-wallet/index/gsi1` and the like. */
function dynamoResourceName(resource: unknown, stage: string): string {
  if (resource === '*') return '*';
  const json = JSON.stringify(resource);
  if (/StreamArn/.test(json)) return 'wallet/stream';
  const table = /:table\/([^"]+)"/.exec(json)?.[1];
  if (!table) throw new Error(`no table in ${json}`);
  return table.startsWith(`${stage}-`) ? table.slice(stage.length + 1) : table;
}

/** Each function's DynamoDB actions (without the `dynamodb:` prefix), by table, index or stream. */
function dynamoActionsByFunction(template: Template, stage: string): Map<string, Record<string, string[]>> {
  const resources = template.toJSON().Resources as Resources;
  const out = new Map<string, Record<string, string[]>>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const roleId = resource.Properties.Role['Fn::GetAtt'][0];
    const byResource: Record<string, Set<string>> = {};
    for (const policy of Object.values(resources)) {
      if (policy.Type !== 'AWS::IAM::Policy') continue;
      if (!policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId)) continue;
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (statement.Effect !== 'Allow') continue;
        const actions = asArray<string>(statement.Action).filter((action) => action.startsWith('dynamodb:'));
        if (!actions.length) continue;
        for (const target of asArray<unknown>(statement.Resource)) {
          const name = dynamoResourceName(target, stage);
          byResource[name] ??= new Set();
          for (const action of actions) byResource[name].add(action.slice('dynamodb:'.length));
        }
      }
    }
    out.set(
      resource.Properties.FunctionName,
      Object.fromEntries(Object.entries(byResource).map(([name, actions]) => [name, [...actions].sort()])),
    );
  }
  return out;
}

/** The actions each function's role may take, by function name. */
function actionsByFunction(template: Template): Map<string, Set<string>> {
  const resources = template.toJSON().Resources as Resources;
  const roleOfFunction = new Map<string, string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    roleOfFunction.set(resource.Properties.FunctionName, resource.Properties.Role['Fn::GetAtt'][0]);
  }
  const actions = new Map<string, Set<string>>();
  for (const [functionName, roleId] of roleOfFunction) {
    const set = new Set<string>();
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      if (!resource.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId)) continue;
      for (const statement of resource.Properties.PolicyDocument.Statement) {
        for (const action of asArray<string>(statement.Action)) set.add(action);
      }
    }
    actions.set(functionName, set);
  }
  return actions;
}

const deployedCapabilities = (stage: StageName): [string, Capability][] =>
  Object.entries(capabilities).filter(([, capability]) => !capability.sandboxOnly || stages[stage].sandboxEnabled);

const servedRoutes = (stage: StageName): Route[] =>
  routes.filter((route) => route.access !== 'sandbox' || stages[stage].sandboxEnabled);

describe.each<StageName>(['sandbox', 'production'])('stateless stack (%s)', (stage) => {
  let template: Template;
  let methods: Map<string, Record<string, any>>;

  beforeAll(() => {
    template = templatesOf(buildStage(stage)).stateless;
    methods = methodsOf(template);
  }, 120_000);

  it('has exactly one method per route of functions/routes.ts', () => {
    const expected = servedRoutes(stage).map((route) => `${route.method} ${route.path}`);
    expect([...methods.keys()].sort()).toEqual([...expected].sort());
  });

  it('puts the Cognito authorizer (access tokens) on every route that is neither public nor sandbox', () => {
    for (const route of servedRoutes(stage)) {
      const method = methods.get(`${route.method} ${route.path}`);
      if (unauthenticatedAccess.includes(route.access)) {
        expect(method?.AuthorizationType, `${route.method} ${route.path}`).toBe('NONE');
        expect(method?.AuthorizerId).toBeUndefined();
      } else {
        expect(method?.AuthorizationType, `${route.method} ${route.path}`).toBe('COGNITO_USER_POOLS');
        expect(method?.AuthorizationScopes).toEqual([accessTokenScope]);
        expect(method?.AuthorizerId).toBeDefined();
      }
    }
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
    });
  });

  it('integrates every method with the function of its capability (Lambda proxy)', () => {
    const resources = template.toJSON().Resources as Resources;
    const functionIdByName = new Map(
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
        .map(([logicalId, resource]) => [resource.Properties.FunctionName as string, logicalId]),
    );
    for (const route of servedRoutes(stage)) {
      const integration = methods.get(`${route.method} ${route.path}`)?.Integration;
      expect(integration.Type).toBe('AWS_PROXY');
      const functionId = functionIdByName.get(`wallet-${stage}-${route.capability}`);
      expect(JSON.stringify(integration.Uri)).toContain(`"${functionId}"`);
    }
  });

  it('has one function per deployed capability: nodejs24.x on arm64, X-Ray, its own log group', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.map((fn) => fn.Properties.FunctionName).sort()).toEqual(
      deployedCapabilities(stage)
        .map(([name]) => `wallet-${stage}-${name}`)
        .sort(),
    );
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    for (const logGroup of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(stages[stage].logRetentionDays);
      expect(logGroup.Properties.KmsKeyId).toBeDefined();
    }
  });

  it('gives every function the environment the handlers read', () => {
    const always = ['stage', 'walletTable', 'idempotencyTable', 'settlementQueueUrl', 'userPoolId'] as const;
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      for (const key of [...always, 'userPoolClientId', 'dataKeyId', 'sandbox'] as const) {
        expect(variables[environmentVariables[key]], environmentVariables[key]).toBeDefined();
      }
      expect(variables[environmentVariables.stage]).toBe(stage);
      expect(variables[environmentVariables.walletTable]).toBe(`${stage}-wallet`);
      expect(variables[environmentVariables.sandbox]).toBe(String(stages[stage].sandboxEnabled));
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe((fn.Properties.FunctionName as string).split('-').pop());
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
      if (stage === 'production') expect(variables[environmentVariables.sandboxBankTable]).toBeUndefined();
    }
  });

  it('grants each function exactly the services its needs name', () => {
    const granted = actionsByFunction(template);
    for (const [name, capability] of deployedCapabilities(stage)) {
      const { needs } = capability;
      const actions = granted.get(`wallet-${stage}-${name}`) ?? new Set<string>();
      const services = new Set([...actions].map((action) => action.split(':')[0]));
      const usesTables =
        needs.walletTable !== undefined ||
        needs.walletIndexes !== undefined ||
        needs.idempotencyTable ||
        needs.auditLog !== undefined ||
        (needs.sandboxBank !== undefined && stages[stage].sandboxEnabled);
      const expected = new Set(['logs', 'xray']);
      if (usesTables) expected.add('dynamodb');
      if (usesTables || needs.dataKey || needs.settlementQueue || needs.webhookQueue || needs.sweepQueue)
        expected.add('kms');
      // A stream consumer sends the batches it gives up on to its failure queue.
      if (needs.settlementQueue || needs.walletStream || needs.webhookQueue || needs.sweepQueue) expected.add('sqs');
      if (needs.userPool?.length) expected.add('cognito-idp');
      if (needs.sms) expected.add('sns');
      if (needs.switchSecret) expected.add('secretsmanager').add('kms');
      expect([...services].sort(), name).toEqual([...expected].sort());
      // The switch's signing key: reading that one secret, nothing else of Secrets Manager.
      const secretActions = [...actions].filter((action) => action.startsWith('secretsmanager:'));
      expect(secretActions.sort(), name).toEqual(
        needs.switchSecret ? ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] : [],
      );
      const cognitoActions = [...actions].filter((action) => action.startsWith('cognito-idp:'));
      expect(cognitoActions.sort(), name).toEqual([...(needs.userPool ?? [])].sort());
    }
  });

  it('grants each function exactly the DynamoDB actions its needs declare, table by table and index by index', () => {
    const granted = dynamoActionsByFunction(template, stage);
    const { sandboxEnabled } = stages[stage];
    const listed: Record<string, Record<string, string[]>> = {};
    for (const [name, { needs }] of deployedCapabilities(stage)) {
      const expected: Record<string, string[]> = {};
      const wallet = walletTableActions(needs, sandboxEnabled);
      if (wallet.length) expected.wallet = wallet;
      for (const index of needs.walletIndexes ?? []) expected[`wallet/index/${index}`] = ['Query'];
      if (needs.idempotencyTable) expected.idempotency = [...idempotencyTableActions];
      if (needs.sandboxBank && sandboxEnabled) expected['sandbox-bank'] = [...needs.sandboxBank];
      if (needs.auditLog) expected.audit = needs.auditLog === 'read' ? ['GetItem', 'PutItem', 'Query'] : ['PutItem'];
      if (needs.walletStream) {
        expected['wallet/stream'] = ['DescribeStream', 'GetRecords', 'GetShardIterator'];
        expected['*'] = ['ListStreams'];
      }
      const sorted = (of: Record<string, string[]>) =>
        Object.fromEntries(Object.entries(of).map(([resource, actions]) => [resource, [...actions].sort()]));
      listed[name] = granted.get(`wallet-${stage}-${name}`) ?? {};
      expect(listed[name], name).toEqual(sorted(expected));
    }
    // The list itself, for a reviewer: no Scan anywhere; DeleteItem and BatchWriteItem only where
    // a capability declares them (the idempotency records of Powertools, a link's guard, the
    // watch-list import); no function may change or delete audit entries.
    for (const [name, tables] of Object.entries(listed)) {
      const needs = capabilities[name as keyof typeof capabilities].needs;
      for (const [resource, actions] of Object.entries(tables)) {
        expect(actions, `${name} ${resource}`).not.toContain('Scan');
        if (resource === 'wallet') {
          for (const action of ['DeleteItem', 'BatchWriteItem'] as const)
            expect(actions.includes(action), `${name} ${resource} ${action}`).toBe(
              needs.walletTable?.includes(action) === true,
            );
        }
        if (resource === 'sandbox-bank') expect(actions).not.toEqual(expect.arrayContaining(['DeleteItem']));
        if (resource === 'audit') expect(actions.filter((a) => /Update|Delete|BatchWrite/.test(a))).toEqual([]);
        if (resource.includes('/index/')) expect(actions, `${name} ${resource}`).toEqual(['Query']);
      }
    }
    expect(listed.settlementSweeper).toEqual({ wallet: ['GetItem'], 'wallet/index/gsi1': ['Query'] });
    expect(
      Object.entries(listed)
        .filter(([, tables]) => tables.wallet?.includes('BatchWriteItem'))
        .map(([name]) => name),
    ).toEqual(['operations', 'dataRetention']);
    // A link's guard; a phone change's old guard and an erasure's (profile); what is past its
    // retention (dataRetention, RULES.md §8, §9).
    expect(
      Object.entries(listed)
        .filter(([, tables]) => tables.wallet?.includes('DeleteItem'))
        .map(([name]) => name),
    ).toEqual(['linking', 'inboxSweeper', 'profile', 'dataRetention']);
  });

  it('lets functions that only read tables decrypt with the storage key, not encrypt', () => {
    const granted = actionsByFunction(template);
    for (const [name, { needs }] of deployedCapabilities(stage)) {
      const tables = granted.get(`wallet-${stage}-${name}`) ?? new Set<string>();
      const writes = [...tables].some((action) =>
        /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(action),
      );
      const sendsMessages = needs.settlementQueue === 'send' || needs.walletStream;
      if (!writes && !sendsMessages && !needs.dataKey) {
        expect(
          [...tables].filter((action) => /^kms:(Encrypt|ReEncrypt|GenerateDataKey)/.test(action)),
          name,
        ).toEqual([]);
      }
      if ([...tables].some((action) => action.startsWith('dynamodb:'))) expect(tables, name).toContain('kms:Decrypt');
    }
  });

  it('never grants a wildcard action, nor any DynamoDB action on "*"', () => {
    for (const { policy, statement } of policyStatements(template)) {
      if (statement.Effect !== 'Allow') continue;
      const actions = asArray<string>(statement.Action);
      const resources = asArray<unknown>(statement.Resource);
      expect(actions, policy).not.toContain('*');
      expect(actions, policy).not.toContain('dynamodb:*');
      if (actions.some((action) => action.startsWith('dynamodb:') && action !== 'dynamodb:ListStreams')) {
        expect(resources, policy).not.toContain('*');
        // A table by its name, or the wallet table's stream (exported by the stateful stack: its ARN
        // carries a creation label).
        for (const resource of resources)
          expect(JSON.stringify(resource), policy).toMatch(/:table\/[a-z]|walletTable\w*StreamArn/);
      }
      if (resources.includes('*')) {
        // Only X-Ray (no resource-level permissions), SMS publishing (no topic) and a stream
        // consumer's dynamodb:ListStreams (no resource type in IAM) use "*".
        for (const action of actions)
          expect(action, policy).toMatch(
            /^(xray:Put(TraceSegments|TelemetryRecords)|sns:Publish|dynamodb:ListStreams)$/,
          );
      }
    }
  });

  it('answers API Gateway errors with RFC 9457 problems', () => {
    for (const problem of gatewayProblems) {
      const responses = template.findResources('AWS::ApiGateway::GatewayResponse', {
        Properties: { ResponseType: problem.type.responseType },
      });
      const [response] = Object.values(responses);
      expect(response, problem.type.responseType).toBeDefined();
      expect(response?.Properties.StatusCode).toBe(String(problem.status));
      expect(response?.Properties.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/problem+json'",
      );
      const body = JSON.parse(response?.Properties.ResponseTemplates['application/json']);
      expect(body).toMatchObject({ type: `/problems/${problem.code}`, status: problem.status, code: problem.code });
    }
    const byType = (type: string) =>
      Object.values(
        template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }),
      )[0]?.Properties;
    expect(byType('UNAUTHORIZED')?.StatusCode).toBe('401');
    expect(byType('ACCESS_DENIED')?.StatusCode).toBe('403');
    expect(byType('THROTTLED')?.StatusCode).toBe('429');
    expect(byType('MISSING_AUTHENTICATION_TOKEN')?.StatusCode).toBe('404');
    expect(byType('DEFAULT_5XX')?.StatusCode).toBe('500');
  });

  it('logs, traces and throttles the stage, without request bodies in the logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: stage,
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: stages[stage].apiThrottling.rateLimit,
          ThrottlingBurstLimit: stages[stage].apiThrottling.burstLimit,
        }),
      ],
    });
  });

  it('protects the stage with WAF: a per-IP rate limit and the AWS common rule set', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Statement: {
            RateBasedStatement: { Limit: stages[stage].wafRateLimitPer5MinPerIp, AggregateKeyType: 'IP' },
          },
          Action: { Block: Match.objectLike({ CustomResponse: Match.objectLike({ ResponseCode: 429 }) }) },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
          },
          OverrideAction: { None: {} },
        }),
      ],
    });
    const stageIds = Object.keys(template.findResources('AWS::ApiGateway::Stage'));
    template.hasResource('AWS::WAFv2::WebACLAssociation', {
      Properties: { ResourceArn: Match.anyValue(), WebACLArn: Match.anyValue() },
      DependsOn: Match.arrayWith([stageIds[0]]),
    });
  });

  it('outputs the API URL for the e2e suite', () => {
    template.hasOutput('ApiUrl', {});
  });

  if (stage === 'production') {
    it('has no sandbox function, route or setting', () => {
      const functionNames = Object.values(template.findResources('AWS::Lambda::Function')).map(
        (fn) => fn.Properties.FunctionName as string,
      );
      expect(functionNames.filter((name) => name.includes('sandbox'))).toEqual([]);
      expect([...methods.keys()].filter((key) => key.includes('/sandbox'))).toEqual([]);
      expect(JSON.stringify(template.toJSON())).not.toContain('sandbox-bank');
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        expect(fn.Properties.Environment.Variables[environmentVariables.sandbox]).toBe('false');
      }
    });
  }
});

describe('capabilities that do not exist yet', () => {
  it('deploys whatever the capability table contains: a queue consumer and a producer', () => {
    // Names no real capability or route will take, so the route table can grow freely.
    const stage = buildStage('sandbox', {
      capabilities: {
        ...capabilities,
        probeConsumer: {
          entry: 'functions/platform/api.handler.ts',
          needs: { walletTable: ['GetItem', 'UpdateItem'], settlementQueue: 'consume' },
        },
        probeProducer: {
          entry: 'functions/platform/api.handler.ts',
          needs: { walletTable: ['GetItem', 'PutItem'], idempotencyTable: true, settlementQueue: 'send' },
        },
      },
      routes: [...routes, { method: 'POST', path: '/v1/infra-probe', capability: 'probeProducer', access: 'customer' }],
    });
    const template = templatesOf(stage).stateless;
    const granted = actionsByFunction(template);
    const consumer = [...(granted.get('wallet-sandbox-probeConsumer') ?? [])];
    const producer = [...(granted.get('wallet-sandbox-probeProducer') ?? [])];
    expect(consumer).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:Decrypt']));
    expect(consumer).not.toContain('sqs:SendMessage');
    expect(producer).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(producer).not.toContain('sqs:ReceiveMessage');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    expect(methodsOf(template).get('POST /v1/infra-probe')?.AuthorizationType).toBe('COGNITO_USER_POOLS');
  }, 120_000);

  it('refuses a route whose capability has no function', () => {
    expect(() =>
      buildStage('sandbox', {
        routes: [...routes, { method: 'GET', path: '/v1/infra-probe', capability: 'nobody', access: 'customer' }],
      }),
    ).toThrow(/capability "nobody", which has no function/);
  });

  it('refuses a public route served by a sandbox-only capability in production', () => {
    expect(() =>
      buildStage('production', {
        routes: [...routes, { method: 'GET', path: '/v1/infra-probe', capability: 'sandbox', access: 'public' }],
      }),
    ).toThrow(/sandbox-only capability "sandbox"/);
  });
});

#!/usr/bin/env node
// The CDK app: for the stage chosen with `-c stage=<sandbox|production>` (sandbox by default), a
// stateful stack (keys, tables, queue, user pool), a stateless stack (functions, API) and the
// operations console's stack (S3, CloudFront), all checked by cdk-nag's AwsSolutions pack, whose
// findings fail `cdk synth`.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../lib/config/index.ts';
import { ConsoleStack } from '../lib/stacks/console-stack.ts';
import { StatefulStack } from '../lib/stacks/stateful-stack.ts';
import { StatelessStack } from '../lib/stacks/stateless-stack.ts';

const app = new App();

const contextString = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' ? value : undefined;
};

// The region is chosen explicitly (-c region=..., AWS_REGION or AWS_DEFAULT_REGION) or is
// ap-southeast-1. CDK_DEFAULT_REGION is not used: the CLI sets it to us-east-1 when nothing is
// configured, which would silently put a Vietnamese wallet's data in North Virginia.
const config = loadConfig(contextString('stage') ?? 'sandbox', {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: contextString('region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
  alarmEmail: contextString('alarmEmail'),
});
const env = { account: config.account, region: config.region };
const tags = { application: 'wallet', stage: config.stage };

const stateful = new StatefulStack(app, `Wallet-${config.stage}-Stateful`, {
  config,
  env,
  tags,
  description: `Wallet ${config.stage}: keys, tables, settlement queue, user pool (stateful)`,
  terminationProtection: config.deletionProtection,
});

const stateless = new StatelessStack(app, `Wallet-${config.stage}-Stateless`, {
  config,
  env,
  tags,
  resources: stateful.resources,
  description: `Wallet ${config.stage}: functions and REST API (stateless)`,
  terminationProtection: config.deletionProtection,
});
stateless.addStackDependency(stateful, 'functions use the tables, queue, keys and user pool');

// The operations console: S3 and CloudFront, the staff's API paths sent on to the REST API.
const consoleStack = new ConsoleStack(app, `Wallet-${config.stage}-Console`, {
  config,
  env,
  tags,
  resources: stateful.resources,
  restApi: stateless.api.restApi,
  description: `Wallet ${config.stage}: the operations console (S3, CloudFront)`,
  terminationProtection: config.deletionProtection,
});
consoleStack.addStackDependency(stateless, 'CloudFront sends the staff API paths to the REST API');

// cdk-nag v3 is a policy-validation plugin (it replaced the v2 aspect): violations that are not
// acknowledged with a reason fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();

// Builds the stacks of one stage the way bin/wallet.ts does, with the context of cdk.json (the
// same feature flags) but without bundling: esbuild output does not change a template's shape,
// and `npm run synth` does the real bundling.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Capability } from '#functions/routes.ts';
import { loadConfig, type StageConfig, type StageName } from '../../lib/config/index.ts';
import type { ApiRoute } from '../../lib/constructs/api.ts';
import { ConsoleStack } from '../../lib/stacks/console-stack.ts';
import { StatefulStack } from '../../lib/stacks/stateful-stack.ts';
import { StatelessStack } from '../../lib/stacks/stateless-stack.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export const testAccount = '123456789012';
export const testRegion = 'ap-southeast-1';

export interface StageOptions {
  /** Register cdk-nag's AwsSolutions pack as bin/wallet.ts does. */
  readonly nag?: boolean;
  readonly capabilities?: Readonly<Record<string, Capability>>;
  readonly routes?: readonly ApiRoute[];
}

export interface SynthesizedStage {
  readonly app: App;
  readonly config: StageConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  readonly console: ConsoleStack;
}

export function buildStage(stage: StageName, options: StageOptions = {}): SynthesizedStage {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), `wallet-infra-${stage}-`)),
    context: { ...cdkJson.context, stage, 'aws:cdk:bundling-stacks': [] },
  });
  const config = loadConfig(stage, { account: testAccount, region: testRegion });
  const env = { account: config.account, region: config.region };
  const stateful = new StatefulStack(app, `Wallet-${stage}-Stateful`, { config, env });
  const stateless = new StatelessStack(app, `Wallet-${stage}-Stateless`, {
    config,
    env,
    resources: stateful.resources,
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    ...(options.routes ? { routes: options.routes } : {}),
  });
  stateless.addStackDependency(stateful);
  const site = new ConsoleStack(app, `Wallet-${stage}-Console`, {
    config,
    env,
    resources: stateful.resources,
    restApi: stateless.api.restApi,
  });
  site.addStackDependency(stateless);
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, config, stateful, stateless, console: site };
}

export const templatesOf = (stage: SynthesizedStage) => ({
  stateful: Template.fromStack(stage.stateful),
  stateless: Template.fromStack(stage.stateless),
});

export interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

/** The violations in the validation report CDK writes next to the templates. */
export function validationViolations(outdir: string): Violation[] {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: Violation[] }[];
  };
  return report.pluginReports.flatMap((pluginReport) => pluginReport.violations);
}

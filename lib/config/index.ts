import { RemovalPolicy } from 'aws-cdk-lib';
import { type StageConfig, type StageName, stageConfigSchema, stageNames } from './schema.ts';
import { stages } from './stages.ts';

export type { StageConfig, StageName } from './schema.ts';
export { stageConfigSchema, stageNames } from './schema.ts';
export { stages } from './stages.ts';

export const defaultRegion = 'ap-southeast-1';

export interface ConfigInputs {
  /** Usually CDK_DEFAULT_ACCOUNT. */
  readonly account?: string | undefined;
  /** `-c region=...`, AWS_REGION or AWS_DEFAULT_REGION; `defaultRegion` when empty. */
  readonly region?: string | undefined;
  /** Usually `-c alarmEmail=...`. */
  readonly alarmEmail?: string | undefined;
}

const isStageName = (name: string): name is StageName => (stageNames as readonly string[]).includes(name);

const blankToUndefined = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/** The validated configuration of one stage; throws with every problem listed. */
export function loadConfig(stage: string, inputs: ConfigInputs = {}): StageConfig {
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage "${stage}": use -c stage=${stageNames.join(' or -c stage=')}`);
  }
  const raw = {
    ...stages[stage],
    account: blankToUndefined(inputs.account),
    region: blankToUndefined(inputs.region) ?? defaultRegion,
    alarmEmail: blankToUndefined(inputs.alarmEmail),
  };
  const parsed = stageConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid configuration for stage "${stage}":\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/** The CDK removal policy for the stage's stateful resources. */
export const removalPolicyOf = (config: StageConfig): RemovalPolicy =>
  config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

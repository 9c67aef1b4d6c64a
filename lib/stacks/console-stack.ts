// The operations console of a stage (docs/deployment.md "The operations console"): a static site
// on S3 and CloudFront, its staff API paths sent on to the stage's REST API. A stack of its own so
// that the functions and the API deploy without it, and it can be destroyed and deployed again alone.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/index.ts';
import { ConsoleSite } from '../constructs/console-site.ts';
import type { WalletResources } from './stateful-stack.ts';

export interface ConsoleStackProps extends StackProps {
  readonly config: StageConfig;
  readonly resources: Pick<WalletResources, 'userPool' | 'userPoolClient'>;
  /** The stateless stack's REST API: CloudFront sends /v1/staff/* and /v1/ops/* to it. */
  readonly restApi: apigateway.RestApi;
}

export class ConsoleStack extends Stack {
  readonly site: ConsoleSite;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    this.site = new ConsoleSite(this, 'Console', {
      config: props.config,
      restApi: props.restApi,
      userPool: props.resources.userPool,
      userPoolClient: props.resources.userPoolClient,
    });
  }
}

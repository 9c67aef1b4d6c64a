// The REST API, built from the route table in functions/routes.ts: one resource path and method
// per route, a Lambda proxy integration to its capability's function, and the Cognito authorizer
// on every route that is neither public nor sandbox. API Gateway's own errors answer RFC 9457
// problems like the handlers do. Access logs, execution logs (errors), X-Ray and WAF are on.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Access, Route } from '#functions/routes.ts';
import { removalPolicyOf, type StageConfig } from '../config/index.ts';
import { acknowledge } from './nag.ts';
import { WalletWebAcl } from './web-acl.ts';

/** A route of the table; the capability is any name, so new capabilities need no change here. */
export type ApiRoute = Omit<Route, 'capability'> & { readonly capability: string };

/** Cognito puts this scope in every access token issued through InitiateAuth. */
export const accessTokenScope = 'aws.cognito.signin.user.admin';

/** Routes anyone may call: API Gateway checks no token, the handler decides. */
export const unauthenticatedAccess: readonly Access[] = ['public', 'sandbox', 'switch'];

export interface WalletApiProps {
  readonly config: StageConfig;
  readonly routes: readonly ApiRoute[];
  /** The function serving each capability named by a route. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly userPool: cognito.IUserPool;
  /** Encrypts the access log group. */
  readonly logKey: kms.IKey;
}

interface Problem {
  readonly type: apigateway.ResponseType;
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
}

/** API Gateway's own answers (no handler ran), as RFC 9457 problems with the contract's codes. */
export const gatewayProblems: readonly Problem[] = [
  {
    type: apigateway.ResponseType.UNAUTHORIZED,
    status: 401,
    code: 'unauthenticated',
    title: 'Authentication required',
    detail: 'Send a valid access token: Authorization: Bearer <accessToken>.',
  },
  {
    type: apigateway.ResponseType.EXPIRED_TOKEN,
    status: 401,
    code: 'unauthenticated',
    title: 'Authentication required',
    detail: 'The access token has expired; refresh it and retry.',
  },
  {
    type: apigateway.ResponseType.ACCESS_DENIED,
    status: 403,
    code: 'forbidden',
    title: 'Forbidden',
    detail: 'This token may not call this operation.',
  },
  {
    type: apigateway.ResponseType.WAF_FILTERED,
    status: 403,
    code: 'forbidden',
    title: 'Forbidden',
    detail: 'The request was blocked by the web application firewall.',
  },
  {
    type: apigateway.ResponseType.THROTTLED,
    status: 429,
    code: 'rate-limited',
    title: 'Too many requests',
    detail: 'Too many requests; retry later.',
  },
  {
    // API Gateway answers unknown paths and methods with this type, not with RESOURCE_NOT_FOUND.
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: 404,
    code: 'not-found',
    title: 'Not found',
    detail: 'No such resource.',
  },
  {
    type: apigateway.ResponseType.RESOURCE_NOT_FOUND,
    status: 404,
    code: 'not-found',
    title: 'Not found',
    detail: 'No such resource.',
  },
  {
    type: apigateway.ResponseType.REQUEST_TOO_LARGE,
    status: 413,
    code: 'payload-too-large',
    title: 'Payload too large',
    detail: 'The request body is larger than the API accepts.',
  },
  {
    type: apigateway.ResponseType.DEFAULT_4XX,
    status: 400,
    code: 'bad-request',
    title: 'Bad request',
    detail: 'The request could not be accepted.',
  },
  {
    type: apigateway.ResponseType.DEFAULT_5XX,
    status: 500,
    code: 'internal-error',
    title: 'Internal error',
    detail: 'Something went wrong on our side; retry later.',
  },
];

/** The mapping template of a gateway response: a fixed problem document plus the request id. */
export const problemTemplate = (problem: Problem): string =>
  JSON.stringify({
    type: `/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    requestId: '$context.requestId',
  });

export class WalletApi extends Construct {
  readonly restApi: apigateway.RestApi;
  readonly accessLogGroup: logs.LogGroup;
  readonly webAcl: WalletWebAcl;
  /** Every method, by `METHOD /path`. */
  readonly methods = new Map<string, apigateway.Method>();

  constructor(scope: Construct, id: string, props: WalletApiProps) {
    super(scope, id);
    const { config } = props;

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/wallet/${config.stage}/api-access`,
      retention: config.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: removalPolicyOf(config),
    });

    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: `wallet-${config.stage}`,
      description: `Wallet ${config.stage} HTTP API (docs/API.md); built from functions/routes.ts`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Execution logs need the account-level CloudWatch role of API Gateway (one per region).
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request and response bodies carry personal data: never in execution logs.
        dataTraceEnabled: false,
        throttlingRateLimit: config.apiThrottling.rateLimit,
        throttlingBurstLimit: config.apiThrottling.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigateway.AccessLogField.contextRequestId(),
            extendedRequestId: apigateway.AccessLogField.contextExtendedRequestId(),
            requestTime: apigateway.AccessLogField.contextRequestTime(),
            ip: apigateway.AccessLogField.contextIdentitySourceIp(),
            httpMethod: apigateway.AccessLogField.contextHttpMethod(),
            resourcePath: apigateway.AccessLogField.contextResourcePath(),
            protocol: apigateway.AccessLogField.contextProtocol(),
            status: apigateway.AccessLogField.contextStatus(),
            responseLength: apigateway.AccessLogField.contextResponseLength(),
            responseLatency: apigateway.AccessLogField.contextResponseLatency(),
            integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
            sub: apigateway.AccessLogField.contextAuthorizerClaims('sub'),
            errorType: apigateway.AccessLogField.contextErrorResponseType(),
            wafResponseCode: apigateway.AccessLogField.contextWafResponseCode(),
            xrayTraceId: apigateway.AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
    });

    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledge(cloudWatchRole, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway assumes to write execution logs to CloudWatch Logs: AWS documents this managed service-role policy for it, and API Gateway checks the role permissions when the account setting is made. No function or person uses this role.',
      });
    }
    acknowledge(this.restApi, {
      id: 'AwsSolutions-APIG2',
      reason:
        'Request validation is done by every handler with zod (functions/core/http), which answers the RFC 9457 `validation-failed` problem the API contract requires; API Gateway validation would answer a different shape.',
    });

    this.addGatewayResponses();
    this.addRoutes(props);

    this.webAcl = new WalletWebAcl(this, 'Waf', {
      stage: config.stage,
      rateLimitPer5MinPerIp: config.wafRateLimitPer5MinPerIp,
      stageArn: this.restApi.deploymentStage.stageArn,
    });
    // WAF can associate only with a stage that exists: create the stage first.
    this.webAcl.association.node.addDependency(this.restApi.deploymentStage);
  }

  private addGatewayResponses(): void {
    for (const problem of gatewayProblems) {
      this.restApi.addGatewayResponse(`Problem${problem.type.responseType}`, {
        type: problem.type,
        statusCode: String(problem.status),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          'Cache-Control': "'no-store'",
        },
        templates: { 'application/json': problemTemplate(problem) },
      });
    }
  }

  private addRoutes({ routes, functions, userPool }: WalletApiProps): void {
    let authorizer: apigateway.CognitoUserPoolsAuthorizer | undefined;
    const authorizerOf = () => {
      authorizer ??= new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
        authorizerName: `${this.restApi.restApiName}-cognito`,
        cognitoUserPools: [userPool],
        identitySource: apigateway.IdentitySource.header('Authorization'),
        resultsCacheTtl: Duration.minutes(5),
      });
      return authorizer;
    };
    const integrations = new Map<string, apigateway.LambdaIntegration>();

    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (this.methods.has(key)) throw new Error(`Route ${key} appears twice in functions/routes.ts`);
      const handler = functions.get(route.capability);
      if (!handler) throw new Error(`Route ${key} names capability "${route.capability}", which has no function`);

      let integration = integrations.get(route.capability);
      if (!integration) {
        // One invoke permission per function for this API, instead of one per method: the
        // function policy stays small however many routes a capability serves.
        integration = new apigateway.LambdaIntegration(handler, { proxy: true, scopePermissionToMethod: false });
        integrations.set(route.capability, integration);
      }

      const resource = this.restApi.root.resourceForPath(route.path);
      const open = unauthenticatedAccess.includes(route.access);
      const method = resource.addMethod(
        route.method,
        integration,
        open
          ? { authorizationType: apigateway.AuthorizationType.NONE }
          : {
              authorizationType: apigateway.AuthorizationType.COGNITO,
              authorizer: authorizerOf(),
              // Access tokens carry scopes (ID tokens do not): with a scope the authorizer accepts
              // access tokens, as the contract says clients send. Groups are checked by the handler.
              authorizationScopes: [accessTokenScope],
            },
      );
      this.methods.set(key, method);

      if (open) {
        const reason =
          route.access === 'public'
            ? `${key} is public by the API contract (docs/API.md: registration, sign-in and health are called without a token); WAF rate limits it and the handler validates the body.`
            : route.access === 'switch'
              ? `${key} is the switch's endpoint: the switch holds no Cognito identity; every message is signed with the key shared with it (HMAC-SHA256 over the raw body and a timestamp), verified by the handler before anything is done, and replays are refused.`
              : `${key} is a sandbox route (docs/API.md, sandbox endpoints): deployed only where the stage enables the sandbox, never in production, and called without a token by design.`;
        acknowledge(method, { id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
      }
    }
  }
}

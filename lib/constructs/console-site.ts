// The operations console as a static site: the files console/site.ts builds, in a private S3
// bucket read by CloudFront through origin access control, with the security headers of
// console/site.ts on every answer. The staff's API calls go to the same origin: CloudFront sends
// /v1/staff/* and /v1/ops/* on to the REST API (not cached, every header but Host forwarded), so
// the console needs no CORS and its policy allows `connect-src 'self'` only. config.json is
// written at deploy time with the stage's ids, so one build serves every stage.
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  buildConsole,
  type ConsoleConfig,
  consoleBuildDir,
  consolePath,
  consoleSecurityHeaders,
} from '../../console/site.ts';
import type { StageConfig } from '../config/index.ts';
import { acknowledge } from './nag.ts';

export interface ConsoleSiteProps {
  readonly config: StageConfig;
  readonly restApi: apigateway.RestApi;
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
}

/** The API paths the console calls, sent on by CloudFront to the REST API. */
export const consoleApiPaths = ['/v1/staff/*', '/v1/ops/*'] as const;

/**
 * `/` and `/console` go to `/console/`; `/console/` is its index.html (an S3 origin behind OAC has
 * no index documents of its own).
 */
const indexFunctionCode = `function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '/console') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${consolePath}' } } };
  }
  if (uri === '${consolePath}') event.request.uri = '${consolePath}index.html';
  return event.request;
}`;

export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const { config } = props;
    const region = Stack.of(this).region;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Retained: a bucket with files cannot be deleted by CloudFormation, and the files are the
      // console's public code only. Empty and delete it by hand after destroying a stage.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const h = consoleSecurityHeaders;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `wallet ${config.stage} console: CSP, HSTS, no framing`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: h.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(h.strictTransportSecurity.maxAgeSeconds),
          includeSubdomains: h.strictTransportSecurity.includeSubdomains,
          preload: h.strictTransportSecurity.preload,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: h.permissionsPolicy, override: true }],
      },
    });

    const api = new origins.RestApiOrigin(props.restApi);
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Never cached; with caching off, Authorization is forwarded with every other header but Host
      // (API Gateway answers its own domain only).
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `wallet ${config.stage} operations console`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'Index', {
              code: cloudfront.FunctionCode.fromInline(indexFunctionCode),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
              comment: 'the console at /console/',
            }),
          },
        ],
      },
      additionalBehaviors: Object.fromEntries(consoleApiPaths.map((path) => [path, apiBehavior])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
    });
    this.url = `https://${this.distribution.distributionDomainName}${consolePath}`;

    const consoleConfig: ConsoleConfig = {
      // The API is this origin's /v1/staff/* and /v1/ops/*.
      apiBaseUrl: '',
      userPoolId: props.userPool.userPoolId,
      userPoolClientId: props.userPoolClient.userPoolClientId,
      issuer: `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
      stage: config.stage,
    };
    const files = new s3deploy.BucketDeployment(this, 'Files', {
      sources: [
        s3deploy.Source.asset(buildConsole(consoleBuildDir)),
        s3deploy.Source.jsonData('config.json', consoleConfig),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: consolePath.slice(1),
      // Revalidated on every load (ETags): a deployment is seen at once, config.json included.
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`${consolePath}*`],
      memoryLimit: 256,
    });

    new CfnOutput(Stack.of(this), 'ConsoleUrl', {
      description: 'The operations console (staff sign in with their phone number and password)',
      value: this.url,
    });

    this.#acknowledgeDeployment(files);
    acknowledge(this.distribution, ...distributionAcknowledgements);
    acknowledge(this.bucket, {
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds the console build only (public code, no data) and is read by CloudFront alone through origin access control; what staff do is in the API access logs and the audit trail.',
    });
  }

  /**
   * BucketDeployment copies the build with a Lambda function of aws-cdk-lib's own (one per stack and
   * memory size), which runs only during a deployment.
   */
  #acknowledgeDeployment(files: s3deploy.BucketDeployment): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('the BucketDeployment handler was not found');
    const reason =
      "aws-cdk-lib's BucketDeployment handler, which runs only while CloudFormation deploys the console: it copies the build from the CDK asset bucket into the console bucket and invalidates the distribution.";
    // The CDK asset bucket it reads the build from, named as cdk-nag names it.
    const statements = (
      stack.resolve(
        (handler.node.findChild('ServiceRole').node.findChild('DefaultPolicy') as iam.Policy).document.toJSON(),
      ) as { Statement: { Resource: unknown }[] }
    ).Statement;
    const assetBuckets = statements
      .flatMap((statement) => [statement.Resource].flat())
      .map(nagString)
      .filter((resource) => resource.includes('assets') && resource.endsWith('/*'))
      .map((resource) => ({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason: `${reason} It reads the CDK asset bucket's objects.`,
      }));
    acknowledge(
      handler,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${reason} The managed policy lets it write its own logs.`,
      },
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${reason} CDK grants these read and write action groups on the two buckets only.`,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::${nagString(stack.resolve(this.bucket.arnForObjects('*')))}]`,
        reason: `${reason} It writes every object of the console bucket.`,
      },
      ...assetBuckets,
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `${reason} CloudFront invalidations (cloudfront:CreateInvalidation, GetInvalidation) cannot be scoped to a distribution by CDK here.`,
      },
      {
        id: 'AwsSolutions-L1',
        reason: `${reason} Its runtime is the one aws-cdk-lib ships with it, updated with aws-cdk-lib.`,
      },
    );
    void files;
  }
}

/** Findings about the distribution, acknowledged with their reasons (docs/deployment.md "The console"). */
const distributionAcknowledgements = [
  {
    id: 'AwsSolutions-CFR1',
    reason:
      'No geo restriction: staff may work from anywhere (branches, travel); sign-in goes through the wallet with its lock-out and every staff route checks the Cognito group.',
  },
  {
    id: 'AwsSolutions-CFR2',
    reason:
      'A web ACL for CloudFront must live in us-east-1, outside this regional stack; the REST API behind the staff paths keeps its regional WAF and throttling, and the password guard per phone number holds whatever the source address.',
  },
  {
    id: 'AwsSolutions-CFR3',
    reason:
      'The distribution serves public code and passes staff calls on to the API; who called what is in the API access logs (with the caller) and the audit trail, so CloudFront access logs would add no record of substance.',
  },
  {
    id: 'AwsSolutions-CFR4',
    reason:
      "The default *.cloudfront.net certificate's security policy is fixed by CloudFront; a custom domain with an ACM certificate (us-east-1) sets TLSv1.2_2021 (docs/deployment.md).",
  },
];

/** A resolved IAM resource as cdk-nag writes it in a finding: `Ref` as `<Name>`, joins flattened. */
function nagString(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object') {
    const object = node as Record<string, unknown>;
    if ('Fn::Join' in object) {
      const [delimiter, items] = object['Fn::Join'] as [string, unknown[]];
      return items.map(nagString).join(delimiter);
    }
    if ('Ref' in object) return `<${String(object.Ref)}>`;
    if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Sub' in object) return String(object['Fn::Sub']).replace(/\$\{([^}]+)\}/g, '<$1>');
  }
  return JSON.stringify(node);
}

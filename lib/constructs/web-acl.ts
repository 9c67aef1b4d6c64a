// WAF v2 in front of the REST API stage: a per-IP rate limit (answered with the wallet's own
// `rate-limited` problem) and the AWS managed common rule set.
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WalletWebAclProps {
  readonly stage: string;
  /** Requests per client IP in any 5-minute window before WAF blocks that IP. */
  readonly rateLimitPer5MinPerIp: number;
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

export const rateLimitedBodyKey = 'rate-limited';

export class WalletWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly association: wafv2.CfnWebACLAssociation;

  constructor(scope: Construct, id: string, props: WalletWebAclProps) {
    super(scope, id);
    const name = `wallet-${props.stage}-api`;

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      description: `Wallet ${props.stage} REST API: per-IP rate limit and AWS common rule set`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      customResponseBodies: {
        [rateLimitedBodyKey]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: '/problems/rate-limited',
            title: 'Too many requests',
            status: 429,
            detail: 'Too many requests from this address; retry later.',
            code: 'rate-limited',
          }),
        },
      },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: props.rateLimitPer5MinPerIp,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          action: {
            block: {
              customResponse: { responseCode: 429, customResponseBodyKey: rateLimitedBodyKey },
            },
          },
          visibilityConfig: visibility(`${name}-rate-limit`),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 1,
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          overrideAction: { none: {} },
          visibilityConfig: visibility(`${name}-common`),
        },
      ],
    });

    this.association = new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}

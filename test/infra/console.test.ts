import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleSecurityHeaders } from '../../console/site.ts';
import type { StageName } from '../../lib/config/index.ts';
import { consoleApiPaths } from '../../lib/constructs/console-site.ts';
import { buildStage } from './synth.ts';

// The operations console's stack (docs/deployment.md "The operations console"): a private bucket
// read by CloudFront through origin access control, the security headers, the staff API paths
// sent on to the REST API uncached, the build and config.json deployed under console/.

describe.each<StageName>(['sandbox', 'production'])('console stack (%s)', (stage) => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(buildStage(stage).console);
  }, 120_000);

  it('keeps the files in a private, encrypted, TLS-only bucket that only this distribution reads', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as Record<string, any>[];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const allow of allows) {
      expect(allow.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(allow.Condition.StringEquals['AWS:SourceArn']).toBeDefined();
    }
    // Origin access control, not the legacy origin access identity.
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('answers with the content security policy, HSTS, no framing, nosniff and no referrer', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: {
            ContentSecurityPolicy: consoleSecurityHeaders.contentSecurityPolicy,
            Override: true,
          },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
      }),
    });
    expect(consoleSecurityHeaders.contentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(consoleSecurityHeaders.contentSecurityPolicy).toContain("connect-src 'self'");
    expect(consoleSecurityHeaders.contentSecurityPolicy).not.toContain('unsafe-inline');
  });

  it('serves the console over HTTPS and sends only the staff API paths to the REST API, uncached', () => {
    const distributions = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    expect(distributions).toHaveLength(1);
    const config = distributions[0]!.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https' });
    expect(config.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    const behaviors = config.CacheBehaviors as Record<string, any>[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual([...consoleApiPaths].sort());
    for (const b of behaviors) {
      expect(b.ViewerProtocolPolicy).toBe('https-only');
      // The managed policies CachingDisabled and AllViewerExceptHostHeader.
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(b.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
      expect(b.ResponseHeadersPolicyId).toBeDefined();
    }
    // The API origin: the REST API's domain, its stage as the origin path, TLS 1.2 only.
    const apiOrigin = (config.Origins as Record<string, any>[]).find((o) => o.CustomOriginConfig)!;
    expect(apiOrigin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(apiOrigin.OriginPath).toBeDefined();
  });

  it('deploys the build and config.json under console/, invalidating the console paths', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.Properties).toMatchObject({
      DestinationBucketKeyPrefix: 'console/',
      DistributionPaths: ['/console/*'],
    });
    // The build and config.json (its ids filled in at deploy time).
    expect(deployments[0]!.Properties.SourceObjectKeys).toHaveLength(2);
    template.hasOutput('ConsoleUrl', {});
  });
});

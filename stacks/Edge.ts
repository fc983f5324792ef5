import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { StaticSite, use, type StackContext } from 'sst/constructs';
import {
  API_FORWARDED_HEADERS,
  API_VIEWER_REQUEST_FUNCTION,
  CONTENT_SECURITY_POLICY,
  HSTS_MAX_AGE_SECONDS,
} from '@shop/core';
import { Api } from './Api.ts';
import { Payments } from './Payments.ts';
import { Auth } from './Auth.ts';
import { customDomain, rateLimitPer5Minutes } from './settings.ts';

/** The payments webhook's path on the site's origin (packages/api/src/webhook.ts serves it). */
const WEBHOOK_PATH_PREFIX = '/webhooks/';

/** CloudFront only takes a web ACL of scope CLOUDFRONT, and those live in us-east-1 only. */
export const EDGE_REGION = 'us-east-1';
/** The local web app's origin: `SiteUrl` under `sst dev`, where no distribution is deployed. */
export const DEV_SITE_URL = 'http://localhost:5173';

/** The AWS managed rule groups of the web ACL, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/**
 * The site's viewer-request function: a path without a file extension is a route of the
 * single-page app, answered with `/index.html`. (Not CloudFront's error responses, which would
 * also turn the API's 403 and 404 answers into the page.)
 */
export const SITE_VIEWER_REQUEST_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}
`;

/** Another Lambda function URL served on the site's origin (e.g. `/webhooks/*` → payments). */
export interface ExtraFunctionOrigin {
  pathPattern: string;
  url: lambda.IFunctionUrl;
}

export interface EdgeOptions {
  /**
   * More function URLs behind the distribution, each under its path pattern, uncached, with the
   * security headers and every viewer header but Host forwarded. A URL of auth type `AWS_IAM`
   * gets an origin access control (and the invoke permission) like the API; one of type `NONE`
   * (a webhook that checks its own signature) is called as is.
   */
  extraOrigins?: readonly ExtraFunctionOrigin[];
}

/** The web ACL: a per-IP rate limit answered 429, then AWS's managed rule groups. */
function webAcl(stack: StackContext['stack'], name: string) {
  const visibility = (metricName: string) => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
  });
  return new wafv2.CfnWebACL(stack, 'WebAcl', {
    name,
    scope: 'CLOUDFRONT',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(name),
    customResponseBodies: {
      TooManyRequests: {
        contentType: 'APPLICATION_JSON',
        content: '{"message":"Too many requests: slow down and retry later"}',
      },
    },
    rules: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        statement: {
          rateBasedStatement: {
            limit: rateLimitPer5Minutes(),
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
          },
        },
        action: {
          block: {
            customResponse: { responseCode: 429, customResponseBodyKey: 'TooManyRequests' },
          },
        },
        visibilityConfig: visibility(`${name}-rate-limit`),
      },
      ...MANAGED_RULE_GROUPS.map((group, index) => ({
        name: group,
        priority: index + 1,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group,
            // The common rule set blocks bodies over 8 KB; the API bounds its own inputs (a cart
            // of 50 lines is larger), so that one rule only counts.
            ...(group === 'AWSManagedRulesCommonRuleSet'
              ? {
                  ruleActionOverrides: [
                    { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
                  ],
                }
              : {}),
          },
        },
        visibilityConfig: visibility(`${name}-${group}`),
      })),
    ],
  });
}

/**
 * One CloudFront distribution for the site and the API, behind a WAF web ACL:
 * - default behaviour → the site's bucket, read through an origin access control (no OAI);
 * - `/api/*` → the API's function URL (auth type `AWS_IAM`), signed by a Lambda origin access
 *   control, uncached; a CloudFront Function carries the viewer's `Authorization` in
 *   `x-shop-authorization` and strips the `/api` prefix (packages/core/src/edge.ts);
 * - every answer gets the security headers (CSP, HSTS, nosniff, Referrer-Policy, no framing);
 * - TLS 1.2+ on the custom domain (`SHOP_DOMAIN`, `SHOP_CERTIFICATE_ARN`).
 *
 * SST v2 deploys every stack of an app in one region, and CloudFront takes only web ACLs made in
 * us-east-1: a deployed stage must therefore use us-east-1 (the default of sst.config.ts).
 */
export function createEdge({ stack, app }: StackContext, options: EdgeOptions = {}) {
  const { url } = use(Api);
  const { userPool, client } = use(Auth);
  const isDev = app.mode === 'dev';
  const isProd = app.stage === 'prod';
  if (!isDev && stack.region !== EDGE_REGION) {
    throw new Error(
      `Deploy the shop in ${EDGE_REGION} (AWS_REGION or --region): CloudFront's web ACL must ` +
        `be created there, and SST v2 puts every stack of an app in one region (not ${stack.region})`,
    );
  }
  const domain = isDev ? undefined : customDomain();

  const bucket = new s3.Bucket(stack, 'SiteBucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    autoDeleteObjects: !isProd,
  });

  const securityHeaders = new cloudfront.ResponseHeadersPolicy(stack, 'SecurityHeaders', {
    comment: 'The shop: CSP, HSTS, nosniff, Referrer-Policy, no framing',
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
        includeSubdomains: true,
        override: true,
      },
      contentTypeOptions: { override: true },
      referrerPolicy: {
        referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
        override: true,
      },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
    },
  });

  const apiViewerRequest = new cloudfront.Function(stack, 'ApiViewerRequest', {
    comment: 'Carries Authorization in x-shop-authorization; strips /api',
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromInline(API_VIEWER_REQUEST_FUNCTION),
  });
  const apiOriginRequest = new cloudfront.OriginRequestPolicy(stack, 'ApiOriginRequest', {
    comment: 'The shop API: its headers, the viewer address and every query string',
    headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...API_FORWARDED_HEADERS),
    queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
    cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
  });
  const functionBehavior = (origin: cloudfront.IOrigin): cloudfront.BehaviorOptions => ({
    origin,
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
    // Every API answer may be personal: nothing is cached.
    cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
    responseHeadersPolicy: securityHeaders,
  });
  const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {
    '/api/*': {
      ...functionBehavior(
        origins.FunctionUrlOrigin.withOriginAccessControl(url, {
          readTimeout: Duration.seconds(30),
        }),
      ),
      originRequestPolicy: apiOriginRequest,
      functionAssociations: [
        { function: apiViewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
    },
  };
  for (const extra of options.extraOrigins ?? []) {
    additionalBehaviors[extra.pathPattern] = {
      ...functionBehavior(
        extra.url.authType === lambda.FunctionUrlAuthType.AWS_IAM
          ? origins.FunctionUrlOrigin.withOriginAccessControl(extra.url)
          : new origins.FunctionUrlOrigin(extra.url),
      ),
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
  }

  const acl = isDev ? undefined : webAcl(stack, app.logicalPrefixedName('edge'));

  const siteViewerRequest = new cloudfront.Function(stack, 'SiteViewerRequest', {
    comment: 'Serves /index.html for the routes of the single-page app',
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromInline(SITE_VIEWER_REQUEST_FUNCTION),
  });

  const site = new StaticSite(stack, 'Site', {
    path: 'packages/web',
    buildCommand: 'pnpm run build',
    buildOutput: 'dist',
    // SST writes its `import.meta.env` types here, out of the sources: packages/web/src/env.d.ts
    // declares the same variables, formatted and committed.
    vite: { types: 'node_modules/.sst/sst-env.d.ts' },
    environment: {
      // Deployed, the site calls `/api` on its own origin. Under `sst dev`, `sst bind vite` (in
      // packages/web) hands the local dev server the dev stage's function URL instead.
      VITE_API_URL: isDev ? url.url : '/api',
      VITE_USER_POOL_ID: userPool.userPoolId,
      VITE_USER_POOL_CLIENT_ID: client.userPoolClientId,
    },
    dev: { url: DEV_SITE_URL },
    ...(domain
      ? {
          customDomain: {
            domainName: domain.domain,
            isExternalDomain: true,
            cdk: {
              certificate: acm.Certificate.fromCertificateArn(
                stack,
                'Certificate',
                domain.certificateArn,
              ),
            },
          },
        }
      : {}),
    cdk: {
      bucket,
      distribution: {
        comment: `The shop (${app.stage}): site and /api`,
        defaultBehavior: {
          origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          responseHeadersPolicy: securityHeaders,
          functionAssociations: [
            { function: siteViewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          ],
        },
        additionalBehaviors,
        // None: they would apply to `/api/*` too (see SITE_VIEWER_REQUEST_FUNCTION).
        errorResponses: [],
        // Applies with a custom domain; the default *.cloudfront.net certificate is AWS's.
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
        ...(acl ? { webAclId: acl.attrArn } : {}),
      },
    },
  });

  const distribution = site.cdk?.distribution as cloudfront.Distribution | undefined;
  if (distribution) {
    // Since October 2025 a function URL also needs `lambda:InvokeFunction` granted, limited to
    // calls made through the URL; CDK's origin access control adds only InvokeFunctionUrl.
    new lambda.CfnPermission(stack, 'ApiInvokeFromDistribution', {
      principal: 'cloudfront.amazonaws.com',
      action: 'lambda:InvokeFunction',
      functionName: url.functionArn,
      sourceArn: stack.formatArn({
        service: 'cloudfront',
        region: '',
        resource: 'distribution',
        resourceName: distribution.distributionId,
      }),
      invokedViaFunctionUrl: true,
    });
  }

  stack.addOutputs({
    SiteUrl: site.customDomainUrl ?? site.url ?? DEV_SITE_URL,
    ...(distribution ? { DistributionId: distribution.distributionId } : {}),
    ...(acl ? { WebAclArn: acl.attrArn } : {}),
  });
  return { site, distribution, webAcl: acl };
}

/** The edge stack of `sst.config.ts`: the site, the API and the payments webhook on one origin. */
export function Edge(context: StackContext) {
  const { webhookUrl } = use(Payments);
  const edge = createEdge(context, {
    extraOrigins: [{ pathPattern: `${WEBHOOK_PATH_PREFIX}*`, url: webhookUrl }],
  });
  const siteUrl = edge.site.customDomainUrl ?? edge.site.url;
  context.stack.addOutputs({
    PaymentsWebhookUrl: siteUrl ? `${siteUrl}/webhooks/payments` : webhookUrl.url,
  });
  return edge;
}

import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { StaticSite, use, type StackContext } from 'sst/constructs';
import { Api } from './Api.ts';
import { Auth } from './Auth.ts';

/**
 * The web app (packages/web): built by Vite, served from S3 through CloudFront, calling the API's
 * function URL cross-origin.
 *
 * CORS wiring. The site's CloudFront URL is known only at deploy time, and the two depend on each
 * other: the site's files need the API URL (`VITE_API_URL`, filled in after the build by SST's
 * S3 deployment), and the API must allow the site's origin. Referencing the distribution from the
 * function URL's `Cors` makes a cycle that no stack layout breaks: StaticSite makes its
 * distribution depend on the file deployment, which depends on the function URL (cross-stack,
 * Api ⇄ Web; in one stack, Url → Distribution → Deployment → Url). So the Api stack keeps its
 * static policy (`corsPolicy`, packages/core/src/cors.ts), and this stack, deployed after it,
 * sets the function URL's CORS to that same policy PLUS the site's origin, with a custom resource
 * calling `lambda:UpdateFunctionUrlConfig` once the distribution exists. Its parameters hold the
 * whole policy, so whenever the Api stack changes its CORS (which resets the URL's configuration),
 * the parameters change too and this resource applies them again in the same `sst deploy`; on
 * removal it restores the Api's own policy.
 */
export function Web({ stack }: StackContext) {
  const { api, cors } = use(Api);
  const { userPool, client } = use(Auth);

  const site = new StaticSite(stack, 'Site', {
    path: 'packages/web',
    buildCommand: 'pnpm run build',
    buildOutput: 'dist',
    // SST writes its `import.meta.env` types here, out of the sources: packages/web/src/env.d.ts
    // declares the same variables, formatted and committed.
    vite: { types: 'node_modules/.sst/sst-env.d.ts' },
    environment: {
      VITE_API_URL: api.url ?? '',
      VITE_USER_POOL_ID: userPool.userPoolId,
      VITE_USER_POOL_CLIENT_ID: client.userPoolClientId,
    },
  });

  // `sst dev` does not deploy the site (no URL): the dev servers' origins are already allowed.
  if (site.url) {
    const urlCors = (origins: readonly string[]) => ({
      AllowOrigins: [...origins],
      AllowMethods: [...cors.allowMethods],
      AllowHeaders: [...cors.allowHeaders],
      ExposeHeaders: [...cors.exposeHeaders],
      MaxAge: cors.maxAgeSeconds,
    });
    const call = (origins: readonly string[]) => ({
      service: 'Lambda',
      action: 'UpdateFunctionUrlConfig',
      parameters: { FunctionName: api.functionName, Cors: urlCors(origins) },
      physicalResourceId: PhysicalResourceId.of(`${stack.stackName}-api-cors`),
    });
    new AwsCustomResource(stack, 'ApiCorsAllowsSite', {
      onUpdate: call([...cors.allowOrigins, site.url]), // also on create
      onDelete: call(cors.allowOrigins),
      policy: AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['lambda:UpdateFunctionUrlConfig'],
          resources: [api.functionArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
  }

  stack.addOutputs({ SiteUrl: site.url ?? '' });
  return { site };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { App, getStack } from 'sst/constructs';
import { initProject, useProject } from 'sst/project.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  API_FORWARDED_HEADERS,
  API_VIEWER_REQUEST_FUNCTION,
  CONTENT_SECURITY_POLICY,
  CORS_ALLOW_HEADERS,
  CORS_EXPOSE_HEADERS,
  keyAttributes,
  tableDefinitions,
} from '@shop/core';
import config from '../sst.config.ts';
import { Api, API_HANDLER, corsOrigins } from './Api.ts';
import { Auth, POST_CONFIRMATION_HANDLER } from './Auth.ts';
import { Database } from './Database.ts';
import { Edge, MANAGED_RULE_GROUPS } from './Edge.ts';
import { Monitoring } from './Monitoring.ts';

const ROOT = join(import.meta.dirname, '..');
const PROD_ORIGINS = ['https://shop.example.com', 'https://admin.shop.example.com'];
const EMAIL_FROM = 'no-reply@shop.example.com';
const ALARM_EMAIL = 'ops@shop.example.com';
/** What a prod deploy must be given besides its origins. */
const prodEnv = () => {
  vi.stubEnv('SHOP_CORS_ORIGINS', PROD_ORIGINS.join(', '));
  vi.stubEnv('SHOP_EMAIL_FROM', EMAIL_FROM);
  vi.stubEnv('SHOP_ALARM_EMAIL', ALARM_EMAIL);
};
const LOCAL_ORIGINS = [
  'http://localhost:3000',
  'http://localhost:5173',
  'http://127.0.0.1:3000',
  'http://127.0.0.1:5173',
];

// Literal on purpose: widening a grant must show up as a change to this test.
const GRANTED_DYNAMODB_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];
const GRANTED_COGNITO_ACTIONS = [
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:ListUsersInGroup',
];
// The payment secret key's SSM parameter, bound by the Payments stack.
const GRANTED_SSM_ACTIONS = ['ssm:GetParameters'];

/**
 * Synthesizes the app exactly as `sst.config.ts` defines it, offline. Without `build`, SST's
 * deferred tasks do not run, so the function keeps SST's inline placeholder code (and placeholder
 * nodejs22.x runtime) and nothing is bundled. With `build`, `app.finish()` runs them as
 * `sst deploy` does: esbuild bundles the handler and the stage's default removal policy is applied.
 */
async function synth(stage: string, { build = false, region = 'us-east-1' } = {}) {
  await initProject({ stage });
  const { config: project, paths } = useProject();
  const app = new App(
    { mode: 'deploy', stage, name: project.name, region },
    // Under the git-ignored .sst, not a new temporary directory per synthesis.
    { outdir: join(paths.out, 'test-cdk.out', `${stage}${build ? '-build' : ''}`) },
  );
  config.stacks(app);
  if (build) await app.finish();
  return {
    database: Template.fromStack(getStack(Database)),
    auth: Template.fromStack(getStack(Auth)),
    api: Template.fromStack(getStack(Api)),
    edge: Template.fromStack(getStack(Edge)),
    monitoring: Template.fromStack(getStack(Monitoring)),
  };
}

type Templates = Awaited<ReturnType<typeof synth>>;
interface Resource {
  Type: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Action: string | string[];
  Resource: unknown;
}

const resources = (template: Template, type: string) =>
  Object.values(template.findResources(type)) as Resource[];
const list = <T>(value: T | T[]) => [value].flat() as T[];
const statementsOf = (template: Template) =>
  resources(template, 'AWS::IAM::Policy').flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );

const stages: Record<string, Templates> = {};

beforeAll(async () => {
  prodEnv();
  stages.prod = await synth('prod');
  vi.unstubAllEnvs();
  stages.dev = await synth('dev');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(['prod', 'dev'])('the %s stage', (stage) => {
  const t = () => stages[stage]!;
  const isProd = stage === 'prod';

  it('has exactly the tables of the core definition: names, keys, attributes and indexes', () => {
    const tables = resources(t().database, 'AWS::DynamoDB::Table');
    expect(tables.map((r) => r.Properties.TableName).sort()).toEqual(
      tableDefinitions.map((d) => `${stage}-shop-${d.name}`).sort(),
    );
    expect(tables).toHaveLength(5);
    for (const definition of tableDefinitions) {
      const props = tables.find(
        (r) => r.Properties.TableName === `${stage}-shop-${definition.name}`,
      )!.Properties;
      expect(props.BillingMode).toBe('PAY_PER_REQUEST');
      expect(props.KeySchema).toEqual([
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ]);
      expect(props.AttributeDefinitions).toEqual(
        expect.arrayContaining(
          keyAttributes(definition).map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        ),
      );
      expect(props.AttributeDefinitions).toHaveLength(keyAttributes(definition).length);
      const indexes = (
        props.GlobalSecondaryIndexes as {
          IndexName: string;
          KeySchema: unknown;
          Projection: unknown;
        }[]
      )
        .map((i) => ({
          IndexName: i.IndexName,
          KeySchema: i.KeySchema,
          Projection: sorted(i.Projection),
        }))
        .sort((a, b) => a.IndexName.localeCompare(b.IndexName));
      expect(indexes).toEqual(
        definition.indexes
          .map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
            ],
            // The contract's literal choices (bench/README.md, "Write cost of an order"): the
            // e-mail index holds keys only, the product indexes what a listing shows (v3.1: no
            // `stock`, no `updatedAt`), every other index all attributes.
            Projection:
              index.name === 'email-index'
                ? { ProjectionType: 'KEYS_ONLY' }
                : definition.name === 'Products'
                  ? { ProjectionType: 'INCLUDE', NonKeyAttributes: LISTING }
                  : { ProjectionType: 'ALL' },
          }))
          .sort((a, b) => a.IndexName.localeCompare(b.IndexName)),
      );
    }
  });

  it(
    isProd
      ? 'retains tables and user pool, with point-in-time recovery'
      : 'deletes tables and user pool with the stage',
    () => {
      const data = [
        ...resources(t().database, 'AWS::DynamoDB::Table'),
        ...resources(t().auth, 'AWS::Cognito::UserPool'),
      ];
      expect(data).toHaveLength(6);
      for (const resource of data) {
        expect(resource.DeletionPolicy).toBe(isProd ? 'Retain' : 'Delete');
        expect(resource.UpdateReplacePolicy).toBe(isProd ? 'Retain' : 'Delete');
      }
      for (const table of resources(t().database, 'AWS::DynamoDB::Table')) {
        expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: isProd,
        });
      }
    },
  );

  it('serves one arm64 function through one IAM-only function URL with named origins', () => {
    const urls = resources(t().api, 'AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0]!.Properties).toMatchObject({
      AuthType: 'AWS_IAM',
      Cors: {
        AllowOrigins: isProd ? PROD_ORIGINS : LOCAL_ORIGINS,
        AllowMethods: ['GET', 'POST'],
        AllowHeaders: [...CORS_ALLOW_HEADERS],
        ExposeHeaders: [...CORS_EXPOSE_HEADERS],
        MaxAge: 86_400,
      },
    });
    // Every header tRPC's links send must pass a preflight, or browsers refuse the call.
    expect(urls[0]!.Properties.Cors).toMatchObject({
      AllowHeaders: expect.arrayContaining([
        'authorization',
        'content-type',
        'trpc-accept',
      ]) as unknown,
    });
    expect(urls[0]!.Properties.Cors).not.toMatchObject({ AllowOrigins: ['*'] });
    expect(JSON.stringify(urls[0]!.Properties.Cors)).not.toContain('"*"');

    // SST's own custom-resource handler lives in every stack; the API is the one with a URL.
    t().api.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 10,
      Environment: {
        Variables: Match.objectLike({
          SHOP_STAGE: stage,
          SHOP_TABLE_PREFIX: `${stage}-shop-`,
          COGNITO_USER_POOL_ID: Match.anyValue(),
          COGNITO_CLIENT_ID: Match.anyValue(),
        }),
      },
    });
    // Lambda reserves AWS_REGION; setting it would fail the deployment.
    t().api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AWS_REGION: Match.absent() }) },
    });
  });

  it('gives the function a generated cursor secret, by dynamic reference, with no grant', () => {
    const secrets = Object.entries(t().api.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    const [secretId, secret] = secrets[0]! as [string, Resource];
    // Generated by Secrets Manager: no value in the template, nothing derived from public ids.
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toMatchObject({
      PasswordLength: expect.any(Number) as unknown,
    });
    expect(
      (secret.Properties.GenerateSecretString as { PasswordLength: number }).PasswordLength,
    ).toBeGreaterThanOrEqual(32);

    const [fn] = resources(t().api, 'AWS::Lambda::Function').filter(
      (f) => (f.Properties.Environment as { Variables?: object } | undefined)?.Variables,
    );
    const variables = (fn!.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    // `{{resolve:secretsmanager:<arn>:SecretString:::}}`, resolved by CloudFormation at deploy.
    expect(variables.SHOP_CURSOR_SECRET).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
    });
    expect(JSON.stringify(statementsOf(t().api))).not.toContain('secretsmanager:');
  });

  it('has a user pool with email sign-in, the password policy, the client and an admin group', () => {
    t().auth.resourceCountIs('AWS::Cognito::UserPool', 1);
    t().auth.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    t().auth.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const [client] = resources(t().auth, 'AWS::Cognito::UserPoolClient');
    expect([...(client!.Properties.ExplicitAuthFlows as string[])].sort()).toEqual([
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    expect(client!.Properties).toMatchObject({
      EnableTokenRevocation: true,
      GenerateSecret: false,
      AccessTokenValidity: 15,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
    expect(client!.Properties.AllowedOAuthFlows).toBeUndefined();
    t().auth.resourcePropertiesCountIs('AWS::Cognito::UserPoolGroup', { GroupName: 'admin' }, 1);
  });

  it('grants the function only the listed actions, on the tables, their indexes and the pool', () => {
    const all = [t().database, t().auth, t().api].flatMap(statementsOf);
    for (const statement of all) {
      const actions = list(statement.Action);
      expect(actions).not.toContain('*');
      expect(actions).not.toContain('dynamodb:*');
      expect(actions).not.toContain('cognito-idp:*');
      if (actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('cognito-idp:'))) {
        expect(list(statement.Resource)).not.toContain('*');
      }
    }

    const granted = statementsOf(t().api);
    expect(granted.flatMap((s) => list(s.Action)).sort()).toEqual(
      [...GRANTED_COGNITO_ACTIONS, ...GRANTED_DYNAMODB_ACTIONS, ...GRANTED_SSM_ACTIONS].sort(),
    );

    const [dynamo, ...moreDynamo] = granted.filter((s) =>
      list(s.Action).some((a) => a.startsWith('dynamodb:')),
    );
    expect(moreDynamo).toEqual([]);
    // Each table ARN is an import from the Database stack, and its `/index/*` is joined to it.
    const dynamoResources = list(dynamo!.Resource).map((r) => JSON.stringify(r));
    expect(dynamoResources).toHaveLength(tableDefinitions.length * 2);
    expect(dynamoResources.filter((r) => r.includes('/index/*'))).toHaveLength(
      tableDefinitions.length,
    );
    for (const definition of tableDefinitions) {
      expect(dynamoResources.filter((r) => r.includes(`${definition.name}Table`))).toHaveLength(2);
    }

    const cognito = granted.filter((s) => list(s.Action).some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toHaveLength(1);
    expect(list(cognito[0]!.Resource)).toEqual([
      { 'Fn::ImportValue': expect.stringMatching(/^[a-z]+-shop-Auth:.*UserPool.*Arn/) as unknown },
    ]);
  });

  it('turns tracing off on every function: no code sends traces, so no X-Ray grant', () => {
    for (const template of [t().api, t().auth]) {
      for (const fn of resources(template, 'AWS::Lambda::Function')) {
        const mode = (fn.Properties.TracingConfig as { Mode?: string } | undefined)?.Mode;
        expect(mode ?? 'PassThrough').toBe('PassThrough');
      }
    }
  });

  it('runs a post-confirmation trigger that may only PutItem into the Users table', () => {
    const pool = resources(t().auth, 'AWS::Cognito::UserPool')[0]!;
    const lambdaConfig = pool.Properties.LambdaConfig as { PostConfirmation?: unknown };
    expect(lambdaConfig?.PostConfirmation).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^PostConfirmationFunction/) as unknown, 'Arn'],
    });
    t().auth.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({ SHOP_TABLE_PREFIX: `${stage}-shop-` }),
      },
    });

    const granted = statementsOf(t().auth);
    expect(granted.flatMap((s) => list(s.Action)).sort()).toEqual(['dynamodb:PutItem']);
    const put = granted.find((s) => list(s.Action).includes('dynamodb:PutItem'))!;
    expect(list(put.Action)).toEqual(['dynamodb:PutItem']);
    const targets = list(put.Resource).map((r) => JSON.stringify(r));
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatch(/UsersTable/);
    expect(targets[0]).not.toContain('/index/');
  });

  it('outputs the API URL and the user pool ids', () => {
    const outputs = t().api.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId']),
    );
  });
});

/** What the product indexes project besides their keys (contract v3.1), in name order. */
const LISTING = ['category', 'createdAt', 'description', 'imageUrl', 'name', 'price', 'soldOut'];
const sorted = (projection: unknown) => {
  const p = projection as { NonKeyAttributes?: string[] };
  return p.NonKeyAttributes ? { ...p, NonKeyAttributes: [...p.NonKeyAttributes].sort() } : p;
};

describe('CORS origins', () => {
  it('refuses to synthesize prod without SHOP_CORS_ORIGINS', async () => {
    vi.stubEnv('SHOP_EMAIL_FROM', EMAIL_FROM);
    vi.stubEnv('SHOP_CORS_ORIGINS', undefined);
    await expect(synth('prod')).rejects.toThrow(/SHOP_CORS_ORIGINS/);
    vi.stubEnv('SHOP_CORS_ORIGINS', ' ');
    await expect(synth('prod')).rejects.toThrow(/SHOP_CORS_ORIGINS/);
  });

  it('refuses "*" on every stage', async () => {
    vi.stubEnv('SHOP_EMAIL_FROM', EMAIL_FROM);
    vi.stubEnv('SHOP_CORS_ORIGINS', '*');
    await expect(synth('prod')).rejects.toThrow(/not "\*"/);
    vi.stubEnv('SHOP_CORS_ORIGINS', 'https://a.example,*');
    await expect(synth('dev')).rejects.toThrow(/not "\*"/);
  });

  it('splits and trims a configured list, on any stage', () => {
    expect(corsOrigins('prod', ' https://a.example , https://b.example,')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(corsOrigins('dev', 'https://preview.example')).toEqual(['https://preview.example']);
    expect(corsOrigins('dev', undefined)).toEqual(LOCAL_ORIGINS);
  });
});

describe('sst.config.ts', () => {
  it('names the app shop and defaults the region to us-east-1', () => {
    vi.stubEnv('AWS_REGION', undefined);
    expect(config.config()).toEqual({ name: 'shop', region: 'us-east-1' });
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    expect(config.config()).toMatchObject({ region: 'eu-west-1' });
  });
});

/** Runs SST's deploy-time build (esbuild bundling), so it needs the handler to compile. */
describe('the deploy build', () => {
  const built: Record<string, Templates> = {};
  beforeAll(async () => {
    prodEnv();
    built.prod = await synth('prod', { build: true });
    vi.unstubAllEnvs();
    built.dev = await synth('dev', { build: true });
    // Two bundlings (and the site's build) on a shared machine.
  }, 300_000);
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it.each(['prod', 'dev'])('bundles the handler into a nodejs22.x asset on %s', (stage) => {
    built[stage]!.api.hasResourceProperties('AWS::Lambda::Function', {
      Handler: API_HANDLER,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  it.each(['prod', 'dev'])('bundles the post-confirmation trigger on %s', (stage) => {
    built[stage]!.auth.hasResourceProperties('AWS::Lambda::Function', {
      Handler: POST_CONFIRMATION_HANDLER,
      Runtime: 'nodejs22.x',
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  it('applies "destroy" to every resource of a non-prod stage, and keeps prod data', () => {
    // SST adds its SSM binding parameters in an Aspect, after the policy is applied; having no
    // DeletionPolicy, they are deleted with the stack anyway.
    const policies = Object.values(built.dev!)
      .flatMap((template) =>
        Object.values((template.toJSON() as { Resources: Record<string, Resource> }).Resources),
      )
      .filter((resource) => resource.Type !== 'AWS::SSM::Parameter')
      .map((resource) => `${resource.Type} ${resource.DeletionPolicy}`);
    expect(policies.length).toBeGreaterThan(10);
    for (const policy of policies) expect(policy).toMatch(/ Delete$/);
    const prodData = [
      ...resources(built.prod!.database, 'AWS::DynamoDB::Table'),
      ...resources(built.prod!.auth, 'AWS::Cognito::UserPool'),
    ];
    expect(prodData).toHaveLength(6);
    for (const resource of prodData) expect(resource.DeletionPolicy).toBe('Retain');
  });
});

describe('the cursor secret the stack provides', () => {
  it('is required by the handler outside the local stage, and only there', async () => {
    const { loadConfig } = await import('@shop/api');
    const env = {
      SHOP_TABLE_PREFIX: 'dev-shop-',
      COGNITO_USER_POOL_ID: 'us-east-1_pool',
      COGNITO_CLIENT_ID: 'client',
      AWS_REGION: 'us-east-1',
    };
    for (const stage of ['dev', 'prod']) {
      expect(() => loadConfig({ ...env, SHOP_STAGE: stage })).toThrow(/SHOP_CURSOR_SECRET/);
      const secret = 'generated-'.repeat(4);
      expect(
        loadConfig({ ...env, SHOP_STAGE: stage, SHOP_CURSOR_SECRET: secret }).cursorSecret,
      ).toBe(secret);
    }
    expect(loadConfig({ ...env, SHOP_STAGE: 'local' }).cursorSecret).toContain('us-east-1_pool');
  });
});

describe('the trigger path in the stack', () => {
  it('points at a file that exports handler', () => {
    const [file, exported] = POST_CONFIRMATION_HANDLER.split(/\.(?=[^.]+$)/) as [string, string];
    const source = readFileSync(join(ROOT, `${file}.ts`), 'utf8');
    expect(source).toMatch(new RegExp(`export (const|async function|function) ${exported}\\b`));
  });
});

describe('the handler path in the stack', () => {
  it('points at a file that exists and exports handler', async () => {
    const [file, exported] = API_HANDLER.split(/\.(?=[^.]+$)/) as [string, string];
    const path = join(ROOT, `${file}.ts`);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toMatch(
      new RegExp(`export (const|async function|function) ${exported}\\b`),
    );
    // The module reads its configuration when loaded.
    vi.stubEnv('SHOP_STAGE', 'test');
    vi.stubEnv('SHOP_TABLE_PREFIX', 'test-');
    vi.stubEnv('COGNITO_USER_POOL_ID', 'us-east-1_test');
    vi.stubEnv('COGNITO_CLIENT_ID', 'client');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('SHOP_CURSOR_SECRET', 'x'.repeat(32));
    const module = (await import(path)) as Record<string, unknown>;
    expect(typeof module[exported]).toBe('function');
  });
});

/** Every template of a synthesis, as JSON. */
const everything = (templates: Templates) =>
  Object.values(templates).map(
    (template) => template.toJSON() as { Resources: Record<string, Resource> },
  );
const allResources = (templates: Templates) =>
  everything(templates).flatMap((template) => Object.entries(template.Resources));

describe.each(['prod', 'dev'])('the edge of the %s stage', (stage) => {
  const t = () => stages[stage]!;
  const isProd = stage === 'prod';
  const distribution = () => {
    const found = resources(t().edge, 'AWS::CloudFront::Distribution');
    expect(found).toHaveLength(1);
    return found[0]!.Properties.DistributionConfig as {
      Origins: {
        Id: string;
        DomainName: unknown;
        OriginAccessControlId?: unknown;
        S3OriginConfig?: { OriginAccessIdentity?: string };
      }[];
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
      WebACLId?: unknown;
      CustomErrorResponses?: unknown[];
    };
  };
  const logicalId = (template: Template, type: string) => {
    const ids = Object.keys(template.findResources(type));
    expect(ids).toHaveLength(1);
    return ids[0]!;
  };
  const apiBehavior = () => distribution().CacheBehaviors.find((b) => b.PathPattern === '/api/*')!;
  const originOf = (behavior: Record<string, unknown>) =>
    distribution().Origins.find((o) => o.Id === behavior.TargetOriginId)!;

  it('serves the site from its bucket through an origin access control, not an OAI', () => {
    expect(resources(t().edge, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
    const site = originOf(distribution().DefaultCacheBehavior);
    expect(site.S3OriginConfig?.OriginAccessIdentity ?? '').toBe('');
    const oacs = resources(t().edge, 'AWS::CloudFront::OriginAccessControl').map(
      (r) => r.Properties.OriginAccessControlConfig as Record<string, string>,
    );
    expect(oacs.map((c) => c.OriginAccessControlOriginType).sort()).toEqual(['lambda', 's3']);
    for (const config of oacs) {
      expect(config).toMatchObject({ SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    }
    expect(site.OriginAccessControlId).toBeDefined();
    // The bucket lets only this distribution read it.
    const distributionId = logicalId(t().edge, 'AWS::CloudFront::Distribution');
    const policy = JSON.stringify(resources(t().edge, 'AWS::S3::BucketPolicy'));
    expect(policy).toContain('"Service":"cloudfront.amazonaws.com"');
    expect(policy).toContain('AWS:SourceArn');
    expect(policy).toContain(distributionId);
    t().edge.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    // No error responses: they would turn the API's 403/404 into the page.
    expect(distribution().CustomErrorResponses ?? []).toEqual([]);
  });

  it('sends /api/* to the IAM-only function URL, signed, uncached, with the viewer token', () => {
    const behavior = apiBehavior();
    const origin = originOf(behavior);
    expect(origin.OriginAccessControlId).toBeDefined();
    // The function URL's domain, imported from the Api stack.
    expect(JSON.stringify(origin.DomainName)).toMatch(/Fn::Split|Fn::Select/);
    expect(JSON.stringify(origin.DomainName)).toContain('Fn::ImportValue');
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      // CloudFront's managed CachingDisabled policy.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'POST']) as unknown,
    });
    const [request] = resources(t().edge, 'AWS::CloudFront::OriginRequestPolicy');
    const config = request!.Properties.OriginRequestPolicyConfig as {
      HeadersConfig: { HeaderBehavior: string; Headers: string[] };
      CookiesConfig: { CookieBehavior: string };
    };
    expect(config.HeadersConfig.HeaderBehavior).toBe('whitelist');
    expect(config.HeadersConfig.Headers).toEqual(
      expect.arrayContaining([
        'x-shop-authorization',
        'x-amz-content-sha256',
        'cloudfront-viewer-address',
        'content-type',
        'trpc-accept',
      ]),
    );
    expect(config.HeadersConfig.Headers).not.toContain('authorization');
    expect(config.HeadersConfig.Headers).not.toContain('host');
    expect(config.CookiesConfig.CookieBehavior).toBe('none');
    expect(API_FORWARDED_HEADERS).toEqual(config.HeadersConfig.Headers);

    const fns = t().edge.findResources('AWS::CloudFront::Function');
    const [apiFunctionId, apiFunction] = Object.entries(fns).find(([, f]) =>
      String((f as Resource).Properties.FunctionCode).includes('x-shop-authorization'),
    )! as [string, Resource];
    expect(apiFunction.Properties.FunctionCode).toBe(API_VIEWER_REQUEST_FUNCTION);
    expect(apiFunction.Properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
    expect(behavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [apiFunctionId, 'FunctionARN'] },
      },
    ]);
  });

  it('lets only this distribution invoke the function URL', () => {
    const distributionId = logicalId(t().edge, 'AWS::CloudFront::Distribution');
    const permissions = resources(t().edge, 'AWS::Lambda::Permission').map((p) => p.Properties);
    const url = permissions.find((p) => p.Action === 'lambda:InvokeFunctionUrl')!;
    const invoke = permissions.find((p) => p.Action === 'lambda:InvokeFunction')!;
    for (const permission of [url, invoke]) {
      expect(permission.Principal).toBe('cloudfront.amazonaws.com');
      expect(JSON.stringify(permission.FunctionName)).toContain('Fn::ImportValue');
      expect(JSON.stringify(permission.SourceArn)).toContain(':cloudfront::');
      expect(JSON.stringify(permission.SourceArn)).toContain(`{"Ref":"${distributionId}"}`);
    }
    expect(invoke.InvokedViaFunctionUrl).toBe(true);
    // Nobody else: no public permission anywhere, no NONE function URL.
    for (const [, resource] of allResources(t())) {
      if (resource.Type === 'AWS::Lambda::Permission') {
        expect(resource.Properties.Principal).not.toBe('*');
        expect(resource.Properties.FunctionUrlAuthType).toBeUndefined();
      }
      if (resource.Type === 'AWS::Lambda::Url') {
        expect(resource.Properties.AuthType).toBe('AWS_IAM');
      }
    }
  });

  it('adds the security headers to the site and the API', () => {
    const policies = Object.entries(
      t().edge.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    );
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0]! as [string, Resource];
    const headers = (
      policy.Properties.ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      }
    ).SecurityHeadersConfig;
    const csp = headers.ContentSecurityPolicy!.ContentSecurityPolicy as string;
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    const scripts = /script-src ([^;]+)/.exec(csp)?.[1] ?? /default-src ([^;]+)/.exec(csp)![1]!;
    expect(scripts).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63_072_000,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
    });
    for (const behavior of [distribution().DefaultCacheBehavior, apiBehavior()]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
  });

  it('puts a CLOUDFRONT web ACL in front: per-IP rate limit answered 429, managed rules', () => {
    const aclId = logicalId(t().edge, 'AWS::WAFv2::WebACL');
    const [acl] = resources(t().edge, 'AWS::WAFv2::WebACL');
    expect(acl!.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const rules = acl!.Properties.Rules as {
      Name: string;
      Priority: number;
      Statement: Record<string, Record<string, unknown>>;
      Action?: unknown;
    }[];
    const rate = rules.find((r) => r.Statement.RateBasedStatement)!;
    expect(rate.Priority).toBe(0);
    // The stated default: 2000 requests per IP per 5 minutes.
    expect(rate.Statement.RateBasedStatement).toMatchObject({
      Limit: 2000,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 300,
    });
    expect(rate.Action).toEqual({
      Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } },
    });
    expect(
      rules
        .filter((r) => r.Statement.ManagedRuleGroupStatement)
        .map((r) => r.Statement.ManagedRuleGroupStatement!.Name)
        .sort(),
    ).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect([...MANAGED_RULE_GROUPS].sort()).toHaveLength(3);
    expect(distribution().WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
  });

  it('outputs the site URL and caps, alarms and bounds the API', () => {
    expect(Object.keys(t().edge.findOutputs('*'))).toEqual(
      expect.arrayContaining(['SiteUrl', 'DistributionId', 'WebAclArn']),
    );
    t().api.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      ReservedConcurrentExecutions: 50,
    });
  });

  it('gives every function of every stack a log group that expires', () => {
    const all = allResources(t());
    const groups = new Map(all.filter(([, r]) => r.Type === 'AWS::Logs::LogGroup'));
    const functions = all.filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(3);
    for (const [, fn] of functions) {
      const ref = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)
        ?.LogGroup?.Ref;
      expect(ref).toBeDefined();
      const group = groups.get(ref!)!;
      expect(group.Properties.RetentionInDays).toBe(isProd ? 30 : 14);
      expect(group.DeletionPolicy).toBe(isProd ? 'Retain' : 'Delete');
    }
  });

  it('alarms to one SNS topic: API, tables, edge 5xx and WAF blocks, with a dashboard', () => {
    const topicId = logicalId(t().monitoring, 'AWS::SNS::Topic');
    const subscriptions = resources(t().monitoring, 'AWS::SNS::Subscription');
    if (isProd) {
      expect(subscriptions.map((s) => s.Properties)).toEqual([
        expect.objectContaining({ Protocol: 'email', Endpoint: ALARM_EMAIL }),
      ]);
    } else {
      expect(subscriptions).toEqual([]);
    }
    const alarms = resources(t().monitoring, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    }
    const byMetric = (name: string) =>
      alarms.filter(
        (a) => a.MetricName === name || JSON.stringify(a.Metrics ?? []).includes(`"${name}"`),
      );
    // One set per function: the API, the payments webhook and the unpaid-order sweep.
    expect(byMetric('Errors')).toHaveLength(3);
    expect(byMetric('Throttles')).toHaveLength(3);
    // 80 % of each timeout (10 s, 10 s, 120 s), and of the API's cap of 50.
    expect(byMetric('Duration').map((a) => a.Threshold as number)).toEqual(
      expect.arrayContaining([8000, 8000, 96000]),
    );
    expect(byMetric('Duration')).toHaveLength(3);
    expect(byMetric('ConcurrentExecutions')).toEqual([expect.objectContaining({ Threshold: 40 })]);
    expect(byMetric('ReadThrottleEvents')).toHaveLength(tableDefinitions.length);
    expect(byMetric('SystemErrors')).toHaveLength(tableDefinitions.length);
    for (const definition of tableDefinitions) {
      const forTable = alarms.filter((a) => JSON.stringify(a).includes(`${definition.name}Table`));
      expect(forTable).toHaveLength(2);
    }
    expect(byMetric('5xxErrorRate')).toEqual([
      expect.objectContaining({ Namespace: 'AWS/CloudFront', Threshold: 5 }),
    ]);
    expect(byMetric('BlockedRequests')).toEqual([
      expect.objectContaining({ Namespace: 'AWS/WAFV2', Threshold: 500 }),
    ]);
    // The API's four, three per payments function, two per table, the edge's two.
    expect(alarms).toHaveLength(4 + 2 * 3 + 2 * tableDefinitions.length + 2);
    t().monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it(`sends Cognito mail ${isProd ? 'through SES' : "with Cognito's sender"}, protects prod data`, () => {
    const [pool] = resources(t().auth, 'AWS::Cognito::UserPool');
    if (isProd) {
      expect(pool!.Properties.EmailConfiguration).toMatchObject({
        EmailSendingAccount: 'DEVELOPER',
        From: `Shop <${EMAIL_FROM}>`,
      });
      expect(JSON.stringify(pool!.Properties.EmailConfiguration)).toContain(
        `:identity/${EMAIL_FROM}`,
      );
    } else {
      expect(pool!.Properties.EmailConfiguration).toBeUndefined();
    }
    expect(pool!.Properties.DeletionProtection).toBe(isProd ? 'ACTIVE' : 'INACTIVE');
    for (const table of resources(t().database, 'AWS::DynamoDB::Table')) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(isProd);
    }
  });

  it('has no custom resource that touches the function URL', () => {
    const text = JSON.stringify(everything(t()));
    expect(text).not.toContain('UpdateFunctionUrlConfig');
    expect(text).not.toContain('lambda:UpdateFunctionUrlConfig');
    for (const [, resource] of allResources(t())) expect(resource.Type).not.toBe('Custom::AWS');
  });
});

describe('deploy settings', () => {
  it('refuses prod without SHOP_EMAIL_FROM, naming it', async () => {
    prodEnv();
    vi.stubEnv('SHOP_EMAIL_FROM', undefined);
    await expect(synth('prod')).rejects.toThrow(/Set SHOP_EMAIL_FROM .*SES-verified/);
    vi.stubEnv('SHOP_EMAIL_FROM', 'not an address');
    await expect(synth('prod')).rejects.toThrow(/SHOP_EMAIL_FROM must be an e-mail address/);
  });

  it('refuses a region other than us-east-1 (CloudFront web ACLs live there)', async () => {
    await expect(synth('dev', { region: 'eu-west-1' })).rejects.toThrow(/us-east-1/);
  });

  it('applies the custom domain with TLS 1.2+, and every configurable limit', async () => {
    prodEnv();
    vi.stubEnv('SHOP_DOMAIN', 'shop.example.com');
    vi.stubEnv(
      'SHOP_CERTIFICATE_ARN',
      'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
    );
    vi.stubEnv('SHOP_WAF_RATE_LIMIT', '300');
    vi.stubEnv('SHOP_API_RESERVED_CONCURRENCY', '20');
    vi.stubEnv('SHOP_LOG_RETENTION_DAYS', '90');
    vi.stubEnv('SHOP_CURSOR_SECRET_GENERATION', '2');
    const custom = await synth('prod');
    const [dist] = resources(custom.edge, 'AWS::CloudFront::Distribution');
    expect(dist!.Properties.DistributionConfig).toMatchObject({
      Aliases: ['shop.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: process.env.SHOP_CERTIFICATE_ARN,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    custom.edge.hasOutput('SiteUrl', { Value: 'https://shop.example.com' });
    const [acl] = resources(custom.edge, 'AWS::WAFv2::WebACL');
    expect(JSON.stringify(acl!.Properties.Rules)).toContain('"Limit":300');
    custom.api.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      ReservedConcurrentExecutions: 20,
    });
    for (const group of resources(custom.api, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
    // Rotation: a new generated secret, and the function's reference follows it.
    const secrets = Object.keys(custom.api.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toEqual([expect.stringMatching(/^CursorSecret2/)]);
    expect(JSON.stringify(resources(custom.api, 'AWS::Lambda::Function'))).toContain(
      `{"Ref":"${secrets[0]}"}`,
    );

    vi.stubEnv('SHOP_API_RESERVED_CONCURRENCY', 'none');
    vi.stubEnv('SHOP_DOMAIN', undefined);
    vi.stubEnv('SHOP_CERTIFICATE_ARN', undefined);
    const uncapped = await synth('prod');
    for (const fn of resources(uncapped.api, 'AWS::Lambda::Function')) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('refuses malformed limits, a lone domain and a certificate outside us-east-1', async () => {
    vi.stubEnv('SHOP_WAF_RATE_LIMIT', '5');
    await expect(synth('dev')).rejects.toThrow(/SHOP_WAF_RATE_LIMIT/);
    vi.stubEnv('SHOP_WAF_RATE_LIMIT', undefined);
    vi.stubEnv('SHOP_LOG_RETENTION_DAYS', '31');
    await expect(synth('dev')).rejects.toThrow(/SHOP_LOG_RETENTION_DAYS/);
    vi.stubEnv('SHOP_LOG_RETENTION_DAYS', undefined);
    vi.stubEnv('SHOP_DOMAIN', 'shop.example.com');
    await expect(synth('dev')).rejects.toThrow(/SHOP_DOMAIN and SHOP_CERTIFICATE_ARN/);
    vi.stubEnv(
      'SHOP_CERTIFICATE_ARN',
      'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
    );
    await expect(synth('dev')).rejects.toThrow(/us-east-1/);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { App, getStack } from 'sst/constructs';
import { initProject, useProject } from 'sst/project.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CORS_ALLOW_HEADERS,
  CORS_EXPOSE_HEADERS,
  keyAttributes,
  tableDefinitions,
} from '@shop/core';
import config from '../sst.config.ts';
import { Api, API_HANDLER, corsOrigins } from './Api.ts';
import { Auth, POST_CONFIRMATION_HANDLER } from './Auth.ts';
import { Database } from './Database.ts';
import { Web } from './Web.ts';

const ROOT = join(import.meta.dirname, '..');
const PROD_ORIGINS = ['https://shop.example.com', 'https://admin.shop.example.com'];
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
async function synth(stage: string, { build = false } = {}) {
  await initProject({ stage });
  const { config: project, paths } = useProject();
  const app = new App(
    { mode: 'deploy', stage, name: project.name, region: 'us-east-1' },
    // Under the git-ignored .sst, not a new temporary directory per synthesis.
    { outdir: join(paths.out, 'test-cdk.out', `${stage}${build ? '-build' : ''}`) },
  );
  config.stacks(app);
  if (build) await app.finish();
  return {
    database: Template.fromStack(getStack(Database)),
    auth: Template.fromStack(getStack(Auth)),
    api: Template.fromStack(getStack(Api)),
    web: Template.fromStack(getStack(Web)),
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
  vi.stubEnv('SHOP_CORS_ORIGINS', PROD_ORIGINS.join(', '));
  stages.prod = await synth('prod');
  vi.stubEnv('SHOP_CORS_ORIGINS', undefined);
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
      const indexes = (props.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[])
        .map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema }))
        .sort((a, b) => a.IndexName.localeCompare(b.IndexName));
      expect(indexes).toEqual(
        definition.indexes
          .map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
            ],
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

  it('serves one arm64 function through one function URL with no authorizer and named origins', () => {
    const urls = resources(t().api, 'AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0]!.Properties).toMatchObject({
      AuthType: 'NONE',
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

describe('CORS origins', () => {
  it('refuses to synthesize prod without SHOP_CORS_ORIGINS', async () => {
    vi.stubEnv('SHOP_CORS_ORIGINS', undefined);
    await expect(synth('prod')).rejects.toThrow(/SHOP_CORS_ORIGINS/);
    vi.stubEnv('SHOP_CORS_ORIGINS', ' ');
    await expect(synth('prod')).rejects.toThrow(/SHOP_CORS_ORIGINS/);
  });

  it('refuses "*" on every stage', async () => {
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
    vi.stubEnv('SHOP_CORS_ORIGINS', PROD_ORIGINS.join(','));
    built.prod = await synth('prod', { build: true });
    vi.stubEnv('SHOP_CORS_ORIGINS', undefined);
    built.dev = await synth('dev', { build: true });
  });
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

describe('the web stack', () => {
  const t = () => stages.dev!;

  it('serves packages/web from S3 through CloudFront', () => {
    expect(resources(t().web, 'AWS::CloudFront::Distribution')).toHaveLength(1);
    expect(resources(t().web, 'AWS::S3::Bucket').length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(t().web.findOutputs('*'))).toContain('SiteUrl');
  });

  it.each(['prod', 'dev'])(
    "adds the site's CloudFront URL to the API's CORS origins on %s, keeping the policy",
    (stage) => {
      const template = stages[stage]!.web;
      const updates = resources(template, 'Custom::AWS');
      expect(updates).toHaveLength(1);
      const distribution = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0]!;
      // `Create`/`Update` are JSON strings joined with tokens (the function name, the domain).
      const call = (key: 'Create' | 'Update' | 'Delete') => {
        const value = updates[0]!.Properties[key] as { 'Fn::Join': [string, unknown[]] } | string;
        if (typeof value === 'string') return value;
        return value['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part)}>`))
          .join('');
      };
      const origins = stage === 'prod' ? PROD_ORIGINS : LOCAL_ORIGINS;
      for (const key of ['Create', 'Update'] as const) {
        const text = call(key);
        expect(text).toContain('"action":"UpdateFunctionUrlConfig"');
        for (const origin of origins) expect(text).toContain(`"${origin}"`);
        // The site's origin: https:// + the distribution's domain name.
        expect(text).toMatch(
          new RegExp(`"https://<\\{"Fn::GetAtt":\\["${distribution}","DomainName"\\]\\}>"`),
        );
        expect(text).toContain(`"AllowHeaders":${JSON.stringify([...CORS_ALLOW_HEADERS])}`);
        expect(text).toContain('"MaxAge":86400');
      }
      // Removing the site restores the API's own origins.
      expect(call('Delete')).not.toContain(distribution);
      // Allowed to change that one function URL's configuration, nothing else.
      const statements = statementsOf(template).filter((s) =>
        list(s.Action).includes('lambda:UpdateFunctionUrlConfig'),
      );
      expect(statements).toHaveLength(1);
      expect(list(statements[0]!.Action)).toEqual(['lambda:UpdateFunctionUrlConfig']);
      expect(JSON.stringify(statements[0]!.Resource)).toContain('Fn::ImportValue');
    },
  );
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { App, getStack } from 'sst/constructs';
import { initProject } from 'sst/project.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinitions } from '../packages/core/src/db/tables.ts';
import { Api, API_HANDLER, COGNITO_ACTIONS, corsOrigins, DYNAMODB_ACTIONS } from './Api.ts';
import { Auth } from './Auth.ts';
import { Database } from './Database.ts';

const ROOT = join(import.meta.dirname, '..');

/** Synthesizes the whole app for a stage, offline: no AWS call, no bundling. */
async function synth(stage: string) {
  await initProject({ stage });
  const app = new App({ mode: 'deploy', stage, name: 'shop', region: 'us-east-1' });
  if (stage !== 'prod') app.setDefaultRemovalPolicy('destroy');
  app.stack(Database).stack(Auth).stack(Api);
  return {
    database: Template.fromStack(getStack(Database)),
    auth: Template.fromStack(getStack(Auth)),
    api: Template.fromStack(getStack(Api)),
  };
}

type Templates = Awaited<ReturnType<typeof synth>>;
const stages: Record<string, Templates> = {};

beforeAll(async () => {
  process.env.SHOP_CORS_ORIGINS = 'https://shop.example.com';
  stages.prod = await synth('prod');
  delete process.env.SHOP_CORS_ORIGINS;
  stages.dev = await synth('dev');
});

describe.each(['prod', 'dev'])('the %s stage', (stage) => {
  const t = () => stages[stage]!;

  it('has exactly the five tables of the core definition, keys and indexes included', () => {
    const found = t().database.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(found)).toHaveLength(tableDefinitions.length);
    for (const definition of tableDefinitions) {
      const [, table] = Object.entries(found).find(
        ([, r]) =>
          (r as { Properties: { TableName: string } }).Properties.TableName ===
          `${stage}-shop-${definition.name}`,
      )!;
      const props = (table as { Properties: Record<string, unknown> }).Properties;
      expect(props.BillingMode).toBe('PAY_PER_REQUEST');
      expect(props.KeySchema).toEqual([
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ]);
      const indexes = (
        props.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[]
      ).map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema }));
      expect(indexes).toEqual(
        definition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
        })),
      );
    }
  });

  it(
    stage === 'prod'
      ? 'retains tables and keeps point-in-time recovery'
      : 'deletes tables with the stage',
    () => {
      for (const table of Object.values(t().database.findResources('AWS::DynamoDB::Table'))) {
        const resource = table as { DeletionPolicy?: string; Properties: Record<string, unknown> };
        if (stage === 'prod') {
          expect(resource.DeletionPolicy).toBe('Retain');
          expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({
            PointInTimeRecoveryEnabled: true,
          });
        } else {
          expect(resource.DeletionPolicy).toBe('Delete');
        }
      }
    },
  );

  it('serves one nodejs22.x arm64 function through a function URL with no authorizer', () => {
    const urls = t().api.findResources('AWS::Lambda::Url');
    expect(Object.keys(urls)).toHaveLength(1);
    const url = Object.values(urls)[0] as {
      Properties: { AuthType: string; Cors: { AllowOrigins: string[] } };
    };
    expect(url.Properties.AuthType).toBe('NONE');
    expect(url.Properties.Cors.AllowOrigins).not.toContain('*');
    expect(url.Properties.Cors.AllowOrigins).toEqual(
      stage === 'prod'
        ? ['https://shop.example.com']
        : ['http://localhost:3000', 'http://localhost:5173'],
    );
    t().api.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: {
          SHOP_STAGE: stage,
          SHOP_TABLE_PREFIX: `${stage}-shop-`,
          COGNITO_USER_POOL_ID: Match.anyValue(),
          COGNITO_CLIENT_ID: Match.anyValue(),
        },
      },
    });
  });

  it('has a user pool with email sign-in, the password policy and an admin group', () => {
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
    t().auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: [
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ],
      EnableTokenRevocation: true,
      GenerateSecret: false,
    });
    t().auth.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admin' });
  });

  it('grants the function only the DynamoDB and Cognito actions the code uses, on named resources', () => {
    const statements = Object.values(t().api.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (
          policy as {
            Properties: {
              PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
            };
          }
        ).Properties.PolicyDocument.Statement,
    );
    const actions = (s: { Action: string | string[] }) => [s.Action].flat();
    const dynamo = statements.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      expect(actions(statement)).not.toContain('dynamodb:*');
      expect(actions(statement).every((a) => DYNAMODB_ACTIONS.includes(a))).toBe(true);
      expect([statement.Resource].flat()).not.toContain('*');
      expect(JSON.stringify(statement.Resource)).toContain('/index/*');
    }
    const cognito = statements.filter((s) => actions(s).some((a) => a.startsWith('cognito-idp:')));
    expect(cognito.flatMap(actions).sort()).toEqual([...COGNITO_ACTIONS].sort());
    for (const statement of cognito) expect([statement.Resource].flat()).not.toContain('*');
  });
});

describe('CORS origins', () => {
  it('must be named for prod and may never be "*"', () => {
    expect(() => corsOrigins('prod', undefined)).toThrow(/SHOP_CORS_ORIGINS/);
    expect(() => corsOrigins('dev', '*')).toThrow(/not "\*"/);
    expect(corsOrigins('prod', 'https://a.example, https://b.example')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
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
    process.env.SHOP_STAGE = 'test';
    process.env.SHOP_TABLE_PREFIX = 'test-';
    process.env.COGNITO_USER_POOL_ID = 'us-east-1_test';
    process.env.COGNITO_CLIENT_ID = 'client';
    process.env.AWS_REGION = 'us-east-1';
    const module = (await import(path)) as Record<string, unknown>;
    expect(typeof module[exported]).toBe('function');
  });
});

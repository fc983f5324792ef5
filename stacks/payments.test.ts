import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { App, getStack } from 'sst/constructs';
import { initProject, useProject } from 'sst/project.js';
import { beforeAll, describe, expect, it } from 'vitest';
import config from '../sst.config.ts';
import { Api } from './Api.ts';
import { Database } from './Database.ts';
import { Payments } from './Payments.ts';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Action: string | string[];
  Resource: unknown;
}

let payments: Template;
let api: Template;
let database: Template;

beforeAll(async () => {
  await initProject({ stage: 'dev' });
  const { config: project, paths } = useProject();
  const app = new App(
    { mode: 'deploy', stage: 'dev', name: project.name, region: 'us-east-1' },
    { outdir: join(paths.out, 'test-cdk.out', 'payments-dev') },
  );
  config.stacks(app);
  payments = Template.fromStack(getStack(Payments));
  api = Template.fromStack(getStack(Api));
  database = Template.fromStack(getStack(Database));
});

const resources = (t: Template, type: string) =>
  Object.entries(t.findResources(type)) as [string, Resource][];
const functionNamed = (t: Template, prefix: string) =>
  resources(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))!;
const envOf = (fn: [string, Resource]) =>
  (fn[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
/** The statements of the role of the function whose logical id starts with `prefix`. */
const statementsOf = (t: Template, prefix: string) =>
  resources(t, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${prefix}ServiceRole`))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((s) => [s.Action].flat()))].sort();
const logicalIdOfTable = (name: string) =>
  resources(database, 'AWS::DynamoDB::Table').find(
    ([, r]) => r.Properties.TableName === `dev-shop-${name}`,
  )![0];

describe('the Payments stack', () => {
  it('gives the webhook its own function URL without IAM auth (the signature is its auth)', () => {
    const webhook = functionNamed(payments, 'PaymentsWebhook');
    const urls = resources(payments, 'AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0]![1].Properties.AuthType).toBe('NONE');
    expect(JSON.stringify(urls[0]![1].Properties.TargetFunctionArn)).toContain(webhook[0]);
    expect(urls[0]![1].Properties.Cors).toBeUndefined();
  });

  it('runs the sweep every 5 minutes', () => {
    const sweep = functionNamed(payments, 'PaymentsSweep');
    const rules = resources(payments, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(JSON.stringify(rules[0]![1].Properties.Targets)).toContain(sweep[0]);
  });

  it('binds each secret slot only to the functions that use it, holding no value', () => {
    const webhook = envOf(functionNamed(payments, 'PaymentsWebhook'));
    const sweep = envOf(functionNamed(payments, 'PaymentsSweep'));
    const apiFn = envOf(functionNamed(api, 'ApiFunction'));
    expect(webhook.SST_Secret_value_STRIPE_SECRET_KEY).toBe('__FETCH_FROM_SSM__');
    expect(webhook.SST_Secret_value_STRIPE_WEBHOOK_SECRET).toBe('__FETCH_FROM_SSM__');
    expect(sweep.SST_Secret_value_STRIPE_SECRET_KEY).toBe('__FETCH_FROM_SSM__');
    expect(sweep.SST_Secret_value_STRIPE_WEBHOOK_SECRET).toBeUndefined();
    expect(apiFn.SST_Secret_value_STRIPE_SECRET_KEY).toBe('__FETCH_FROM_SSM__');
    expect(apiFn.SST_Secret_value_STRIPE_WEBHOOK_SECRET).toBeUndefined();
    for (const env of [webhook, sweep, apiFn]) {
      expect(env.STRIPE_SECRET_KEY).toBeUndefined();
      expect(env.STRIPE_WEBHOOK_SECRET).toBeUndefined();
    }
    const ssm = statementsOf(payments, 'PaymentsWebhook').filter((s) =>
      actionsOf([s]).includes('ssm:GetParameters'),
    );
    expect(JSON.stringify(ssm)).toContain('/sst/shop/dev/Secret/STRIPE_WEBHOOK_SECRET/value');
  });

  it('grants the webhook and the sweep only the DynamoDB actions they use, on their tables', () => {
    const orders = logicalIdOfTable('Orders');
    const products = logicalIdOfTable('Products');
    const webhook = statementsOf(payments, 'PaymentsWebhook');
    const dynamo = (statements: Statement[]) =>
      statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
    expect(actionsOf(dynamo(webhook))).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(dynamo(webhook).map((s) => s.Resource))).toContain(orders);
    expect(JSON.stringify(dynamo(webhook).map((s) => s.Resource))).not.toContain(products);

    const sweep = dynamo(statementsOf(payments, 'PaymentsSweep'));
    expect(actionsOf(sweep)).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(sweep)).toContain('/index/status-index');
    expect(JSON.stringify(sweep)).not.toContain('Scan');
    for (const s of [...dynamo(webhook), ...sweep]) {
      expect([s.Action].flat()).not.toContain('dynamodb:*');
    }
  });
});

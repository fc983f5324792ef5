import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Config, Cron, Function, use, type StackContext } from 'sst/constructs';
import { tableDefinitions } from '@shop/core';
import { Api } from './Api.ts';
import { Auth } from './Auth.ts';
import { API_NODEJS_BUNDLING } from './bundling.ts';
import { Database } from './Database.ts';

export const WEBHOOK_HANDLER = 'packages/api/src/webhook.handler';
export const SWEEP_HANDLER = 'packages/api/src/sweep.handler';
export const SWEEP_SCHEDULE = 'rate(5 minutes)';

/** What the webhook does to a row: read the order, change it with a condition (PAID, refunds). */
export const WEBHOOK_ORDER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];
/** The sweep also reads the status index and puts stock back. */
export const SWEEP_ORDER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];

/**
 * Payments: the provider's secret slots, the webhook's own function URL, the sweep on a schedule.
 *
 * The webhook URL has no IAM auth: Stripe cannot sign requests for AWS (no
 * `x-amz-content-sha256`), so it cannot sit behind the API's OAC origin; the event signature
 * (checked first, on the raw body) is its authentication. Secrets are SST `Config.Secret`s (SSM
 * SecureString, filled with `npx sst secrets set STRIPE_SECRET_KEY … --stage <stage>`); functions
 * read them on first use, and only the ones that need a secret are bound to it.
 */
export function Payments({ stack, app }: StackContext) {
  const { tables, tablePrefix } = use(Database);
  const { userPool, client } = use(Auth);
  const { api } = use(Api);
  const secretKey = new Config.Secret(stack, 'STRIPE_SECRET_KEY');
  const webhookSecret = new Config.Secret(stack, 'STRIPE_WEBHOOK_SECRET');
  const table = (name: string) => tables[tableDefinitions.findIndex((d) => d.name === name)]!;
  const orders = table('Orders');
  const products = table('Products');

  const environment = {
    SHOP_STAGE: app.stage,
    SHOP_TABLE_PREFIX: tablePrefix,
    COGNITO_USER_POOL_ID: userPool.userPoolId,
    COGNITO_CLIENT_ID: client.userPoolClientId,
    ...(process.env.SHOP_CURRENCY ? { SHOP_CURRENCY: process.env.SHOP_CURRENCY } : {}),
    ...(process.env.SHOP_PAYMENT_TIMEOUT_MINUTES
      ? { SHOP_PAYMENT_TIMEOUT_MINUTES: process.env.SHOP_PAYMENT_TIMEOUT_MINUTES }
      : {}),
    // The storefront's public origin, where the payment page sends shoppers back.
    ...(process.env.SHOP_WEB_URL ? { SHOP_WEB_URL: process.env.SHOP_WEB_URL } : {}),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const common = {
    runtime: 'nodejs22.x',
    tracing: 'disabled',
    architecture: 'arm_64',
    memorySize: 512,
    nodejs: API_NODEJS_BUNDLING,
    environment,
  } as const;

  const webhook = new Function(stack, 'PaymentsWebhook', {
    ...common,
    handler: WEBHOOK_HANDLER,
    timeout: 10,
    bind: [secretKey, webhookSecret],
  });
  // Stripe cannot sign for an IAM-auth URL: the signature checked in the handler is its auth. The
  // edge serves it under /webhooks/* (stacks/Edge.ts); this URL is CloudFront's origin.
  const webhookUrl = webhook.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  // Marking PAID, recording a refund: conditional writes on the order row alone.
  webhook.attachPermissions([
    new iam.PolicyStatement({ actions: WEBHOOK_ORDER_ACTIONS, resources: [orders.tableArn] }),
  ]);

  const sweep = new Function(stack, 'PaymentsSweep', {
    ...common,
    handler: SWEEP_HANDLER,
    timeout: 120,
    bind: [secretKey],
  });
  sweep.attachPermissions([
    new iam.PolicyStatement({
      actions: SWEEP_ORDER_ACTIONS,
      resources: [orders.tableArn, `${orders.tableArn}/index/status-index`],
    }),
    // Stock goes back in the cancel's transaction.
    new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [products.tableArn] }),
  ]);
  new Cron(stack, 'PaymentsSweepSchedule', { schedule: SWEEP_SCHEDULE, job: sweep });

  // The API opens checkouts and refunds cancelled paid orders: the secret key, not the webhook's.
  api.bind([secretKey]);

  return { webhook, webhookUrl, sweep, secrets: { secretKey, webhookSecret } };
}

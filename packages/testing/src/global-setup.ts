import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureUserPool, startCognitoLocal } from './emulators/cognito.ts';
import { startDynamoDbLocal } from './emulators/dynamodb.ts';
import { startStripeLocal } from './emulators/stripe.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    cognitoEndpoint: string;
    cognitoDataDir: string;
    userPoolId: string;
    clientId: string;
    /** The Stripe-compatible local server: its base URL (API, hosted pages, `/_test/`) and keys. */
    stripeEndpoint: string;
    stripeSecretKey: string;
    stripeWebhookSecret: string;
  }
}

/**
 * One DynamoDB Local, one cognito-local and one Stripe-compatible local server for the whole run,
 * stopped at the end. The Stripe server sends no webhooks (no endpoint): each test delivers the
 * events it reads from the server's log to its own handler, signed as the server signs them.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const [dynamo, cognito, stripe] = await Promise.all([
    startDynamoDbLocal(),
    startCognitoLocal(),
    startStripeLocal(),
  ]);
  const stopAll = () => Promise.all([dynamo.stop(), cognito.stop(), stripe.stop()]);
  try {
    const pool = await ensureUserPool(cognito.endpoint, {
      poolName: 'shop-test',
      clientName: 'shop-test-client',
    });
    project.provide('dynamoEndpoint', dynamo.endpoint);
    project.provide('cognitoEndpoint', cognito.endpoint);
    project.provide('cognitoDataDir', cognito.dataDir);
    project.provide('userPoolId', pool.userPoolId);
    project.provide('clientId', pool.clientId);
    project.provide('stripeEndpoint', stripe.endpoint);
    project.provide('stripeSecretKey', stripe.secretKey);
    project.provide('stripeWebhookSecret', stripe.webhookSecret);
  } catch (error) {
    await stopAll();
    throw error;
  }
  console.log(
    `DynamoDB Local at ${dynamo.endpoint}, cognito-local at ${cognito.endpoint}, ` +
      `Stripe local at ${stripe.endpoint} (${Date.now() - started} ms)`,
  );
  return async () => {
    await stopAll();
  };
}

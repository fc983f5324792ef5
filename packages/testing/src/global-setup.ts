import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureUserPool, startCognitoLocal } from './emulators/cognito.ts';
import { startDynamoDbLocal } from './emulators/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    cognitoEndpoint: string;
    cognitoDataDir: string;
    userPoolId: string;
    clientId: string;
  }
}

/** One DynamoDB Local and one cognito-local for the whole run, stopped at the end. */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const [dynamo, cognito] = await Promise.all([startDynamoDbLocal(), startCognitoLocal()]);
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
  } catch (error) {
    await Promise.all([dynamo.stop(), cognito.stop()]);
    throw error;
  }
  console.log(
    `DynamoDB Local at ${dynamo.endpoint}, cognito-local at ${cognito.endpoint} (${Date.now() - started} ms)`,
  );
  return async () => {
    await Promise.all([dynamo.stop(), cognito.stop()]);
  };
}

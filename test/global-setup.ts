import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createLocalTables, startDynamoDbLocal } from '../packages/local/src/emulators/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** Tables of this prefix exist for the whole run; test files may also create their own prefix. */
export const SHARED_PREFIX = 'test-';

export default async function setup(project: TestProject) {
  const started = Date.now();
  const dynamo = await startDynamoDbLocal();
  await createLocalTables(dynamo.endpoint, SHARED_PREFIX);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  console.log(`DynamoDB Local ready at ${dynamo.endpoint} in ${Date.now() - started} ms`);

  return async () => {
    await dynamo.stop();
  };
}

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import {
  type Clock,
  createDocumentClient,
  type IdentityProvider,
  type PaymentSettings,
  createServices,
  tableNamesFor,
  type Services,
  type TableNames,
} from '@shop/core';
import { createLocalTables } from './emulators/dynamodb.ts';

export interface TestDb {
  prefix: string;
  tables: TableNames;
  doc: ReturnType<typeof createDocumentClient>;
  services: Services;
}

export const TEST_CURSOR_SECRET = 'test-cursor-secret-0123456789';

/**
 * Fresh tables under a prefix of their own on the run's DynamoDB Local, so a test file sees only
 * its own data. Services read the time from `clock` when given (see `createTestClock`), and
 * reach Cognito through `identity` when given.
 */
export async function createTestDb(
  options: { clock?: Clock; identity?: IdentityProvider; payments?: PaymentSettings } = {},
): Promise<TestDb> {
  const endpoint = inject('dynamoEndpoint');
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  await createLocalTables(endpoint, prefix);
  const doc = createDocumentClient({ region: 'us-east-1', endpoint, maxAttempts: 3 });
  const tables = tableNamesFor(prefix);
  return {
    prefix,
    tables,
    doc,
    services: createServices({
      doc,
      tables,
      cursorSecret: TEST_CURSOR_SECRET,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
      ...(options.payments ? { payments: options.payments } : {}),
    }),
  };
}

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
import { IndexLag } from './index-lag.ts';

export interface TestDb {
  prefix: string;
  tables: TableNames;
  doc: ReturnType<typeof createDocumentClient>;
  services: Services;
  /** The AWS-like index lag on `doc` (`SHOP_TEST_INDEX_LAG_MS`, default 1 s; `settle()` skips it). */
  lag: IndexLag;
}

export const TEST_CURSOR_SECRET = 'test-cursor-secret-0123456789';

/**
 * Fresh tables under a prefix of their own on the run's DynamoDB Local, so a test file sees only
 * its own data. Services read the time from `clock` when given (see `createTestClock`), and
 * reach Cognito through `identity` when given. Every GSI read lags like AWS's (see `IndexLag`).
 */
export async function createTestDb(
  options: {
    clock?: Clock;
    identity?: IdentityProvider;
    indexLagMs?: number;
    payments?: PaymentSettings;
  } = {},
): Promise<TestDb> {
  const endpoint = inject('dynamoEndpoint');
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  await createLocalTables(endpoint, prefix);
  const lag = new IndexLag(options.indexLagMs);
  const doc = lag.attach(createDocumentClient({ region: 'us-east-1', endpoint, maxAttempts: 3 }));
  const tables = tableNamesFor(prefix);
  return {
    prefix,
    tables,
    doc,
    lag,
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

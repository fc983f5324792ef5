import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  createDocumentClient,
  ThrottledError,
  TransactionCancelled,
  transactWrite,
  type TaggedWrite,
} from '../src/index.ts';
import { FaultInjector } from '@shop/testing';
import { createTestDb, type TestDb } from '@shop/testing/vitest';

/**
 * `transactWrite` on DynamoDB Local: which writes failed, by tag, with the item as it was; a
 * conflict is retryable and says so; the SDK's throttling is the contract's TOO_MANY_REQUESTS.
 * Faults come from `FaultInjector` on a client without SDK retries.
 */
let db: TestDb;
let table: string;
const injector = new FaultInjector('dynamodb');
let faulty: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  db = await createTestDb();
  table = db.tables.Products;
  const client = createDocumentClient({
    region: 'us-east-1',
    endpoint: inject('dynamoEndpoint'),
    maxAttempts: 1,
  });
  injector.attach(client);
  faulty = client;
});

const row = async (id: string) =>
  (await db.doc.send(new GetCommand({ TableName: table, Key: { id }, ConsistentRead: true }))).Item;

async function existing(stock: number) {
  const item = { id: randomUUID(), stock, note: 'as it was' };
  await db.doc.send(new PutCommand({ TableName: table, Item: item }));
  return item;
}

const take = (id: string, quantity: number): TaggedWrite['write'] => ({
  Update: {
    TableName: table,
    Key: { id },
    UpdateExpression: 'SET stock = stock - :q',
    ConditionExpression: 'stock >= :q',
    ExpressionAttributeValues: { ':q': quantity },
  },
});
const create = (id: string): TaggedWrite['write'] => ({
  Put: {
    TableName: table,
    Item: { id, stock: 1 },
    ConditionExpression: 'attribute_not_exists(id)',
  },
});
const mustExist = (id: string): TaggedWrite['write'] => ({
  ConditionCheck: { TableName: table, Key: { id }, ConditionExpression: 'attribute_exists(id)' },
});

const failure = (writes: TaggedWrite[], doc = db.doc) =>
  transactWrite(doc, writes).then(
    () => undefined,
    (e: unknown) => e,
  );

describe('transactWrite', () => {
  it('writes every item when every condition holds', async () => {
    const a = await existing(5);
    const fresh = randomUUID();
    await transactWrite(db.doc, [
      { tag: 'take', write: take(a.id, 2) },
      { tag: 'create', write: create(fresh) },
    ]);
    expect((await row(a.id))?.stock).toBe(3);
    expect(await row(fresh)).toEqual({ id: fresh, stock: 1 });
  });

  it('names exactly the failed writes, with each item as it was, and writes nothing', async () => {
    const a = await existing(5);
    const b = await existing(1);
    const missing = randomUUID();
    const fresh = randomUUID();
    const error = await failure([
      { tag: 'a', write: take(a.id, 2) },
      { tag: 'b', write: take(b.id, 2) },
      { tag: 'fresh', write: create(fresh) },
      { tag: 'missing', write: mustExist(missing) },
    ]);
    expect(error).toBeInstanceOf(TransactionCancelled);
    const cancelled = error as TransactionCancelled;
    expect(cancelled.isConflict).toBe(false);
    expect(cancelled.failed).toEqual([
      { tag: 'b', item: b },
      { tag: 'missing', item: undefined },
    ]);
    expect(cancelled.failure('b')?.item).toEqual(b);
    expect(cancelled.failure('a')).toBeUndefined();
    expect(cancelled.message).toBe('Transaction cancelled: b, missing');
    expect((await row(a.id))?.stock).toBe(5);
    expect(await row(fresh)).toBeUndefined();
  });

  it('marks a transaction conflict as retryable, with no failed condition', async () => {
    const a = await existing(5);
    const b = await existing(5);
    injector.arm({ kind: 'conflict', when: 'before', nth: 1, command: 'TransactWriteItems' });
    // One item held by another transaction: reasons [TransactionConflict, None].
    const error = await failure(
      [
        { tag: 'a', write: take(a.id, 1) },
        { tag: 'b', write: take(b.id, 1) },
      ],
      faulty,
    );
    expect(injector.firedCount).toBe(1);
    expect(error).toBeInstanceOf(TransactionCancelled);
    expect((error as TransactionCancelled).isConflict).toBe(true);
    expect((error as TransactionCancelled).failed).toEqual([]);
    expect((error as Error).cause).toMatchObject({ name: 'TransactionCanceledException' });
    expect((await row(a.id))?.stock).toBe(5);
  });

  it('turns throttling into ThrottledError (TOO_MANY_REQUESTS), and keeps other errors as they are', async () => {
    const a = await existing(5);
    for (const kind of ['throttling', 'provisioned'] as const) {
      injector.arm({ kind, when: 'before', nth: 1 });
      expect(await failure([{ tag: 'a', write: take(a.id, 1) }], faulty)).toBeInstanceOf(
        ThrottledError,
      );
    }
    injector.arm({ kind: 'reset', when: 'before', nth: 1 });
    const reset = await failure([{ tag: 'a', write: take(a.id, 1) }], faulty);
    expect(reset).toMatchObject({ name: 'NetworkingError' });
    injector.arm(undefined);
    // Two writes to one item: DynamoDB refuses the request itself (a ValidationException).
    const invalid = await failure([
      { tag: 'a', write: take(a.id, 1) },
      { tag: 'again', write: take(a.id, 1) },
    ]);
    expect(invalid).toMatchObject({ name: 'ValidationException' });
    expect((await row(a.id))?.stock).toBe(5);
  });
});

import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ConflictError,
  createDocumentClient,
  NotFoundError,
  ProductStore,
  ThrottledError,
} from '../src/index.ts';
import { FaultInjector } from '@shop/testing';
import { createTestDb, type TestDb } from '@shop/testing/vitest';

/** The admin's stock moves against the contract's literal bounds: stock stays in 0..1,000,000. */
let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});

const product = (stock: number) =>
  db.services.products.create({
    name: `Widget ${randomUUID().slice(0, 6)}`,
    description: 'A useful widget',
    price: 1250,
    category: `cat-${randomUUID().slice(0, 8)}`,
    stock,
  });
const adjust = (id: string, delta: number) => db.services.products.adjustStock({ id, delta });
const refusal = (id: string, delta: number) => adjust(id, delta).catch((e: unknown) => e);

/** A product store on its own client (`maxAttempts` SDK attempts), with `hook` before each send. */
function storeOn(
  maxAttempts: number,
  hook: (command: string, input: Record<string, unknown>) => Promise<void> = async () => {},
) {
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint: inject('dynamoEndpoint'),
    maxAttempts,
  });
  doc.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        await hook(String(context.commandName), args.input);
        return next(args);
      }) as never,
    { step: 'initialize', name: `hook-${randomUUID()}` },
  );
  return { doc, store: new ProductStore(db.services.repos.products, doc) };
}

/** The Products row as stored (strongly consistent). */
async function row(id: string) {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tables.Products, Key: { id }, ConsistentRead: true }),
  );
  return Item;
}

/** The UpdateItems `db.doc` sends while `run` runs. */
async function updatesDuring(run: () => Promise<unknown>): Promise<number> {
  let updates = 0;
  const name = `count-${randomUUID()}`;
  db.doc.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      (args: unknown) => {
        if (context.commandName === 'UpdateItemCommand') updates++;
        return next(args);
      }) as never,
    { step: 'initialize', name },
  );
  try {
    await run();
  } finally {
    db.doc.middlewareStack.remove(name);
  }
  return updates;
}

describe('ProductStore.adjustStock', () => {
  it('reaches exactly 1,000,000 and exactly 0, and not one beyond', async () => {
    const { id } = await product(5);
    expect((await adjust(id, 999_995)).stock).toBe(1_000_000);
    const over = await refusal(id, 1);
    expect(over).toBeInstanceOf(ConflictError);
    expect((over as Error).message).toBe('Stock must stay between 0 and 1000000');
    expect((over as Error).cause).toBeInstanceOf(ConditionalCheckFailedException);
    expect((await adjust(id, -1_000_000)).stock).toBe(0);
    expect(await refusal(id, -1)).toBeInstanceOf(ConflictError);
    expect((await db.services.products.byId(id)).stock).toBe(0);
  });

  it('returns the whole product as written, with the new stock and time', async () => {
    const created = await product(7);
    const adjusted = await adjust(created.id, -3);
    expect(adjusted).toEqual({ ...created, stock: 4, updatedAt: adjusted.updatedAt });
    expect(adjusted.updatedAt >= created.updatedAt).toBe(true);
    expect(await db.services.products.byId(created.id)).toEqual(adjusted);
  });

  it('is NOT_FOUND for an unknown or deleted product, and creates nothing', async () => {
    const unknown = randomUUID();
    const error = await refusal(unknown, 1);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('Product not found');
    expect((error as Error).cause).toBeInstanceOf(ConditionalCheckFailedException);
    expect(await refusal(unknown, -1)).toBeInstanceOf(NotFoundError);
    const { id } = await product(3);
    await db.services.products.delete(id);
    expect(await refusal(id, 1)).toBeInstanceOf(NotFoundError);
    expect(await db.services.products.byId(id).catch((e: unknown) => e)).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('takes a sold-out product to exactly 1,000,000 in one move', async () => {
    const { id } = await product(0);
    expect((await adjust(id, 1_000_000)).stock).toBe(1_000_000);
    expect(await row(id)).toMatchObject({ stock: 1_000_000, soldOut: false });
  });

  it('costs one UpdateItem when stock stays on one side of 0, two when it crosses 0', async () => {
    // The first attempt assumes some stock before and after; crossing 0 is asked again.
    const { id } = await product(3);
    expect(await updatesDuring(() => adjust(id, -1))).toBe(1); // 3 → 2
    expect(await updatesDuring(() => adjust(id, -2))).toBe(2); // 2 → 0
    expect(await updatesDuring(() => adjust(id, 4))).toBe(2); // 0 → 4
    expect(await updatesDuring(() => adjust(id, 1))).toBe(1); // 4 → 5
    expect(await row(id)).toMatchObject({ stock: 5, soldOut: false });
  });

  it("is NOT_FOUND for the catalogue's bookkeeping row, which it leaves alone", async () => {
    await product(2); // the `#categories` row exists once a product does
    const before = await row('#categories');
    expect(before).toBeDefined();
    const { store } = storeOn(3);
    const error = await store
      .adjustStock('#categories', 1, new Date().toISOString())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('Product not found');
    expect(await row('#categories')).toEqual(before);
  });

  it('is TOO_MANY_REQUESTS after 4 attempts when every one finds the stock moved across 0', async () => {
    const { id } = await product(5);
    let attempts = 0;
    const { store } = storeOn(1, async (command, input) => {
      if (command !== 'UpdateItemCommand' || input.TableName !== db.tables.Products) return;
      attempts++;
      // Another request lands first and puts the stock on the other side of 0 (10 times at most).
      if (attempts > 10) return;
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tables.Products,
          Key: { id },
          UpdateExpression: 'SET stock = :stock',
          ExpressionAttributeValues: { ':stock': attempts % 2 === 1 ? 0 : 5 },
        }),
      );
    });
    const error = await store.adjustStock(id, 1, new Date().toISOString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as Error).message).toBe('Too many concurrent changes, please retry');
    expect((error as Error).cause).toBeInstanceOf(ConditionalCheckFailedException);
    expect(attempts).toBe(4);
    expect((await row(id))?.stock).toBe(5);
  });

  it('passes a throttled write on as TOO_MANY_REQUESTS, changing nothing', async () => {
    const { id } = await product(5);
    const { doc, store } = storeOn(1);
    new FaultInjector('dynamodb')
      .attach(doc)
      .arm({ kind: 'throttling', when: 'before', nth: 1, command: 'UpdateItem' });
    const error = await store.adjustStock(id, 1, new Date().toISOString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((await row(id))?.stock).toBe(5);
  });

  it('adds the delta once when the SDK retries after a lost response', async () => {
    const { id } = await product(5);
    const { doc, store } = storeOn(2);
    const injector = new FaultInjector('dynamodb').attach(doc);
    injector.arm({ kind: 'timeout', when: 'after', nth: 1, command: 'UpdateItem' });
    const adjusted = await store.adjustStock(id, 3, new Date().toISOString());
    expect(injector.firedCount).toBe(1);
    expect(adjusted.stock).toBe(8);
    expect((await row(id))?.stock).toBe(8);
  });
});

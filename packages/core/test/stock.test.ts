import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../src/index.ts';
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

describe('ProductStore.adjustStock', () => {
  it('reaches exactly 1,000,000 and exactly 0, and not one beyond', async () => {
    const { id } = await product(5);
    expect((await adjust(id, 999_995)).stock).toBe(1_000_000);
    const over = await refusal(id, 1);
    expect(over).toBeInstanceOf(ConflictError);
    expect((over as Error).message).toBe('Stock must stay between 0 and 1000000');
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
    expect(await refusal(unknown, 1)).toBeInstanceOf(NotFoundError);
    expect(await refusal(unknown, -1)).toBeInstanceOf(NotFoundError);
    const { id } = await product(3);
    await db.services.products.delete(id);
    expect(await refusal(id, 1)).toBeInstanceOf(NotFoundError);
    expect(await db.services.products.byId(id).catch((e: unknown) => e)).toBeInstanceOf(
      NotFoundError,
    );
  });
});

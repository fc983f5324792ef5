import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  CorruptDataError,
  listedProductSchema,
  NotFoundError,
  Repository,
  ValidationError,
} from '../src/index.ts';
import { createTestDb, type TestDb } from '@shop/testing/vitest';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});

const now = () => new Date().toISOString();

/** For each table: how to make a valid item in a partition, which GSI to page, a field to change. */
interface Case {
  table: keyof TestDb['services']['repos'];
  index: string;
  partitionAttribute: string;
  make: (partition: string, n: number) => { id: string } & Record<string, unknown>;
  change: Record<string, unknown>;
}

const cases: Case[] = [
  {
    table: 'users',
    index: 'email-index',
    partitionAttribute: 'email',
    make: (email, n) => ({
      id: randomUUID(),
      email,
      firstName: `Ada${n}`,
      lastName: 'Lovelace',
      createdAt: now(),
      updatedAt: now(),
    }),
    change: { firstName: 'Grace' },
  },
  {
    table: 'products',
    index: 'category-index',
    partitionAttribute: 'category',
    make: (category, n) => ({
      id: randomUUID(),
      name: `Product ${n}`,
      description: 'A thing',
      price: 1999,
      imageUrl: null,
      category,
      stock: 5,
      createdAt: now(),
      updatedAt: now(),
      // The folded name `category-index` sorts on; not part of the public shape.
      nameKey: `product ${n}`,
    }),
    change: { stock: 7 },
  },
  {
    table: 'orders',
    index: 'userId-index',
    partitionAttribute: 'userId',
    make: (userId, n) => ({
      id: randomUUID(),
      userId,
      orderDate: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      status: 'PENDING',
      totalAmount: 100 * n,
      shippingAddressId: randomUUID(),
      shippingAddress: {
        recipientName: 'Jo Doe',
        street: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        zipCode: '62701',
        country: 'US',
      },
      createdAt: now(),
      updatedAt: now(),
      lines: [{ productId: randomUUID(), quantity: n + 1 }],
    }),
    change: { status: 'PAID' },
  },
  {
    table: 'items',
    index: 'orderId-index',
    partitionAttribute: 'orderId',
    make: (orderId, n) => ({
      id: randomUUID(),
      orderId,
      productId: randomUUID(),
      productName: `Line ${n}`,
      quantity: n + 1,
      price: 250,
    }),
    change: { quantity: 9 },
  },
  {
    table: 'addresses',
    index: 'userId-index',
    partitionAttribute: 'userId',
    make: (userId, n) => ({
      id: randomUUID(),
      userId,
      street: `${n} Main St`,
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
      isDefault: false,
    }),
    change: { city: 'Shelbyville' },
  },
];

describe.each(cases)(
  'the $table repository',
  ({ table, index, partitionAttribute, make, change }) => {
    const repo = () => db.services.repos[table] as unknown as Repository<{ id: string }>;
    /** What reads the index: the product indexes project a listing's product (no stock). */
    const indexRepo = (): Repository<{ id: string }> => {
      const r = repo();
      return table === 'products'
        ? new Repository(r.doc, r.tableName, r.definition, listedProductSchema, r.cursors)
        : r;
    };
    const partition = () => (table === 'users' ? `${randomUUID()}@example.com` : randomUUID());

    it('creates an item and reads it back', async () => {
      const item = make(partition(), 1);
      await repo().create(item);
      expect(await repo().get(item.id, { consistent: true })).toEqual(repo().parse(item));
    });

    it('refuses to create an item whose id already exists', async () => {
      const item = make(partition(), 1);
      await repo().create(item);
      await expect(repo().create({ ...item })).rejects.toBeInstanceOf(ConflictError);
    });

    it('returns nothing for an id that does not exist', async () => {
      expect(await repo().get(randomUUID())).toBeUndefined();
    });

    it('updates an item and returns the new version', async () => {
      const item = make(partition(), 1);
      await repo().create(item);
      const updated = await repo().update(item.id, change);
      expect(updated).toEqual(repo().parse({ ...item, ...change }));
    });

    it('refuses an update whose condition fails and leaves the item unchanged', async () => {
      const item = make(partition(), 1);
      await repo().create(item);
      await expect(
        repo().update(item.id, change, {
          expression: '#id = :other',
          names: { '#id': 'id' },
          values: { ':other': 'someone-else' },
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await repo().get(item.id, { consistent: true })).toEqual(repo().parse(item));
    });

    it('reports an update of a missing item as not found without creating it', async () => {
      const id = randomUUID();
      await expect(repo().update(id, change)).rejects.toBeInstanceOf(NotFoundError);
      expect(await repo().get(id, { consistent: true })).toBeUndefined();
    });

    it('deletes an item, and a second delete is not found', async () => {
      const item = make(partition(), 1);
      await repo().create(item);
      expect(await repo().delete(item.id)).toEqual(repo().parse(item));
      expect(await repo().get(item.id, { consistent: true })).toBeUndefined();
      await expect(repo().delete(item.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it(`pages through ${index} one item at a time, returning every item exactly once`, async () => {
      const key = partition();
      const count = table === 'users' ? 3 : 5;
      const items = Array.from({ length: count }, (_, n) => make(key, n));
      await Promise.all(items.map((item) => repo().create(item)));
      // Another partition's items must not leak into the pages.
      await repo().create(make(partition(), 99));
      // A GSI is eventually consistent (as on AWS): page once the index has caught up.
      db.lag.settle();

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < count + 2; pages++) {
        const page = await indexRepo().queryIndex(index, partitionAttribute, key, {
          limit: 1,
          cursor,
        });
        expect(page.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.items.map((i) => i.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen.sort()).toEqual(items.map((i) => i.id).sort());
    });

    it('refuses a tampered cursor as a validation error', async () => {
      const key = partition();
      await Promise.all([make(key, 1), make(key, 2)].map((item) => repo().create(item)));
      const page = await indexRepo().queryIndex(index, partitionAttribute, key, { limit: 1 });
      expect(page.nextCursor).toBeTruthy();
      const [payload, mac] = page.nextCursor!.split('.') as [string, string];
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        string
      >;
      decoded.id = randomUUID();
      const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${mac}`;
      for (const cursor of [forged, 'garbage', `${payload}.`, `${payload}.${mac}x`, '...']) {
        await expect(
          indexRepo().queryIndex(index, partitionAttribute, key, { limit: 1, cursor }),
        ).rejects.toBeInstanceOf(ValidationError);
      }
    });
  },
);

describe('cursors', () => {
  it('are bound to the listing they came from', async () => {
    const repo = db.services.repos.addresses;
    const mine = randomUUID();
    await Promise.all([1, 2].map((n) => repo.create(cases[4]!.make(mine, n) as never)));
    const page = await repo.queryIndex('userId-index', 'userId', mine, { limit: 1 });
    await expect(
      repo.queryIndex('userId-index', 'userId', randomUUID(), {
        limit: 1,
        cursor: page.nextCursor!,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('reading a malformed row', () => {
  it('fails with a clear error naming the table and the item', async () => {
    const id = randomUUID();
    await db.doc.send(
      new PutCommand({
        TableName: db.tables.Products,
        Item: { id, name: 'Broken', price: 'free' },
      }),
    );
    const error = await db.services.repos.products.get(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).message).toContain(db.tables.Products);
    expect((error as Error).message).toContain(id);
  });
});

import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  CorruptDataError,
  createCursorCodec,
  listedProductSchema,
  NotFoundError,
  Repository,
  ValidationError,
} from '../src/index.ts';
import { createTestDb, TEST_CURSOR_SECRET, type TestDb } from '@shop/testing/vitest';

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

/** The commands `db.doc` sends while `run` runs, with what each answered. */
async function sentDuring<T>(run: () => Promise<T>, doc = db.doc) {
  const sent: { command: string; output: Record<string, unknown> }[] = [];
  const name = `record-${randomUUID()}`;
  doc.middlewareStack.add(
    ((
        next: (args: unknown) => Promise<{ output: Record<string, unknown> }>,
        context: { commandName?: string },
      ) =>
      async (args: unknown) => {
        const result = await next(args);
        sent.push({ command: String(context.commandName), output: result.output });
        return result;
      }) as never,
    { step: 'initialize', name },
  );
  try {
    return { result: await run(), sent };
  } finally {
    doc.middlewareStack.remove(name);
  }
}

describe('a start key from a cursor', () => {
  // A table of its own shape (a numeric sort key): startKey reads no table.
  const codec = createCursorCodec(TEST_CURSOR_SECRET);
  const repo = () =>
    new Repository(
      db.doc,
      'T',
      {
        name: 'T',
        partitionKey: { name: 'id', type: 'S' },
        indexes: [
          {
            name: 'n-index',
            partitionKey: { name: 'g', type: 'S' },
            sortKey: { name: 'n', type: 'N' },
          },
        ],
      },
      listedProductSchema,
      codec,
    );
  const start = (key: Record<string, unknown>, indexName?: string) =>
    repo().startKey(codec.encode(key, 'scope')!, 'scope', indexName);
  const refusal = (key: Record<string, unknown>, indexName?: string) => {
    try {
      start(key, indexName);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('takes a finite number for a numeric key, and nothing else', () => {
    expect(start({ g: 'a', n: 3, id: 'x' }, 'n-index')).toEqual({ g: 'a', n: 3, id: 'x' });
    expect(start({ g: 'a', n: -0.5, id: 'x' }, 'n-index')).toEqual({ g: 'a', n: -0.5, id: 'x' });
    for (const n of ['3', null, [3], true]) {
      expect(refusal({ g: 'a', n, id: 'x' }, 'n-index')).toBeInstanceOf(ValidationError);
    }
  });

  it('takes a string key of 1 to 1,024 bytes, and nothing else', () => {
    expect(start({ id: 'a'.repeat(1024) })).toEqual({ id: 'a'.repeat(1024) });
    expect(start({ id: 'é'.repeat(512) })).toEqual({ id: 'é'.repeat(512) });
    for (const id of ['', 'a'.repeat(1025), 'é'.repeat(513), ['x'], { length: 1 }, 7]) {
      expect(refusal({ id })).toBeInstanceOf(ValidationError);
    }
  });

  it('is refused as "Invalid cursor" on the cursor field', () => {
    const error = refusal({ id: '' }) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('Invalid cursor');
    expect(error.path).toEqual(['cursor']);
  });
});

describe('paging details', () => {
  const user = (email: string) => cases[0]!.make(email, 1);

  it('ignores a sort key prefix on an index without a sort key', async () => {
    const email = `${randomUUID()}@example.com`;
    const created = await db.services.repos.users.create(user(email) as never);
    db.lag.settle();
    const page = await db.services.repos.users.queryIndex('email-index', 'email', email, {
      sortKeyPrefix: 'zzz',
    });
    expect(page.items.map((u) => u.id)).toEqual([created.id]);
  });

  it('leaves out a row deleted since the keys-only index saw it', async () => {
    // An index a minute behind (whatever SHOP_TEST_INDEX_LAG_MS says) still holds the key.
    const lagging = await createTestDb({ indexLagMs: 60_000 });
    const users = lagging.services.repos.users;
    const email = `${randomUUID()}@example.com`;
    const created = await users.create(user(email) as never);
    lagging.lag.settle();
    await users.delete(created.id);
    const { result, sent } = await sentDuring(
      () => users.queryIndex('email-index', 'email', email),
      lagging.doc,
    );
    expect(sent.map((s) => s.command)).toContain('GetItemCommand');
    expect(result.items).toEqual([]);
  });

  it('scans the table in pages of the limit asked, with no read by key per row', async () => {
    const repo = db.services.repos.users;
    await Promise.all(
      [1, 2, 3].map(() => repo.create(user(`${randomUUID()}@example.com`) as never)),
    );
    const { result, sent } = await sentDuring(() => repo.scan({ limit: 2 }));
    expect(result.items).toHaveLength(2);
    expect(result.nextCursor).toBeTruthy();
    expect(sent.map((s) => s.command)).toEqual(['ScanCommand']);
  });

  describe('a filtered scan', () => {
    const prefix = `p${randomUUID().slice(0, 8)}`;
    const filter = {
      expression: 'begins_with(#email, :prefix)',
      names: { '#email': 'email' },
      values: { ':prefix': prefix },
    };
    let matches: string[];
    beforeAll(async () => {
      const repo = db.services.repos.users;
      const made = await Promise.all(
        Array.from({ length: 16 }, (_, n) =>
          repo.create(
            user(n % 2 ? `${prefix}-${n}@example.com` : `q${randomUUID()}@example.com`) as never,
          ),
        ),
      );
      matches = made.filter((u) => u.email.startsWith(prefix)).map((u) => u.id);
    });

    /** Every page of `scanWhere`, with the items each read. */
    async function pages(limit: number, maxRead: number) {
      const result: { ids: string[]; read: number; more: boolean }[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 100; n++) {
        const { result: page, sent } = await sentDuring(() =>
          db.services.repos.users.scanWhere(filter, prefix, { limit, maxRead, cursor }),
        );
        const read = sent.reduce((sum, s) => sum + Number(s.output.ScannedCount ?? 0), 0);
        result.push({ ids: page.items.map((u) => u.id), read, more: page.nextCursor !== null });
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return result;
    }

    it('fills every page but the last to the limit when it may read enough', async () => {
      const all = await pages(3, 1000);
      expect(all.flatMap((p) => p.ids).sort()).toEqual([...matches].sort());
      for (const page of all.slice(0, -1)) expect(page.ids).toHaveLength(3);
      expect(all.at(-1)!.ids.length).toBeLessThanOrEqual(3);
    });

    it('never returns more than the limit nor reads more than maxRead items for a page', async () => {
      const all = await pages(3, 4);
      expect(all.flatMap((p) => p.ids).sort()).toEqual([...matches].sort());
      for (const page of all) {
        expect(page.ids.length).toBeLessThanOrEqual(3);
        expect(page.read).toBeLessThanOrEqual(4);
      }
    });
  });
});

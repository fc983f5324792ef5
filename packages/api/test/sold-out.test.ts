/**
 * Contract v3.1: public listings show `soldOut`, never the stock count; the flag is written (and
 * the product indexes rewritten) only when it flips. Against DynamoDB Local with index lag on.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness, validAddress, validProduct } from './support/harness.ts';

const { h, admin, anonymous } = useHarness();

/** A shopper with an address, ordering `quantity` of `productId`. */
async function shopper() {
  const { caller } = await h.userCaller();
  const address = await caller.addresses.create(validAddress());
  const order = (productId: string, quantity = 1) =>
    caller.orders.create({ items: [{ productId, quantity }], shippingAddressId: address.id });
  return { caller, order };
}

/** The product as both public listings show it, once the indexes caught up. */
async function listed(product: { id: string; name: string; category: string }) {
  h.db.lag.settle();
  const list = await anonymous.products.list({ category: product.category, limit: 100 });
  const search = await anonymous.products.search({ query: product.name, limit: 100 });
  const inList = list.items.find((p) => p.id === product.id);
  const inSearch = search.items.find((p) => p.id === product.id);
  expect(inList).toEqual(inSearch);
  return inList!;
}

/** The Products row as stored: `soldOut` must say whether `stock` is 0. */
async function row(id: string) {
  const { Item } = await h.db.doc.send(
    new GetCommand({ TableName: h.db.tables.Products, Key: { id }, ConsistentRead: true }),
  );
  return Item as { stock: number; soldOut: boolean };
}

/** Records the DynamoDB commands `doc` sends (and what it reports consumed) while `run` runs. */
async function recording<T>(run: () => Promise<T>) {
  const sent: { command: string; input: Record<string, unknown>; output: unknown }[] = [];
  const name = `record-${randomUUID()}`;
  h.db.doc.middlewareStack.add(
    ((next: (args: unknown) => Promise<{ output: unknown }>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        args.input.ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        sent.push({
          command: String(context.commandName),
          input: args.input,
          output: result.output,
        });
        return result;
      }) as never,
    { step: 'initialize', name },
  );
  try {
    return { result: await run(), sent };
  } finally {
    h.db.doc.middlewareStack.remove(name);
  }
}

describe('public listings', () => {
  it('never expose the stock count, only whether a product is sold out', async () => {
    const product = await admin.products.create(validProduct({ stock: 7 }));
    const item = await listed(product);
    expect(item).toEqual({
      id: product.id,
      name: product.name,
      description: product.description,
      price: product.price,
      imageUrl: null,
      category: product.category,
      soldOut: false,
      createdAt: product.createdAt,
    });
    expect(item).not.toHaveProperty('stock');
    // Over HTTP too: the index entry holds no stock to leak.
    const page = await anonymous.products.list({ category: product.category });
    expect(JSON.stringify(page)).not.toContain('"stock"');
    // The exact count stays where it is read by key.
    expect((await anonymous.products.byId({ id: product.id })).stock).toBe(7);
    const quote = await anonymous.orders.quote({ items: [{ productId: product.id, quantity: 1 }] });
    expect(quote.lines[0]?.available).toBe(7);
  });

  it('show a product created without stock as sold out', async () => {
    const product = await admin.products.create(validProduct({ stock: 0 }));
    expect((await listed(product)).soldOut).toBe(true);
  });
});

describe('soldOut', () => {
  it('flips exactly when the last unit sells, and back when stock returns', async () => {
    const product = await admin.products.create(validProduct({ stock: 2 }));
    const { caller, order } = await shopper();

    const first = await order(product.id);
    expect(await row(product.id)).toMatchObject({ stock: 1, soldOut: false });
    expect((await listed(product)).soldOut).toBe(false);

    const last = await order(product.id);
    expect(await row(product.id)).toMatchObject({ stock: 0, soldOut: true });
    expect((await listed(product)).soldOut).toBe(true);
    await expectTRPCError(order(product.id), 'CONFLICT');

    // A cancel brings the unit back, and the flag down.
    await caller.orders.cancel({ id: last.id });
    expect(await row(product.id)).toMatchObject({ stock: 1, soldOut: false });
    expect((await listed(product)).soldOut).toBe(false);

    // An admin's adjustment to 0 and back, the same way.
    await admin.products.adjustStock({ id: product.id, delta: -1 });
    expect(await row(product.id)).toMatchObject({ stock: 0, soldOut: true });
    expect((await listed(product)).soldOut).toBe(true);
    await admin.products.adjustStock({ id: product.id, delta: 5 });
    expect(await row(product.id)).toMatchObject({ stock: 5, soldOut: false });
    expect((await listed(product)).soldOut).toBe(false);

    // The first order's cancel (stock 5 → 6) leaves the flag alone.
    await caller.orders.cancel({ id: first.id });
    expect(await row(product.id)).toMatchObject({ stock: 6, soldOut: false });
  });

  it('comes down when the unpaid-order sweep or an admin cancels a sold-out order', async () => {
    const product = await admin.products.create(validProduct({ stock: 3 }));
    const { order } = await shopper();
    const placed = await order(product.id, 3);
    expect(await row(product.id)).toMatchObject({ stock: 0, soldOut: true });
    await admin.orders.updateStatus({ id: placed.id, status: 'CANCELLED' });
    expect(await row(product.id)).toMatchObject({ stock: 3, soldOut: false });
    expect((await listed(product)).soldOut).toBe(false);
  });

  it('is rewritten in the product indexes only when it flips', async () => {
    const product = await admin.products.create(validProduct({ stock: 3 }));
    // DynamoDB reports, per index, what a single UpdateItem cost to keep it up to date.
    const indexUnits = (sent: { output: unknown }[]) =>
      sent.flatMap((s) =>
        Object.keys(
          (s.output as { ConsumedCapacity?: { GlobalSecondaryIndexes?: object } }).ConsumedCapacity
            ?.GlobalSecondaryIndexes ?? {},
        ),
      );
    const down = await recording(() => admin.products.adjustStock({ id: product.id, delta: -1 }));
    expect(down.result.stock).toBe(2);
    expect(indexUnits(down.sent)).toEqual([]);
    // Not even rewritten with the same value (whether AWS bills that is not documented).
    const expressions = (sent: { input: Record<string, unknown> }[]) =>
      sent.map((s) => String(s.input.UpdateExpression)).join(' ');
    expect(expressions(down.sent)).not.toContain('soldOut');
    const out = await recording(() => admin.products.adjustStock({ id: product.id, delta: -2 }));
    expect(out.result.stock).toBe(0);
    expect(indexUnits(out.sent).sort()).toEqual(['category-index', 'search-index']);
    const back = await recording(() => admin.products.adjustStock({ id: product.id, delta: 4 }));
    expect(back.result.stock).toBe(4);
    expect(indexUnits(back.sent).sort()).toEqual(['category-index', 'search-index']);
    const up = await recording(() => admin.products.adjustStock({ id: product.id, delta: 1 }));
    expect(up.result.stock).toBe(5);
    expect(indexUnits(up.sent)).toEqual([]);
    expect(expressions(up.sent)).not.toContain('soldOut');
  });

  it('stays true to the stock when the last units are raced for by orders and adjustments', async () => {
    for (let round = 0; round < 3; round++) {
      const product = await admin.products.create(validProduct({ stock: 3 }));
      const buyers = await Promise.all(Array.from({ length: 6 }, () => shopper()));
      const results = await Promise.allSettled([
        ...buyers.map((b) => b.order(product.id)),
        admin.products.adjustStock({ id: product.id, delta: 1 }),
      ]);
      const placed = results.slice(0, 6).filter((r) => r.status === 'fulfilled');
      const refused = results
        .slice(0, 6)
        .filter((r) => r.status === 'rejected')
        .map((r) => r.reason as { code?: string });
      expect(results[6]?.status).toBe('fulfilled');
      // 4 units in all (3 + the adjustment): never more sold, and the rest refused for stock.
      expect(placed.length).toBeLessThanOrEqual(4);
      expect(refused.every((e) => e.code === 'CONFLICT' || e.code === 'TOO_MANY_REQUESTS')).toBe(
        true,
      );
      const after = await row(product.id);
      expect(after.stock).toBe(4 - placed.length);
      expect(after.soldOut).toBe(after.stock === 0);
      expect((await listed(product)).soldOut).toBe(after.stock === 0);
    }
  });

  it('sells the last unit to exactly one of the orders racing for it', async () => {
    const product = await admin.products.create(validProduct({ stock: 1 }));
    const buyers = await Promise.all(Array.from({ length: 5 }, () => shopper()));
    const results = await Promise.allSettled(buyers.map((b) => b.order(product.id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r.reason as { code?: string }).code).toBe('CONFLICT');
    }
    expect(await row(product.id)).toMatchObject({ stock: 0, soldOut: true });
  });
});

describe('products.adminList', () => {
  it('gives admins each product of the page with its exact stock, listed or searched', async () => {
    const category = `admin-${randomUUID().slice(0, 8)}`;
    const a = await admin.products.create(validProduct({ name: 'Alpha lamp', category, stock: 4 }));
    const b = await admin.products.create(validProduct({ name: 'Beta lamp', category, stock: 0 }));
    const { order } = await shopper();
    await order(a.id, 3);
    h.db.lag.settle();
    const page = await admin.products.adminList({ category, limit: 100 });
    expect(page.items.map((p) => [p.name, p.stock])).toEqual([
      ['Alpha lamp', 1],
      ['Beta lamp', 0],
    ]);
    expect(page.items[0]).toEqual(await anonymous.products.byId({ id: a.id }));
    const found = await admin.products.adminList({ query: 'beta lamp', category });
    expect(found.items.map((p) => [p.id, p.stock])).toEqual([[b.id, 0]]);
  });

  it('pages like the listing it reads', async () => {
    const category = `admin-${randomUUID().slice(0, 8)}`;
    for (const name of ['A', 'B', 'C']) {
      await admin.products.create(validProduct({ name: `${name} chair`, category }));
    }
    h.db.lag.settle();
    const first = await admin.products.adminList({ category, limit: 2 });
    expect(first.items.map((p) => p.name)).toEqual(['A chair', 'B chair']);
    const second = await admin.products.adminList({
      category,
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.items.map((p) => p.name)).toEqual(['C chair']);
  });

  it('is refused to shoppers and anonymous callers', async () => {
    const { caller } = await shopper();
    await expectTRPCError(caller.products.adminList({}), 'FORBIDDEN');
    await expectTRPCError(anonymous.products.adminList({}), 'UNAUTHORIZED');
  });
});

describe('write shapes', () => {
  it('places an order without a check of the address (the order keeps its copy)', async () => {
    const product = await admin.products.create(validProduct({ stock: 5 }));
    const { order } = await shopper();
    const { sent } = await recording(() => order(product.id));
    const transaction = sent.find((s) => s.command === 'TransactWriteItemsCommand')!;
    const tables = (transaction.input.TransactItems as Record<string, { TableName: string }>[]).map(
      (item) => Object.values(item)[0]!.TableName,
    );
    expect(tables).not.toContain(h.db.tables.Addresses);
    expect(tables.filter((t) => t === h.db.tables.Products)).toHaveLength(1);
  });

  it('refuses an order to an address of someone else, writing nothing', async () => {
    const product = await admin.products.create(validProduct({ stock: 5 }));
    const { caller: owner } = await h.userCaller();
    const theirs = await owner.addresses.create(validAddress());
    const { caller } = await shopper();
    await expectTRPCError(
      caller.orders.create({
        items: [{ productId: product.id, quantity: 1 }],
        shippingAddressId: theirs.id,
      }),
      'NOT_FOUND',
    );
    expect(await row(product.id)).toMatchObject({ stock: 5 });
  });

  it('moves an order alone (an admin marking it paid, then shipped) with one conditional UpdateItem', async () => {
    const product = await admin.products.create(validProduct({ stock: 5 }));
    const { order } = await shopper();
    const placed = await order(product.id);
    const paid = await recording(() =>
      admin.orders.updateStatus({ id: placed.id, status: 'PAID' }),
    );
    expect(paid.result.status).toBe('PAID');
    const writes = paid.sent.filter((s) => !/^(Get|Query|Scan|BatchGet)/.test(s.command));
    expect(writes.map((s) => s.command)).toEqual(['UpdateItemCommand']);
    const shipped = await recording(() =>
      admin.orders.updateStatus({ id: placed.id, status: 'SHIPPED' }),
    );
    expect(
      shipped.sent
        .filter((s) => !/^(Get|Query|Scan|BatchGet)/.test(s.command))
        .map((s) => s.command),
    ).toEqual(['UpdateItemCommand']);
    // Its condition still refuses a move from a status that changed meanwhile.
    await expectTRPCError(admin.orders.updateStatus({ id: placed.id, status: 'PAID' }), 'CONFLICT');
  });
});

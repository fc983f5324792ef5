import { randomUUID } from 'node:crypto';
import { recordCalls } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness, validAddress, validProduct } from './support/harness.ts';

const { h, admin, anonymous } = useHarness();

/** A word no other test file's products start with, so search results are this test's own. */
const unique = () => `Zq${randomUUID().slice(0, 6)}`;

describe('products.search', () => {
  it('finds names by prefix ignoring case and accents, in name order', async () => {
    const word = unique();
    for (const name of [`${word} Café Crème`, `${word} cafe noir`, `${word} Cafétéria`]) {
      await admin.products.create(validProduct({ name }));
    }
    await admin.products.create(validProduct({ name: `${word} Tea` }));
    // Search reads GSIs: eventually consistent, as on AWS.
    h.db.lag.settle();

    const page = await anonymous.products.search({ query: `${word.toUpperCase()} CAFE` });
    expect(page.items.map((p) => p.name)).toEqual([
      `${word} Café Crème`,
      `${word} cafe noir`,
      `${word} Cafétéria`,
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it('reads O(limit) items per page from the search index, never a scan', async () => {
    const word = unique();
    for (let n = 0; n < 12; n++) {
      await admin.products.create(
        validProduct({ name: `${word} item ${String(n).padStart(2, '0')}` }),
      );
    }
    h.db.lag.settle();
    const recorder = recordCalls(h.db.doc);
    try {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        recorder.clear();
        const page = await anonymous.products.search({ query: word, limit: 5, cursor });
        seen.push(...page.items.map((p) => p.name));
        cursor = page.nextCursor ?? undefined;
        expect(recorder.calls.map((c) => c.command)).toEqual(['QueryCommand']);
        expect(recorder.calls[0]?.input.IndexName).toBe('search-index');
        expect(recorder.calls[0]?.scanned).toBeLessThanOrEqual(5);
      } while (cursor);
      expect(seen).toHaveLength(12);
      expect(seen).toEqual([...seen].sort());
    } finally {
      recorder.stop();
    }
  });

  it('searches within one category through the category index', async () => {
    const word = unique();
    const category = `cat-${randomUUID().slice(0, 8)}`;
    await admin.products.create(validProduct({ name: `${word} Crêpe pan`, category }));
    await admin.products.create(validProduct({ name: `${word} Crêpe flour` }));
    h.db.lag.settle();
    const recorder = recordCalls(h.db.doc);
    try {
      const page = await anonymous.products.search({ query: `${word} crepe`, category });
      expect(page.items.map((p) => p.name)).toEqual([`${word} Crêpe pan`]);
      // One GetItem finds the category's spelling, then one Query of the category index.
      expect(recorder.calls).toHaveLength(2);
      expect(recorder.calls[1]?.input.IndexName).toBe('category-index');
    } finally {
      recorder.stop();
    }
  });

  it('finds a renamed product under its new name only', async () => {
    const word = unique();
    const product = await admin.products.create(validProduct({ name: `${word} Old` }));
    h.db.lag.settle();
    await admin.products.update({ id: product.id, name: `${word} Ünïcode` });
    // Right after the rename the index still has the old name (as on AWS), then only the new.
    expect((await anonymous.products.search({ query: `${word} old` })).items).toHaveLength(1);
    h.db.lag.settle();
    expect((await anonymous.products.search({ query: `${word} old` })).items).toEqual([]);
    const found = await anonymous.products.search({ query: `${word} unicode` });
    expect(found.items.map((p) => p.id)).toEqual([product.id]);
  });
});

describe('products.categories', () => {
  it('counts products per category as they are created, moved and deleted', async () => {
    const a = `a-${randomUUID().slice(0, 8)}`;
    const b = `b-${randomUUID().slice(0, 8)}`;
    const count = async (category: string) =>
      (await anonymous.products.categories()).find((c) => c.category === category)?.productCount;

    const first = await admin.products.create(validProduct({ category: a }));
    await admin.products.create(validProduct({ category: a }));
    expect(await count(a)).toBe(2);

    await admin.products.update({ id: first.id, category: b });
    expect([await count(a), await count(b)]).toEqual([1, 1]);

    await admin.products.delete({ id: first.id });
    expect([await count(a), await count(b)]).toEqual([1, undefined]);
  });

  it('lists categories in name order with one read', async () => {
    h.db.lag.settle();
    const recorder = recordCalls(h.db.doc);
    try {
      const categories = await anonymous.products.categories();
      const names = categories.map((c) => c.category);
      expect(names).toEqual([...names].sort());
      expect(recorder.calls.map((c) => c.command)).toEqual(['GetItemCommand']);
    } finally {
      recorder.stop();
    }
  });
});

describe('products.adjustStock', () => {
  it('adds and removes stock atomically and returns the product', async () => {
    const product = await admin.products.create(validProduct({ stock: 5 }));
    expect((await admin.products.adjustStock({ id: product.id, delta: 7 })).stock).toBe(12);
    expect((await admin.products.adjustStock({ id: product.id, delta: -12 })).stock).toBe(0);
  });

  it('is CONFLICT when the result would leave 0..1,000,000, and changes nothing', async () => {
    const product = await admin.products.create(validProduct({ stock: 5 }));
    await expectTRPCError(admin.products.adjustStock({ id: product.id, delta: -6 }), 'CONFLICT');
    await expectTRPCError(
      admin.products.adjustStock({ id: product.id, delta: 999_996 }),
      'CONFLICT',
    );
    expect((await anonymous.products.byId({ id: product.id })).stock).toBe(5);
  });

  it('is NOT_FOUND for an unknown product', async () => {
    await expectTRPCError(admin.products.adjustStock({ id: randomUUID(), delta: 1 }), 'NOT_FOUND');
  });

  it('is FORBIDDEN to shoppers', async () => {
    const product = await admin.products.create(validProduct());
    const { caller } = await h.userCaller();
    await expectTRPCError(caller.products.adjustStock({ id: product.id, delta: 1 }), 'FORBIDDEN');
  });

  it('never loses a change when orders race adjustments', async () => {
    const product = await admin.products.create(validProduct({ stock: 50 }));
    const shoppers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const { caller } = await h.userCaller();
        const address = await caller.addresses.create(validAddress());
        return { caller, address };
      }),
    );
    const orders = shoppers.map(({ caller, address }) =>
      caller.orders.create({
        items: [{ productId: product.id, quantity: 2 }],
        shippingAddressId: address.id,
      }),
    );
    const adjustments = [5, -3, 8, -4, 6, -2, 7, -1].map((delta) =>
      admin.products.adjustStock({ id: product.id, delta }),
    );
    const results = await Promise.allSettled([...orders, ...adjustments]);
    const placed = results.slice(0, 10).filter((r) => r.status === 'fulfilled').length;
    const applied = results
      .slice(10)
      .map((r, i) => (r.status === 'fulfilled' ? [5, -3, 8, -4, 6, -2, 7, -1][i]! : 0))
      .reduce((sum, d) => sum + d, 0);
    // Every failure must be a contract error (throttled after retries), never a lost update.
    for (const r of results) {
      if (r.status === 'rejected') {
        expect((r.reason as { code?: string }).code).toBe('TOO_MANY_REQUESTS');
      }
    }
    const stock = (await anonymous.products.byId({ id: product.id })).stock;
    expect(stock).toBe(50 - 2 * placed + applied);
  });
});

describe('categories matched ignoring case and accents', () => {
  const countOf = async (category: string) =>
    (await anonymous.products.categories()).filter(
      (c) => c.category.toLowerCase() === category.toLowerCase(),
    );

  it('files a product under "kitchen" into the existing "Kitchen", keeping its spelling', async () => {
    const category = `Kitchen ${unique()}`;
    const first = await admin.products.create(validProduct({ category }));
    const second = await admin.products.create(validProduct({ category: category.toLowerCase() }));
    expect(second.category).toBe(category);
    expect(await countOf(category)).toEqual([{ category, productCount: 2 }]);
    // A category listing reads category-index: let it catch up, as AWS's does after a moment.
    h.db.lag.settle();
    const listed = await anonymous.products.list({ category: category.toUpperCase() });
    expect(listed.items.map((p) => p.id).sort()).toEqual([first.id, second.id].sort());
  });

  it('ignores accents: "CAFE" joins "Café"', async () => {
    const suffix = unique();
    const category = `Café ${suffix}`;
    await admin.products.create(validProduct({ category }));
    const joined = await admin.products.create(validProduct({ category: `CAFE ${suffix}` }));
    expect(joined.category).toBe(category);
  });

  it('moves a product updated into another spelling of a category into that category', async () => {
    const category = `Garden ${unique()}`;
    await admin.products.create(validProduct({ category }));
    const other = await admin.products.create(validProduct());
    const moved = await admin.products.update({ id: other.id, category: category.toUpperCase() });
    expect(moved.category).toBe(category);
    expect((await admin.products.byId({ id: other.id })).category).toBe(category);
    expect(await countOf(category)).toEqual([{ category, productCount: 2 }]);
  });

  it('makes one category of two spellings created at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const category = `Tools ${unique()}`;
      const created = await Promise.all([
        admin.products.create(validProduct({ category })),
        admin.products.create(validProduct({ category: category.toLowerCase() })),
      ]);
      expect(new Set(created.map((p) => p.category)).size, `round ${round}`).toBe(1);
      expect(await countOf(category), `round ${round}`).toEqual([
        { category: created[0].category, productCount: 2 },
      ]);
    }
  });
});

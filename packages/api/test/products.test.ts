import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '@shop/testing';
import { expectTRPCError, useHarness, validProduct, type Caller } from './support/harness.ts';

let shopper: Caller;
/** The services' time: it stands still until a test advances it. */
const clock = createTestClock();

/** Every product this file has created and not deleted: the tables are ours alone. */
const live = new Set<string>();

const { h, admin, anonymous } = useHarness({ clock });

beforeAll(async () => {
  shopper = (await h.userCaller()).caller;
});

async function createProduct(overrides: Record<string, unknown> = {}) {
  const product = await admin.products.create(validProduct(overrides));
  live.add(product.id);
  return product;
}

async function deleteProduct(id: string) {
  await admin.products.delete({ id });
  live.delete(id);
}

/** Follows `nextCursor` to the end; fails rather than loop for ever. */
async function pageThrough(input: { category?: string; limit: number }) {
  // The catalogue is read from GSIs: eventually consistent, as on AWS.
  h.db.lag.settle();
  const seen = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await anonymous.products.list({ ...input, cursor });
    expect(page.items.length).toBeLessThanOrEqual(input.limit);
    seen.push(...page.items);
    if (page.nextCursor === null) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end after 100 pages');
}

describe('products.list', () => {
  it('pages through the whole catalogue with limit 1, each product exactly once', async () => {
    await createProduct();
    await createProduct({ category: 'garden' });
    await createProduct({ category: 'garden' });
    const seen = await pageThrough({ limit: 1 });
    const ids = seen.map((p) => p.id);
    expect(ids).toHaveLength(live.size);
    expect(new Set(ids)).toEqual(live);
    // The `#categories` row shares the table but never takes a place on a page.
    const whole = await anonymous.products.list({ limit: live.size });
    expect(new Set(whole.items.map((p) => p.id))).toEqual(live);
  });

  it('returns pages of 20 by default', async () => {
    while (live.size <= 20) await createProduct();
    h.db.lag.settle();
    const page = await anonymous.products.list();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it('lists only the given category, alphabetically by name, with limit 1 exactly once', async () => {
    const category = `kitchen-${randomUUID().slice(0, 8)}`;
    for (const name of ['Banana slicer', 'Apple corer', 'Cherry pitter']) {
      await createProduct({ name, category });
    }
    await createProduct({ name: 'Aardvark', category: `other-${randomUUID().slice(0, 8)}` });

    const seen = await pageThrough({ category, limit: 1 });
    expect(seen.map((p) => p.name)).toEqual(['Apple corer', 'Banana slicer', 'Cherry pitter']);
    expect(seen.every((p) => p.category === category)).toBe(true);
    expect(new Set(seen.map((p) => p.id)).size).toBe(3);

    const all = await anonymous.products.list({ category, limit: 100 });
    expect(all.items.map((p) => p.name)).toEqual(['Apple corer', 'Banana slicer', 'Cherry pitter']);
    expect(all.nextCursor).toBeNull();
  });

  it('returns an empty page for a category with no products', async () => {
    const page = await anonymous.products.list({ category: `empty-${randomUUID()}` });
    expect(page).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a tampered cursor as BAD_REQUEST', async () => {
    await createProduct();
    await createProduct();
    const first = await anonymous.products.list({ limit: 1 });
    expect(first.nextCursor).not.toBeNull();
    const cursor = first.nextCursor ?? '';
    const [payload = '', mac = ''] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ id: randomUUID() })).toString('base64url');

    await expectTRPCError(anonymous.products.list({ cursor: `${forged}.${mac}` }), 'BAD_REQUEST');
    await expectTRPCError(anonymous.products.list({ cursor: `${payload}.AAAA` }), 'BAD_REQUEST');
    await expectTRPCError(anonymous.products.list({ cursor: 'not-a-cursor' }), 'BAD_REQUEST');
    await expectTRPCError(anonymous.products.list({ cursor: `${cursor}.x` }), 'BAD_REQUEST');
  });

  it('refuses a cursor taken from another listing as BAD_REQUEST', async () => {
    const category = `tools-${randomUUID().slice(0, 8)}`;
    await createProduct({ category });
    await createProduct({ category });
    const scanCursor = (await anonymous.products.list({ limit: 1 })).nextCursor;
    const categoryCursor = (await anonymous.products.list({ category, limit: 1 })).nextCursor;
    expect(scanCursor).not.toBeNull();
    expect(categoryCursor).not.toBeNull();

    await expectTRPCError(
      anonymous.products.list({ category, cursor: scanCursor ?? '' }),
      'BAD_REQUEST',
    );
    await expectTRPCError(
      anonymous.products.list({ category: 'elsewhere', cursor: categoryCursor ?? '' }),
      'BAD_REQUEST',
    );
  });

  it.each([0, 101])('refuses limit %i as BAD_REQUEST', async (limit) => {
    await expectTRPCError(anonymous.products.list({ limit }), 'BAD_REQUEST');
  });
});

describe('products.byId', () => {
  it('returns the product to anyone', async () => {
    const product = await createProduct();
    expect(await anonymous.products.byId({ id: product.id })).toEqual(product);
    expect(await shopper.products.byId({ id: product.id })).toEqual(product);
  });

  it('is NOT_FOUND for an unknown id', async () => {
    await expectTRPCError(anonymous.products.byId({ id: randomUUID() }), 'NOT_FOUND');
  });
});

describe('products.create', () => {
  it('creates a product with an id, timestamps and no image by default', async () => {
    const input = validProduct({ price: 4999, stock: 7 });
    const product = await createProduct(input);
    expect(product).toEqual({
      ...input,
      id: expect.any(String) as string,
      imageUrl: null,
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    expect(await anonymous.products.byId({ id: product.id })).toEqual(product);
  });

  it('keeps an https image URL', async () => {
    const imageUrl = 'https://images.example.com/widget.png';
    const product = await createProduct({ imageUrl });
    expect(product.imageUrl).toBe(imageUrl);
    expect((await anonymous.products.byId({ id: product.id })).imageUrl).toBe(imageUrl);
  });

  it('gives every product its own id', async () => {
    const input = validProduct();
    const a = await createProduct(input);
    const b = await createProduct(input);
    expect(a.id).not.toBe(b.id);
  });
});

describe('products.update', () => {
  it('changes the given fields and updatedAt, keeping the rest', async () => {
    const product = await createProduct({ price: 1000, stock: 5 });
    const later = clock.advance(60_000).toISOString();
    const updated = await admin.products.update({
      id: product.id,
      name: 'Renamed widget',
      price: 1500,
    });
    expect(updated).toEqual({
      ...product,
      name: 'Renamed widget',
      price: 1500,
      updatedAt: later,
    });
    expect(await anonymous.products.byId({ id: product.id })).toEqual(updated);
  });

  it('keeps every other field on a partial update', async () => {
    const product = await createProduct({ imageUrl: 'https://example.com/a.png' });
    const updated = await admin.products.update({ id: product.id, price: 1 });
    expect(updated).toEqual({ ...product, price: 1, updatedAt: updated.updatedAt });
  });

  it('sets an image URL and clears it with null', async () => {
    const product = await createProduct();
    const imageUrl = 'https://cdn.example.com/p/1.jpg';
    const withImage = await admin.products.update({ id: product.id, imageUrl });
    expect(withImage.imageUrl).toBe(imageUrl);
    expect((await anonymous.products.byId({ id: product.id })).imageUrl).toBe(imageUrl);

    const cleared = await admin.products.update({ id: product.id, imageUrl: null });
    expect(cleared.imageUrl).toBeNull();
    expect(await anonymous.products.byId({ id: product.id })).toEqual(cleared);
  });

  it('moves a product to another category listing', async () => {
    const from = `from-${randomUUID().slice(0, 8)}`;
    const to = `to-${randomUUID().slice(0, 8)}`;
    const product = await createProduct({ category: from });
    h.db.lag.settle();
    await admin.products.update({ id: product.id, category: to });
    // Right after the move the listings still show it where it was (the index lags, as on AWS).
    expect((await anonymous.products.list({ category: from })).items.map((p) => p.id)).toEqual([
      product.id,
    ]);
    h.db.lag.settle();
    expect((await anonymous.products.list({ category: from })).items).toEqual([]);
    expect((await anonymous.products.list({ category: to })).items.map((p) => p.id)).toEqual([
      product.id,
    ]);
  });

  it('is NOT_FOUND for an unknown id and creates nothing', async () => {
    const id = randomUUID();
    await expectTRPCError(admin.products.update({ id, name: 'Ghost' }), 'NOT_FOUND');
    await expectTRPCError(anonymous.products.byId({ id }), 'NOT_FOUND');
  });
});

describe('products.delete', () => {
  it('deletes the product, which is then NOT_FOUND and gone from the list', async () => {
    const product = await createProduct();
    expect(await admin.products.delete({ id: product.id })).toEqual({ id: product.id });
    live.delete(product.id);
    await expectTRPCError(anonymous.products.byId({ id: product.id }), 'NOT_FOUND');
    const all = await pageThrough({ limit: 100 });
    expect(all.map((p) => p.id)).not.toContain(product.id);
    await expectTRPCError(admin.products.delete({ id: product.id }), 'NOT_FOUND');
  });

  it('is NOT_FOUND for an unknown id', async () => {
    await expectTRPCError(admin.products.delete({ id: randomUUID() }), 'NOT_FOUND');
  });
});

describe('admin procedures', () => {
  const callers = [
    ['a shopper', 'FORBIDDEN', () => shopper],
    ['an anonymous caller', 'UNAUTHORIZED', () => anonymous],
  ] as const;

  it.each(callers)('refuse create to %s (%s) and write nothing', async (_who, code, caller) => {
    const input = validProduct();
    const before = await pageThrough({ limit: 100 });
    await expectTRPCError(caller().products.create(input), code);
    const after = await pageThrough({ limit: 100 });
    expect(after).toHaveLength(before.length);
    expect((await anonymous.products.list({ category: input.category })).items).toEqual([]);
  });

  it.each(callers)('refuse update to %s (%s) and write nothing', async (_who, code, caller) => {
    const product = await createProduct();
    await expectTRPCError(
      caller().products.update({ id: product.id, price: 1, imageUrl: null }),
      code,
    );
    expect(await anonymous.products.byId({ id: product.id })).toEqual(product);
  });

  it.each(callers)('refuse delete to %s (%s) and write nothing', async (_who, code, caller) => {
    const product = await createProduct();
    await expectTRPCError(caller().products.delete({ id: product.id }), code);
    expect(await anonymous.products.byId({ id: product.id })).toEqual(product);
  });
});

describe('products.list after changes', () => {
  it('still lists every remaining product exactly once after creates, updates and deletes', async () => {
    const product = await createProduct();
    await deleteProduct(product.id);
    const seen = await pageThrough({ limit: 1 });
    expect(seen).toHaveLength(live.size);
    expect(new Set(seen.map((p) => p.id))).toEqual(live);
  });
});

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@shop/core';
import { jsonEvent, lambdaContext } from '@shop/testing';
import { createHandler } from '../src/app.ts';
import { expectTRPCError, useHarness, validProduct } from './support/harness.ts';

/**
 * Issue 18, cases 4 and 5: index keys DynamoDB would refuse (a folded name or query that is empty
 * or over 1,024 bytes) are BAD_REQUEST before anything is sent, and imageUrl keeps the text rules
 * and is stored normalized. Each refusal leaves the Products table as it was.
 */
const { h, admin } = useHarness();
let handler: ReturnType<typeof createHandler>;

beforeAll(() => {
  handler = createHandler(h.deps, { error: () => undefined, info: () => undefined });
});

/** Every row of the Products table, bookkeeping rows included. */
async function productRows() {
  const { Items = [] } = await h.db.doc.send(
    new ScanCommand({ TableName: h.db.tables.Products, ConsistentRead: true }),
  );
  return Items;
}

async function search(query: string) {
  const result = await handler(
    jsonEvent({
      method: 'GET',
      path: '/products.search',
      query: { input: JSON.stringify({ query }) },
    }),
    lambdaContext(),
  );
  const body = JSON.parse(result.body ?? '{}') as { error?: { message: string } };
  return { status: result.statusCode, message: body.error?.message };
}

describe('folded search keys', () => {
  it('answers products.search 400, never 500, for a query that folds to nothing or too much', async () => {
    for (const query of ['\u0301', '\u0301\u0302', '\uFDFA'.repeat(100), '\u3300'.repeat(100)]) {
      const answer = await search(query);
      expect(answer.status).toBe(400);
      expect(answer.message).toMatch(/^query: /);
    }
    expect((await search('lamp')).status).toBe(200);
  });

  it('refuses such a name on products.create and products.update, writing nothing', async () => {
    const before = await productRows();
    for (const name of ['\u3300'.repeat(200), '\u0301\u0302\u0303']) {
      await expectTRPCError(admin.products.create(validProduct({ name })), 'BAD_REQUEST');
    }
    expect(await productRows()).toEqual(before);

    const product = await admin.products.create(validProduct());
    const kept = await productRows();
    for (const name of ['\u3300'.repeat(200), '\u0301']) {
      await expectTRPCError(admin.products.update({ id: product.id, name }), 'BAD_REQUEST');
    }
    expect(await productRows()).toEqual(kept);
  });

  it('checks every index key in the store too, before the write is sent', async () => {
    const before = await productRows();
    // Past the input schema: the store's own check refuses the key.
    await expect(
      h.db.services.products.create({ ...validProduct(), name: '\u3300'.repeat(200) }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      h.db.services.products.create({ ...validProduct(), category: 'x'.repeat(2049) }),
    ).rejects.toThrow('category is 2049 bytes, at most 2048');
    expect(await productRows()).toEqual(before);
  });
});

describe('imageUrl', () => {
  it('refuses control and bidi-override characters, writing nothing', async () => {
    const before = await productRows();
    for (const imageUrl of [
      'https://cdn.example.com/a\u0000.png',
      'https://cdn.example.com/a\u007f.png',
      'https://cdn.example.com/\u202egnp.exe',
    ]) {
      await expectTRPCError(admin.products.create(validProduct({ imageUrl })), 'BAD_REQUEST');
    }
    expect(await productRows()).toEqual(before);
  });

  it('stores the normalized URL', async () => {
    const product = await admin.products.create(
      validProduct({ imageUrl: 'https:evil.example/x"<y>' }),
    );
    expect(product.imageUrl).toBe('https://evil.example/x%22%3Cy%3E');
    const stored = await h.db.services.products.byId(product.id);
    expect(stored.imageUrl).toBe('https://evil.example/x%22%3Cy%3E');
    const updated = await admin.products.update({
      id: product.id,
      imageUrl: 'HTTPS://CDN.EXAMPLE.COM/a b.png',
    });
    expect(updated.imageUrl).toBe('https://cdn.example.com/a%20b.png');
  });
});

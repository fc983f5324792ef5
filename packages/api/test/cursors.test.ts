import { randomUUID } from 'node:crypto';
import { createCursorCodec } from '@shop/core';
import { TEST_CURSOR_SECRET } from '@shop/testing/vitest';
import { describe, expect, it } from 'vitest';
import { useHarness, expectTRPCError, validAddress, validProduct } from './support/harness.ts';

/**
 * An attacker who knows the signing key (a leaked secret, an insider) can sign any start key. The
 * decoded key must still have the exact shape of its listing's key and the caller's partition
 * value, or the listing refuses it as BAD_REQUEST before DynamoDB sees it (never a 500).
 */
const forge = (key: Record<string, unknown>, scope: string) =>
  createCursorCodec(TEST_CURSOR_SECRET).encode(key, scope)!;

const { h } = useHarness();

describe('a cursor signed with the right key', () => {
  it('is refused when its start key has the wrong attributes for orders.list', async () => {
    const { caller, user } = await h.userCaller();
    const scope = `${h.db.tables.Orders}/userId-index/${user.id}/`;
    const forged = [
      { id: 'x' },
      { id: 'x', userId: user.id },
      { id: 'x', userId: user.id, orderDate: 7 },
      { id: 'x', userId: user.id, orderDate: '2030-01-01', extra: 'y' },
      { id: '', userId: user.id, orderDate: '2030-01-01' },
    ];
    for (const key of forged) {
      await expectTRPCError(caller.orders.list({ cursor: forge(key, scope) }), 'BAD_REQUEST');
    }
  });

  it("is refused when it points into another user's orders", async () => {
    const { caller: victim, user } = await h.userCaller();
    const product = await (await h.adminCaller()).caller.products.create(validProduct());
    const address = await victim.addresses.create(validAddress());
    await victim.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    const { caller: attacker, user: me } = await h.userCaller();
    // Signed for the attacker's own listing, but with the victim's partition value.
    const cursor = forge(
      { id: randomUUID(), userId: user.id, orderDate: '2999-01-01T00:00:00.000Z' },
      `${h.db.tables.Orders}/userId-index/${me.id}/`,
    );
    await expectTRPCError(attacker.orders.list({ cursor }), 'BAD_REQUEST');
  });

  it('is refused on products.list for a category and for the whole catalogue', async () => {
    const anonymous = h.anonymousCaller();
    const category = `c-${randomUUID().slice(0, 8)}`;
    const byCategory = forge(
      { id: 'x', category: 'other', nameKey: 'a' },
      `${h.db.tables.Products}/category-index/${category}/`,
    );
    await expectTRPCError(anonymous.products.list({ category, cursor: byCategory }), 'BAD_REQUEST');
    // The whole catalogue is a Scan of category-index: its keys are id, category and nameKey.
    for (const key of [{ id: 'x' }, { id: 'x', category: 'y' }]) {
      const scan = forge(key, `${h.db.tables.Products}/category-index/scan`);
      await expectTRPCError(anonymous.products.list({ cursor: scan }), 'BAD_REQUEST');
    }
  });

  it('is accepted when it is exactly a key of the listing (the control case)', async () => {
    const anonymous = h.anonymousCaller();
    const cursor = forge(
      { id: 'x', category: 'y', nameKey: 'a' },
      `${h.db.tables.Products}/category-index/scan`,
    );
    expect((await anonymous.products.list({ cursor })).items).toBeInstanceOf(Array);
  });
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createTestClock, recordCalls } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness, validAddress, validProduct } from './support/harness.ts';

// Every order of this file is placed at a distinct, increasing time, so "newest first" is exact.
const clock = createTestClock('2030-01-01T00:00:00.000Z');

const { h, admin } = useHarness({ clock });

async function placeOrders(count: number) {
  const product = await admin.products.create(validProduct({ stock: 1000 }));
  const { caller } = await h.userCaller();
  const address = await caller.addresses.create(validAddress());
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    clock.advance(1000);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    ids.push(order.id);
  }
  return { caller, address, ids };
}

async function pageThrough(input: { status?: 'PENDING' | 'PAID'; limit: number }) {
  const seen: { id: string; status: string; orderDate: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await admin.orders.adminList({ ...input, cursor });
    seen.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

describe('orders.adminList', () => {
  it('pages every order of one status newest first from the status index', async () => {
    const { ids } = await placeOrders(5);
    await admin.orders.updateStatus({ id: ids[1]!, status: 'PAID' });
    await admin.orders.updateStatus({ id: ids[3]!, status: 'PAID' });

    // The admin queue reads status-index: eventually consistent, as on AWS.
    h.db.lag.settle();
    const recorder = recordCalls(h.db.doc);
    try {
      const paid = await pageThrough({ status: 'PAID', limit: 1 });
      expect(paid.map((o) => o.id).filter((id) => ids.includes(id))).toEqual([ids[3], ids[1]]);
      // Every data read is a Query of status-index (the caller's account check reads Users by key).
      for (const call of recorder.calls.filter((c) => c.input.TableName !== h.db.tables.Users)) {
        expect(call.command).toBe('QueryCommand');
        expect(call.input.IndexName).toBe('status-index');
      }
    } finally {
      recorder.stop();
    }
  });

  it('merges all statuses newest first, each order exactly once, without a scan', async () => {
    const { ids } = await placeOrders(7);
    await admin.orders.updateStatus({ id: ids[2]!, status: 'PAID' });
    await admin.orders.updateStatus({ id: ids[2]!, status: 'SHIPPED' });
    await admin.orders.updateStatus({ id: ids[5]!, status: 'CANCELLED' });

    // The admin queue reads status-index: eventually consistent, as on AWS.
    h.db.lag.settle();
    const recorder = recordCalls(h.db.doc);
    try {
      const all = await pageThrough({ limit: 3 });
      const dates = all.map((o) => o.orderDate);
      expect(dates).toEqual([...dates].sort().reverse());
      expect(new Set(all.map((o) => o.id)).size).toBe(all.length);
      expect(all.map((o) => o.id).filter((id) => ids.includes(id))).toEqual([...ids].reverse());
      const dataReads = recorder.calls.filter((c) => c.input.TableName !== h.db.tables.Users);
      expect(dataReads.every((c) => c.command === 'QueryCommand')).toBe(true);
    } finally {
      recorder.stop();
    }
  });

  it('refuses a cursor from the merged listing on a status listing', async () => {
    await placeOrders(3);
    const page = await admin.orders.adminList({ limit: 1 });
    await expectTRPCError(
      admin.orders.adminList({ status: 'PENDING', cursor: page.nextCursor! }),
      'BAD_REQUEST',
    );
  });

  it('is FORBIDDEN to shoppers and UNAUTHORIZED without a token', async () => {
    const { caller } = await h.userCaller();
    await expectTRPCError(caller.orders.adminList({}), 'FORBIDDEN');
    await expectTRPCError(h.anonymousCaller().orders.adminList({}), 'UNAUTHORIZED');
  });
});

describe('the shipping address of an order', () => {
  it('is a copy: editing or deleting the address never changes a placed order', async () => {
    const { caller, address, ids } = await placeOrders(1);
    const placed = await caller.orders.byId({ id: ids[0]! });
    expect(placed.shippingAddress).toEqual({
      recipientName: address.recipientName,
      street: address.street,
      city: address.city,
      state: address.state,
      zipCode: address.zipCode,
      country: address.country,
    });

    await caller.addresses.update({ id: address.id, street: '2 Elsewhere Road', city: 'Gotham' });
    expect((await caller.orders.byId({ id: ids[0]! })).shippingAddress).toEqual(
      placed.shippingAddress,
    );
    await caller.addresses.delete({ id: address.id });
    expect(await caller.orders.byId({ id: ids[0]! })).toEqual(placed);
  });

  it('reads as empty fields on an order written before snapshots existed', async () => {
    const { caller } = await h.userCaller();
    const me = await caller.users.me();
    const id = randomUUID();
    const now = clock.now().toISOString();
    await h.db.doc.send(
      new PutCommand({
        TableName: h.db.tables.Orders,
        Item: {
          id,
          userId: me.id,
          orderDate: now,
          status: 'PENDING',
          totalAmount: 0,
          shippingAddressId: randomUUID(),
          createdAt: now,
          updatedAt: now,
          lines: [],
        },
      }),
    );
    const order = await caller.orders.byId({ id });
    expect(order.shippingAddress).toEqual({
      recipientName: '',
      street: '',
      city: '',
      state: '',
      zipCode: '',
      country: '',
    });
  });
});

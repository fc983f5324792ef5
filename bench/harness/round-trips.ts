/**
 * DynamoDB round trips per procedure: an SDK middleware records every call; calls that overlap
 * count as one sequential round trip (`orders.byId` reads the order and its items in parallel).
 */
import { createDocumentClient, createServices, tableNamesFor, type Product } from '@shop/core';
import { createCaller, createContextInner, type Deps } from '@shop/api';
import { PREFIX } from '../common.ts';

export interface RoundTrips {
  calls: number;
  sequential: number;
  commands: string[];
}
export type RoundTripsResult = Record<string, RoundTrips>;

type Next = (args: unknown) => Promise<{ output: unknown; response: unknown }>;

export async function countRoundTrips(
  endpoint: string,
  product: Product,
): Promise<RoundTripsResult> {
  const doc = createDocumentClient({ region: 'us-east-1', endpoint, maxAttempts: 1 });
  let calls: { name: string; start: number; end: number }[] = [];
  doc.middlewareStack.add(
    ((next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const call = { name: String(context.commandName), start: performance.now(), end: 0 };
      calls.push(call);
      try {
        return await next(args);
      } finally {
        call.end = performance.now();
      }
    }) as never,
    { step: 'initialize', name: 'benchCountCalls' },
  );
  const services = createServices({
    doc,
    tables: tableNamesFor(PREFIX),
    cursorSecret: 'x'.repeat(32),
  });
  const deps: Deps = {
    config: { stage: 'bench', isLocal: false, version: 'bench' },
    services,
    verifier: { verify: () => Promise.reject(new Error('unused')) },
  };
  const user = { id: `rt-${Date.now()}`, username: 'rt', groups: [], isAdmin: false };
  const now = new Date().toISOString();
  await services.repos.users.create({
    id: user.id,
    email: 'rt@example.com',
    firstName: 'R',
    lastName: 'T',
    createdAt: now,
    updatedAt: now,
  });
  const caller = createCaller(createContextInner({ user, deps }));
  const anon = createCaller(createContextInner({ user: null, deps }));
  const address = await caller.addresses.create({
    street: '1 Main St',
    city: 'X',
    state: '',
    zipCode: '1',
    country: 'US',
  });
  const line = { items: [{ productId: product.id, quantity: 1 }], shippingAddressId: address.id };
  const order = await caller.orders.create(line);
  const second = await caller.orders.create(line);

  const measure = async (name: string, run: () => Promise<unknown>) => {
    calls = [];
    await run();
    let sequential = 0;
    let levelEnd = -Infinity;
    for (const call of [...calls].sort((a, b) => a.start - b.start)) {
      if (call.start >= levelEnd) {
        sequential++;
        levelEnd = call.end;
      } else levelEnd = Math.max(levelEnd, call.end);
    }
    return [name, { calls: calls.length, sequential, commands: calls.map((c) => c.name) }] as const;
  };
  return Object.fromEntries([
    await measure('products.list', () => anon.products.list({ limit: 20 })),
    await measure('products.byId', () => anon.products.byId({ id: product.id })),
    await measure('users.me', () => caller.users.me()),
    await measure('addresses.list', () => caller.addresses.list()),
    await measure('orders.byId', () => caller.orders.byId({ id: order.id })),
    await measure('orders.list', () => caller.orders.list({ limit: 20 })),
    await measure('orders.create', () => caller.orders.create(line)),
    await measure('orders.cancel', () => caller.orders.cancel({ id: second.id })),
  ]);
}

/**
 * Warm overhead: in-process invocations with the DocumentClient's `send` answered in-process, so
 * the figure is everything but the data store.
 */
import { createDocumentClient, createServices, tableNamesFor, type Product } from '@shop/core';
import { createHandler, type Deps } from '@shop/api';
import { jsonEvent } from '@shop/testing';
import { createBareHandler } from '../baselines/bare.ts';
import { createHonoHandler } from '../baselines/hono.ts';
import { PREFIX, round, type PerVariant } from '../common.ts';
import { answerInProcess } from '../fake-dynamo.ts';

/** µs per invocation; `null` where the variant has no such procedure. */
export type WarmResult = Record<string, PerVariant<number | null>>;

export async function measureWarmOverhead(
  product: Product,
  iterations: number,
): Promise<WarmResult> {
  // Imported here, not at the top: it builds its clients at import, from the environment.
  const { createTypicalTrpcHandler } = await import('../baselines/typical-trpc.ts');
  const user = { id: 'bench-user', username: 'bench-user', groups: [], isAdmin: false };
  const address = {
    id: 'bench-address',
    userId: user.id,
    street: '1 Main St',
    city: 'X',
    state: '',
    zipCode: '1',
    country: 'US',
    isDefault: true,
  };
  const fakeDoc = () =>
    answerInProcess(createDocumentClient({ region: 'us-east-1', maxAttempts: 1 }), [
      product,
      address,
    ]);
  const deps: Deps = {
    config: { stage: 'bench', isLocal: false, version: 'bench' },
    services: createServices({
      doc: fakeDoc(),
      tables: tableNamesFor(PREFIX),
      cursorSecret: 'x'.repeat(32),
    }),
    // Token verification is measured by aws-jwt-verify's own benchmarks; here only the plumbing.
    verifier: { verify: () => Promise.resolve(user) },
  };
  const quiet = { error: () => undefined, info: () => undefined };
  const table = `${PREFIX}Products`;
  const shop = createHandler(deps, quiet);
  const bare = createBareHandler(fakeDoc(), table);
  const hono = createHonoHandler(fakeDoc(), table);
  const typical = createTypicalTrpcHandler(fakeDoc(), table, {
    verify: () => Promise.resolve({ sub: user.id }),
  });
  const context = { awsRequestId: 'warm' } as never;
  const time = async (invoke: () => Promise<unknown>) => {
    for (let i = 0; i < Math.min(500, iterations); i++) await invoke();
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await invoke();
    return round(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  };
  const byId = jsonEvent({
    method: 'GET',
    path: '/products.byId',
    query: { input: JSON.stringify({ id: product.id }) },
  });
  const order = jsonEvent({
    method: 'POST',
    path: '/orders.create',
    body: JSON.stringify({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    }),
    headers: { authorization: 'Bearer bench-token' },
  });
  // Interleaved rounds, so noise from other processes spreads over all variants.
  const rounds = 3;
  const byIdTimes: PerVariant<number[]> = { shop: [], bare: [], hono: [], 'typical-trpc': [] };
  for (let r = 0; r < rounds; r++) {
    byIdTimes.shop.push(await time(() => shop(byId, context)));
    byIdTimes.bare.push(await time(() => bare(byId)));
    byIdTimes.hono.push(await time(() => hono(byId as never, context)));
    byIdTimes['typical-trpc'].push(await time(() => typical(byId, context)));
  }
  const best = (values: number[]) => Math.min(...values);
  return {
    'products.byId': {
      shop: best(byIdTimes.shop),
      bare: best(byIdTimes.bare),
      hono: best(byIdTimes.hono),
      'typical-trpc': best(byIdTimes['typical-trpc']),
    },
    'orders.create': {
      shop: await time(() => shop(order, context)),
      bare: null,
      hono: null,
      'typical-trpc': null,
    },
  };
}

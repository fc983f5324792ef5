import { build } from 'esbuild';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter as ServerRouter } from '@shop/api';
import { MAX_BATCH_SIZE } from '@shop/api';
// The built package (dist/), as an app imports it.
import {
  createShopClient,
  MAX_BATCH_ITEMS,
  type AppRouter,
  type RouterInputs,
  type RouterOutputs,
  type ShopClientError,
} from '@shop/client';

describe('@shop/client', () => {
  it('never batches more calls than the server accepts', () => {
    expect(MAX_BATCH_ITEMS).toBe(MAX_BATCH_SIZE);
  });

  it('ships router types identical to the server router (regenerated on build)', () => {
    expectTypeOf<RouterInputs>().toEqualTypeOf<inferRouterInputs<ServerRouter>>();
    expectTypeOf<RouterOutputs>().toEqualTypeOf<inferRouterOutputs<ServerRouter>>();
    expectTypeOf<AppRouter['_def']['_config']['$types']['errorShape']>().toEqualTypeOf<
      ServerRouter['_def']['_config']['$types']['errorShape']
    >();
    expectTypeOf<NonNullable<ShopClientError['data']>['validation']>().toEqualTypeOf<
      { path: (string | number)[]; message: string }[] | undefined
    >();
  });

  it('infers inputs and outputs from the router', () => {
    expectTypeOf<RouterInputs['orders']['create']>().toMatchObjectType<{
      items: { productId: string; quantity: number }[];
      shippingAddressId: string;
      idempotencyKey?: string | undefined;
    }>();
    expectTypeOf<
      RouterOutputs['products']['list']['items'][number]['price']
    >().toEqualTypeOf<number>();
    expectTypeOf<RouterOutputs['products']['list']['nextCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<
      RouterOutputs['orders']['byId']['items'][number]['productName']
    >().toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs['users']['login']['tokenType']>().toEqualTypeOf<'Bearer'>();

    const client = createShopClient({ url: 'http://127.0.0.1:1' });
    expectTypeOf(client.products.byId.query).parameter(0).toEqualTypeOf<{ id: string }>();
    // @ts-expect-error: a procedure that does not exist
    void client.products.nope;
    const badLine = { productId: 'p', quantity: '1' };
    // @ts-expect-error: quantity must be a number
    void (() => client.orders.create.mutate({ items: [badLine], shippingAddressId: 'a' }));
  });

  it('sends the bearer token from getToken', async () => {
    const seen: (string | null)[] = [];
    const client = createShopClient({
      url: 'http://shop.test',
      getToken: () => 'token-123',
      fetch: (_url, init) => {
        seen.push(new Headers(init?.headers).get('authorization'));
        return Promise.resolve(
          new Response(
            JSON.stringify([{ result: { data: { status: 'ok', version: '1', time: 'now' } } }]),
            {
              headers: { 'content-type': 'application/json' },
            },
          ),
        );
      },
    });
    await expect(client.health.query()).resolves.toMatchObject({ status: 'ok' });
    expect(seen).toEqual(['Bearer token-123']);
  });

  it('bundles for the browser without any server code', async () => {
    const result = await build({
      stdin: {
        contents: `import { createShopClient } from '@shop/client';
          const client = createShopClient({ url: 'https://api.example.com' });
          void client.products.list.query({ limit: 5 });`,
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('@trpc/client'))).toBe(true);
    expect(
      inputs.filter((path) =>
        /@aws-sdk|@shop\/(api|core)|packages\/(api|core)|zod|aws-jwt-verify/.test(path),
      ),
    ).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/DynamoDB|Cognito|TransactWriteItems/);
  });
});

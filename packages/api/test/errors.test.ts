import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, productService, type ServiceScope } from '@shop/core';
import { jsonEvent, lambdaContext } from '@shop/testing';
import { createHandler } from '../src/app.ts';
import type { Deps } from '../src/context.ts';
import { createCaller } from '../src/root.ts';
import { createContextInner } from '../src/context.ts';

// Router tests see every code through real services; this pins that the mapping does not depend
// on how a service method is written: here as arrow-function properties (own properties, no
// prototype method to wrap), throwing synchronously or rejecting.
const products = {
  byId: async (id: string): Promise<never> => {
    await Promise.resolve();
    throw new NotFoundError(`No product ${id}`);
  },
  list: (): never => {
    throw new ConflictError('Listing is busy');
  },
  categories: (): never => {
    throw new RangeError('internal detail 42');
  },
};

const deps = {
  config: { stage: 'test', isLocal: false, version: 'test' },
  // Hands out the fake for the products service only: anything else is a wiring bug here.
  services: {
    get: (wire: unknown) => {
      if (wire !== productService) throw new Error('only the products service is faked');
      return products;
    },
  } as unknown as ServiceScope,
  verifier: { verify: () => Promise.reject(new Error('no tokens here')) },
} satisfies Deps;

const logged: string[] = [];
const log = {
  error: (message: string) => logged.push(`error ${message}`),
  info: (message: string) => logged.push(`info ${message}`),
};
const handler = createHandler(deps, log);

async function call(path: string, input?: unknown, through = handler) {
  const result = await through(
    jsonEvent({
      method: 'GET',
      path: `/${path}`,
      ...(input === undefined ? {} : { query: { input: JSON.stringify(input) } }),
    }),
    lambdaContext(),
  );
  const body = JSON.parse(result.body ?? 'null') as {
    error: {
      message: string;
      data: {
        code: string;
        httpStatus: number;
        stack?: string;
        validation?: { path: (string | number)[]; message: string }[];
      };
    };
  };
  return { status: result.statusCode, error: body.error };
}

describe('domain errors, whatever shape the service method has', () => {
  it('reach the HTTP caller as their tRPC code: an async arrow property rejecting NotFoundError is 404', async () => {
    const res = await call('products.byId', { id: 'p-404' });
    expect(res.status).toBe(404);
    expect(res.error.data.code).toBe('NOT_FOUND');
    expect(res.error.message).toBe('No product p-404');
  });

  it('map a synchronous throw from an arrow property too (409), and log it as a refusal', async () => {
    logged.length = 0;
    const res = await call('products.list', {});
    expect(res.status).toBe(409);
    expect(res.error.data.code).toBe('CONFLICT');
    expect(logged).toEqual(['info request refused']);
  });

  it('leave anything else a generic 500 that says nothing of the cause', async () => {
    logged.length = 0;
    const res = await call('products.categories');
    expect(res.status).toBe(500);
    expect(res.error.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(res.error)).not.toContain('42');
    expect(res.error.data).not.toHaveProperty('stack');
    expect(logged).toEqual(['error request failed']);
  });

  it('give validation paths with array indexes as numbers', async () => {
    const res = await call('orders.quote', { items: [{ productId: 'p-1', quantity: 0 }] });
    expect(res.status).toBe(400);
    expect(res.error.data.validation?.map((v) => v.path)).toEqual([['items', 0, 'quantity']]);
  });

  it('carry no stack trace outside the local stage, also for an unknown procedure', async () => {
    const res = await call('products.nope');
    expect(res.status).toBe(404);
    expect(res.error.data).not.toHaveProperty('stack');
  });

  it('carry a stack trace in the local stage only', async () => {
    const local = createHandler({ ...deps, config: { ...deps.config, isLocal: true } }, log);
    const res = await call('products.categories', undefined, local);
    expect(res.status).toBe(500);
    expect(res.error.message).toBe('Something went wrong on our side. Please retry later.');
    expect(res.error.data.stack).toEqual(expect.stringContaining('at '));
  });

  it('map the same way for in-process callers (createCaller)', async () => {
    const caller = createCaller(createContextInner({ user: null, deps }));
    await expect(caller.products.byId({ id: 'p-1' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'No product p-1',
      cause: expect.any(NotFoundError) as unknown,
    });
  });
});

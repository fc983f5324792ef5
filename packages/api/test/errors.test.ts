import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type Services } from '@shop/core';
import { withTRPCErrors } from '../src/errors.ts';

// Router tests see every code through real procedures; this pins the wrapper's own edges.
class FakeProducts {
  readonly name = 'products';
  byId(id: string): Promise<string> {
    return id === 'gone'
      ? Promise.reject(new NotFoundError('Product not found'))
      : Promise.resolve(`${this.name}:${id}`);
  }
  check(id: string): string {
    if (id === 'taken') throw new ConflictError('Taken');
    if (id === 'boom') throw new RangeError('boom');
    return id;
  }
}

const services = () => {
  const products = new FakeProducts();
  const wrapped = withTRPCErrors({
    users: {},
    products,
    addresses: {},
    orders: {},
  } as unknown as Services).products as unknown as FakeProducts;
  return { products, wrapped };
};

describe('withTRPCErrors', () => {
  it('keeps results, `this` and fields; maps domain errors thrown sync or async; leaves others', async () => {
    const { wrapped } = services();
    expect(wrapped.name).toBe('products');
    await expect(wrapped.byId('p1')).resolves.toBe('products:p1');
    expect(wrapped.check('ok')).toBe('ok');

    const notFound = await wrapped.byId('gone').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(TRPCError);
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', message: 'Product not found' });
    expect((notFound as TRPCError).cause).toBeInstanceOf(NotFoundError);

    expect(() => wrapped.check('taken')).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'Taken' }),
    );
    expect(() => wrapped.check('boom')).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  createAddressInputSchema,
  createOrderInputSchema,
  createProductInputSchema,
  emailSchema,
  listOrdersInputSchema,
  listProductsInputSchema,
  type OrderStatus,
  orderStatusSchema,
  pageInputSchema,
  passwordSchema,
  productSchema,
  signUpInputSchema,
  updateMeInputSchema,
  updateOrderStatusInputSchema,
  updateProductInputSchema,
} from '../src/index.ts';

/**
 * Every bound of API.md "Rules the data must keep", just inside and just outside. A refusal must
 * carry an issue whose `path` names the offending field, since that is what `error.data` reports.
 */

type Path = readonly PropertyKey[];
interface Issue {
  readonly path: Path;
  readonly message: string;
}
interface Schema {
  safeParse(
    value: unknown,
  ): { success: true; data: unknown } | { success: false; error: { issues: readonly Issue[] } };
}

const chars = (n: number, c = 'a') => c.repeat(n);

/** Parses and asserts success; returns the parsed data. */
const accepted = (schema: Schema, value: unknown): unknown => {
  const result = schema.safeParse(value);
  expect(result.success ? [] : result.error.issues).toEqual([]);
  return result.success ? result.data : undefined;
};

/** Parses and asserts failure; returns the issues. */
const refused = (schema: Schema, value: unknown): readonly Issue[] => {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues;
};

/** Asserts that parsing fails with an issue at exactly `path`; returns that issue's messages. */
const refusedAt = (schema: Schema, value: unknown, path: Path): string[] => {
  const issues = refused(schema, value);
  expect(issues.map((i) => i.path)).toContainEqual(path);
  return issues
    .filter((i) => JSON.stringify(i.path) === JSON.stringify(path))
    .map((i) => i.message);
};

const signUp = { email: 'ada@example.com', password: 'Abcdef1!', firstName: 'Ada', lastName: 'L' };
const product = {
  name: 'Lamp',
  description: 'A lamp',
  price: 1999,
  imageUrl: null,
  category: 'home',
  stock: 3,
};
const storedProduct = {
  ...product,
  id: 'p1',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};
const address = { street: '1 Main St', city: 'Springfield', state: 'IL', zipCode: '62701' };
const line = (i: number, quantity = 1) => ({ productId: `p${i}`, quantity });
const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i));
const order = { items: [line(0)], shippingAddressId: 'a1' };

describe('email', () => {
  it.each(['a@b.co', 'first.last+tag@mail.example.com', "o'brien@example.ie"])(
    'accepts %s',
    (email) => {
      expect(accepted(emailSchema, email)).toBe(email);
    },
  );

  it('trims and lower-cases the address', () => {
    expect(accepted(emailSchema, ' Foo@Example.COM ')).toBe('foo@example.com');
    expect(accepted(signUpInputSchema, { ...signUp, email: ' Foo@Example.COM ' })).toMatchObject({
      email: 'foo@example.com',
    });
  });

  it.each(['', 'plainaddress', 'a@', '@b.co', 'a b@c.com', 'a..b@c.com', 'a@b@c.com'])(
    'refuses %j and names the email field',
    (email) => {
      refusedAt(signUpInputSchema, { ...signUp, email }, ['email']);
    },
  );

  // 64 + 1 + 189 = 254 characters, the longest address SMTP allows.
  const domain = (tail: number) => `${chars(63, 'b')}.${chars(63, 'c')}.${chars(tail, 'd')}.com`;
  const longest = `${chars(64)}@${domain(57)}`;

  it('accepts an address of 254 characters', () => {
    expect(longest).toHaveLength(254);
    accepted(emailSchema, longest);
  });

  it('refuses an address of 255 characters', () => {
    const tooLong = `${chars(64)}@${domain(58)}`;
    expect(tooLong).toHaveLength(255);
    refusedAt(signUpInputSchema, { ...signUp, email: tooLong }, ['email']);
  });
});

describe('password', () => {
  it('accepts 8 characters with upper case, lower case, digit and symbol', () => {
    accepted(passwordSchema, 'Abcdef1!');
  });

  it('refuses 7 characters and says so', () => {
    const messages = refusedAt(signUpInputSchema, { ...signUp, password: 'Abcde1!' }, ['password']);
    expect(messages).toEqual([expect.stringMatching(/at least 8 characters/)]);
  });

  it.each([
    ['an upper-case letter', 'abcdef1!', /upper-case letter/],
    ['a lower-case letter', 'ABCDEF1!', /lower-case letter/],
    ['a digit', 'Abcdefg!', /digit/],
    ['a symbol', 'Abcdefg1', /symbol/],
  ])('refuses a password without %s and names that rule', (_rule, password, pattern) => {
    const messages = refusedAt(signUpInputSchema, { ...signUp, password }, ['password']);
    expect(messages).toEqual([expect.stringMatching(pattern)]);
  });
});

describe('first and last names', () => {
  describe.each(['firstName', 'lastName'])('%s', (field) => {
    it.each([
      ['1 character', chars(1)],
      ['100 characters', chars(100)],
    ])('accepts %s', (_label, value) => {
      accepted(signUpInputSchema, { ...signUp, [field]: value });
      accepted(updateMeInputSchema, { [field]: value });
    });

    it.each([
      ['0 characters', ''],
      ['only spaces', '   '],
      ['101 characters', chars(101)],
    ])('refuses %s and names the field', (_label, value) => {
      refusedAt(signUpInputSchema, { ...signUp, [field]: value }, [field]);
      refusedAt(updateMeInputSchema, { [field]: value }, [field]);
    });

    it('trims surrounding spaces', () => {
      expect(accepted(updateMeInputSchema, { [field]: '  Ada  ' })).toEqual({ [field]: 'Ada' });
    });
  });
});

describe('product fields', () => {
  it.each<[string, string, unknown]>([
    ['a name of 1 character', 'name', chars(1)],
    ['a name of 200 characters', 'name', chars(200)],
    ['an empty description', 'description', ''],
    ['a description of 5000 characters', 'description', chars(5000)],
    ['a category of 1 character', 'category', chars(1)],
    ['a category of 100 characters', 'category', chars(100)],
    ['a price of 0', 'price', 0],
    ['a price of 100,000,000', 'price', 100_000_000],
    ['a stock of 0', 'stock', 0],
    ['a stock of 1,000,000', 'stock', 1_000_000],
    ['an https imageUrl', 'imageUrl', 'https://cdn.example.com/lamp.png'],
    ['a null imageUrl', 'imageUrl', null],
  ])('accepts %s', (_label, field, value) => {
    accepted(createProductInputSchema, { ...product, [field]: value });
    // Stock changes only through adjustStock; update refuses the field (see below).
    if (field !== 'stock') accepted(updateProductInputSchema, { id: 'p1', [field]: value });
    accepted(productSchema, { ...storedProduct, [field]: value });
  });

  it.each<[string, string, unknown]>([
    ['a name of 0 characters', 'name', ''],
    ['a name of 201 characters', 'name', chars(201)],
    ['a description of 5001 characters', 'description', chars(5001)],
    ['a category of 0 characters', 'category', ''],
    ['a category of 101 characters', 'category', chars(101)],
    ['a price of -1', 'price', -1],
    ['a price of 100,000,001', 'price', 100_000_001],
    ['a price of 1.5', 'price', 1.5],
    ['a price given as a string', 'price', '100'],
    ['a stock of -1', 'stock', -1],
    ['a stock of 1,000,001', 'stock', 1_000_001],
    ['a stock of 1.5', 'stock', 1.5],
    ['an http imageUrl', 'imageUrl', 'http://cdn.example.com/lamp.png'],
    ['a javascript: imageUrl', 'imageUrl', 'javascript:alert(1)'],
    ['an imageUrl that is not a URL', 'imageUrl', 'lamp.png'],
  ])('refuses %s and names the field', (_label, field, value) => {
    refusedAt(createProductInputSchema, { ...product, [field]: value }, [field]);
    if (field !== 'stock')
      refusedAt(updateProductInputSchema, { id: 'p1', [field]: value }, [field]);
    refusedAt(productSchema, { ...storedProduct, [field]: value }, [field]);
  });

  it('lets a new product leave out its imageUrl', () => {
    const { imageUrl: _omitted, ...withoutImage } = product;
    accepted(createProductInputSchema, withoutImage);
  });

  it('filters a product list by a category of 1 to 100 characters', () => {
    accepted(listProductsInputSchema, { category: chars(100) });
    refusedAt(listProductsInputSchema, { category: chars(101) }, ['category']);
    refusedAt(listProductsInputSchema, { category: '' }, ['category']);
  });
});

describe('country', () => {
  it.each(['US', 'GB', 'DE', 'JP'])('accepts the ISO code %s', (country) => {
    expect(accepted(createAddressInputSchema, { ...address, country })).toMatchObject({ country });
  });

  it.each([
    ['us', 'US'],
    [' gb ', 'GB'],
  ])('normalises %j to %s', (country, normalised) => {
    expect(accepted(createAddressInputSchema, { ...address, country })).toMatchObject({
      country: normalised,
    });
  });

  it.each([
    ['an unassigned code', 'XX'],
    ['an alpha-3 code', 'USA'],
    ['UK, whose ISO code is GB,', 'UK'],
    ['an empty string', ''],
  ])('refuses %s and names the country field', (_label, country) => {
    refusedAt(createAddressInputSchema, { ...address, country }, ['country']);
  });
});

describe('order lines', () => {
  it.each([
    ['1 line', 1],
    ['25 lines', 25],
  ])('accepts %s', (_label, n) => {
    accepted(createOrderInputSchema, { ...order, items: lines(n) });
  });

  it.each([
    ['0 lines', 0],
    ['26 lines', 26],
  ])('refuses %s and names the items field', (_label, n) => {
    refusedAt(createOrderInputSchema, { ...order, items: lines(n) }, ['items']);
  });

  it('refuses the same product on two lines and says so', () => {
    const messages = refusedAt(createOrderInputSchema, { ...order, items: [line(1), line(1, 2)] }, [
      'items',
    ]);
    expect(messages).toEqual([expect.stringMatching(/only once/)]);
  });

  it.each([1, 100])('accepts a quantity of %s', (quantity) => {
    accepted(createOrderInputSchema, { ...order, items: [line(0, quantity)] });
  });

  it.each([0, 101, 1.5, -1])('refuses a quantity of %s and names the line', (quantity) => {
    refusedAt(createOrderInputSchema, { ...order, items: [line(0, quantity)] }, [
      'items',
      0,
      'quantity',
    ]);
    refusedAt(createOrderInputSchema, { ...order, items: [line(0), line(1, quantity)] }, [
      'items',
      1,
      'quantity',
    ]);
  });
});

describe('idempotencyKey', () => {
  it('may be left out', () => {
    accepted(createOrderInputSchema, order);
  });

  it.each([8, 64])('accepts a key of %s characters', (n) => {
    accepted(createOrderInputSchema, { ...order, idempotencyKey: chars(n) });
  });

  it.each([7, 65])('refuses a key of %s characters and names the field', (n) => {
    refusedAt(createOrderInputSchema, { ...order, idempotencyKey: chars(n) }, ['idempotencyKey']);
  });
});

describe.each([
  ['pageInputSchema', pageInputSchema],
  ['listProductsInputSchema', listProductsInputSchema],
  ['listOrdersInputSchema', listOrdersInputSchema],
])('paging with %s', (_name, schema: Schema) => {
  it('accepts no limit and no cursor', () => {
    accepted(schema, {});
  });

  it.each([1, 100])('accepts a limit of %s', (limit) => {
    accepted(schema, { limit });
  });

  it.each([0, 101, 1.5, '20'])('refuses a limit of %j and names the field', (limit) => {
    refusedAt(schema, { limit }, ['limit']);
  });

  it('accepts an opaque cursor string', () => {
    accepted(schema, { limit: 20, cursor: 'eyJpZCI6InAxIn0' });
  });

  it.each([
    ['an empty cursor', ''],
    ['a cursor that is not a string', 42],
    ['a cursor over 2048 characters', chars(2049)],
  ])('refuses %s and names the field', (_label, cursor) => {
    refusedAt(schema, { cursor }, ['cursor']);
  });
});

describe('order status', () => {
  const statuses: OrderStatus[] = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

  it('has exactly the five statuses of the contract', () => {
    expect([...orderStatusSchema.options].sort()).toEqual([...statuses].sort());
    expect(Object.keys(allowedTransitions).sort()).toEqual([...statuses].sort());
  });

  it.each(statuses)('accepts %s', (status) => {
    accepted(updateOrderStatusInputSchema, { id: 'o1', status });
  });

  it.each(['pending', 'REFUNDED', ''])('refuses %j and names the status field', (status) => {
    refusedAt(updateOrderStatusInputSchema, { id: 'o1', status }, ['status']);
  });

  const contract = new Set([
    'PENDING→PAID',
    'PAID→SHIPPED',
    'SHIPPED→DELIVERED',
    'PENDING→CANCELLED',
    'PAID→CANCELLED',
  ]);
  const pairs = statuses.flatMap((from) =>
    statuses.map((to) => {
      const allowed = contract.has(`${from}→${to}`);
      return [allowed ? 'allows' : 'forbids', from, to, allowed] as const;
    }),
  );

  it.each(pairs)('%s %s → %s', (_verb, from, to, allowed) => {
    expect(allowedTransitions[from].includes(to)).toBe(allowed);
  });

  it('lists each allowed move once', () => {
    for (const from of statuses) {
      expect(new Set(allowedTransitions[from]).size).toBe(allowedTransitions[from].length);
    }
  });
});

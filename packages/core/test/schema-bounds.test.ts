import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  createAddressInputSchema,
  createOrderInputSchema,
  createProductInputSchema,
  emailSchema,
  orderStatusSchema,
  pageInputSchema,
  passwordSchema,
  signUpInputSchema,
  updateMeInputSchema,
} from '../src/index.ts';

/** Every bound of API.md "Rules the data must keep", just inside and just outside. */
const s = (n: number, c = 'a') => c.repeat(n);
const product = { name: 'Lamp', description: '', price: 100, category: 'home', stock: 1 };
const address = { street: '1 Main St', city: 'X', state: '', zipCode: '', country: 'US' };
const line = (n: number) => ({ productId: `p${n}`, quantity: 1 });
const order = { items: [line(0)], shippingAddressId: 'a1' };

type Case = [
  field: string,
  schema: {
    safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } };
  },
  base: object,
  path: (string | number)[],
  inside: unknown[],
  outside: unknown[],
];

const cases: Case[] = [
  ['first name', updateMeInputSchema, {}, ['firstName'], [s(1), s(100)], ['', '   ', s(101)]],
  ['product name', createProductInputSchema, product, ['name'], [s(1), s(200)], ['', s(201)]],
  ['description', createProductInputSchema, product, ['description'], ['', s(5000)], [s(5001)]],
  ['category', createProductInputSchema, product, ['category'], [s(1), s(100)], ['', s(101)]],
  [
    'price',
    createProductInputSchema,
    product,
    ['price'],
    [0, 100_000_000],
    [-1, 100_000_001, 1.5, '100'],
  ],
  ['stock', createProductInputSchema, product, ['stock'], [0, 1_000_000], [-1, 1_000_001, 0.5]],
  [
    'imageUrl',
    createProductInputSchema,
    product,
    ['imageUrl'],
    ['https://x.example/a.png', null],
    ['http://x.example/a.png', 'javascript:alert(1)', 'not a url'],
  ],
  [
    'country',
    createAddressInputSchema,
    address,
    ['country'],
    ['US', 'GB', 'de'],
    ['XX', 'USA', 'UK', ''],
  ],
  [
    'order lines',
    createOrderInputSchema,
    order,
    ['items'],
    [[line(0)], Array.from({ length: 25 }, (_, i) => line(i))],
    [[], Array.from({ length: 26 }, (_, i) => line(i)), [line(1), line(1)]],
  ],
  ['quantity', createOrderInputSchema, order, ['items', 0, 'quantity'], [1, 100], [0, 101, 1.5]],
  [
    'idempotencyKey',
    createOrderInputSchema,
    order,
    ['idempotencyKey'],
    [s(8), s(64)],
    [s(7), s(65)],
  ],
  ['page limit', pageInputSchema, {}, ['limit'], [1, 100], [0, 101, 2.5]],
];

const set = (base: object, path: (string | number)[], value: unknown): unknown => {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  if (path[0] === 'items' && path.length === 1) return { ...copy, items: value };
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path[path.length - 1]!] = value;
  return copy;
};

describe.each(cases)('%s', (_field, schema, base, path, inside, outside) => {
  it.each(inside.map((v) => [v]))('accepts %j', (value) => {
    expect(schema.safeParse(set(base, path, value)).success).toBe(true);
  });
  it.each(
    outside.map((v) => [typeof v === 'string' && v.length > 30 ? `${v.length} chars` : v, v]),
  )('refuses %j and names the field', (_label, value) => {
    const result = schema.safeParse(set(base, path, value));
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths.some((p) => p.startsWith(path.join('.')))).toBe(true);
  });
});

describe('email', () => {
  it('is trimmed and lower-cased', () => {
    expect(emailSchema.parse(' Ada@Example.COM ')).toBe('ada@example.com');
  });
  it.each(['not-an-email', 'a@', '@b.c', `${s(250)}@x.io`])('refuses %s', (value) => {
    expect(emailSchema.safeParse(value).success).toBe(false);
  });
});

describe('password', () => {
  it('accepts 8 characters with every class', () => {
    expect(passwordSchema.safeParse('Aa1!aaaa').success).toBe(true);
  });
  it.each([
    ['Aa1!aaa', 'at least 8 characters'],
    ['aa1!aaaa', 'upper-case letter'],
    ['AA1!AAAA', 'lower-case letter'],
    ['Aaa!aaaa', 'digit'],
    ['Aa1aaaaa', 'symbol'],
  ])('refuses %s, naming the rule (%s)', (value, rule) => {
    const result = signUpInputSchema.safeParse({
      email: 'a@b.co',
      password: value,
      firstName: 'A',
      lastName: 'B',
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([
      expect.objectContaining({
        path: ['password'],
        message: expect.stringContaining(rule) as string,
      }),
    ]);
  });
});

describe('order status', () => {
  const statuses = orderStatusSchema.options;
  const allowed = new Set([
    'PENDING>PAID',
    'PAID>SHIPPED',
    'SHIPPED>DELIVERED',
    'PENDING>CANCELLED',
    'PAID>CANCELLED',
  ]);
  it('moves only along the contract', () => {
    for (const from of statuses) {
      for (const to of statuses) {
        expect(allowedTransitions[from].includes(to), `${from} → ${to}`).toBe(
          allowed.has(`${from}>${to}`),
        );
      }
    }
  });
});

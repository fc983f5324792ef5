import { describe, expect, it } from 'vitest';
import {
  adjustStockInputSchema,
  adminListOrdersInputSchema,
  allowedTransitions,
  confirmSignUpInputSchema,
  addressRowSchema,
  createAddressInputSchema,
  createOrderInputSchema,
  createProductInputSchema,
  descriptionSchema,
  emailSchema,
  foldName,
  idSchema,
  listOrdersInputSchema,
  listProductsInputSchema,
  loginInputSchema,
  MAX_CATEGORY_LENGTH,
  MAX_CENTS,
  MAX_CITY_LENGTH,
  MAX_CONFIRMATION_CODE_LENGTH,
  MAX_CURSOR_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_EMAIL_LENGTH,
  MAX_ID_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_IMAGE_URL_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_PERSON_NAME_LENGTH,
  MAX_PRODUCT_NAME_LENGTH,
  MAX_REFRESH_TOKEN_LENGTH,
  MAX_SEARCH_QUERY_LENGTH,
  MAX_STATE_LENGTH,
  MAX_STOCK,
  MAX_STREET_LENGTH,
  MAX_ZIP_CODE_LENGTH,
  MIN_IDEMPOTENCY_KEY_LENGTH,
  MIN_PASSWORD_LENGTH,
  type OrderStatus,
  orderStatusSchema,
  pageInputSchema,
  passwordSchema,
  productSchema,
  refreshInputSchema,
  searchProductsInputSchema,
  signUpInputSchema,
  text,
  updateAddressInputSchema,
  updateMeInputSchema,
  updateOrderStatusInputSchema,
  updateProductInputSchema,
} from '../src/index.ts';

/**
 * The rules of API.md "Rules the data must keep", each tested once, here, at the schema: every
 * bound just inside and just outside, read from the schema modules' own limits. A refusal carries
 * an issue whose `path` names the offending field, since that is what `error.data.validation`
 * reports (packages/api/test/validation.test.ts checks that wiring, not the bounds again).
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
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Parses and asserts success; returns the parsed data. */
const accepted = (schema: Schema, value: unknown): unknown => {
  const result = schema.safeParse(value);
  expect(result.success ? [] : result.error.issues).toEqual([]);
  return result.success ? result.data : undefined;
};

/** Asserts that parsing fails with an issue at exactly `path`; returns that issue's messages. */
const refusedAt = (schema: Schema, value: unknown, path: Path): string[] => {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  const issues = result.success ? [] : result.error.issues;
  expect(issues.map((i) => i.path)).toContainEqual(path);
  return issues
    .filter((i) => JSON.stringify(i.path) === JSON.stringify(path))
    .map((i) => i.message);
};

/** A copy of `base` with the value at `path` replaced. */
const withValue = (base: object, path: Path, value: unknown): unknown => {
  const copy = structuredClone(base) as Record<PropertyKey, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<PropertyKey, unknown>;
  target[path[path.length - 1]!] = value;
  return copy;
};

type Case = readonly [label: string, value: unknown];

/** Strings of `min` and `max` characters are inside; one fewer and one more are outside. */
const lengths = (min: number, max: number, { blank = min > 0 } = {}) => ({
  inside: [min, max].map((n): Case => [plural(n, 'character'), chars(n)]),
  outside: [
    ...(min > 0 ? [[plural(min - 1, 'character'), chars(min - 1)] as const] : []),
    ...(blank ? [['only spaces', '   '] as const] : []),
    [`${max + 1} characters`, chars(max + 1)] as const,
  ],
});

/** Integers `min` and `max` are inside; one less, one more, a fraction and a string are outside. */
const integers = (min: number, max: number) => ({
  inside: [min, max].map((n): Case => [`${n}`, n]),
  outside: [
    [`${min - 1}`, min - 1],
    [`${max + 1}`, max + 1],
    [`${min + 0.5}`, min + 0.5],
    [`${min} given as a string`, String(min)],
  ] as const,
});

interface Bound {
  /** How the field reads in a test name. */
  field: string;
  path: Path;
  /** Every schema the field is part of, with a valid value to change the field in. */
  in: readonly (readonly [Schema, object])[];
  inside: readonly Case[];
  outside: readonly Case[];
}

/** One `describe` per field: each inside value is accepted, each outside value refused at the field. */
function testBounds(bounds: readonly Bound[]) {
  describe.each(bounds.map((bound) => [bound.field, bound] as const))(
    '%s',
    (_field, { path, in: schemas, inside, outside }) => {
      it.each(inside)('accepts %s', (_label, value) => {
        for (const [schema, base] of schemas) accepted(schema, withValue(base, path, value));
      });

      it.each(outside)('refuses %s and names the field', (_label, value) => {
        for (const [schema, base] of schemas) refusedAt(schema, withValue(base, path, value), path);
      });
    },
  );
}

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
const address = {
  street: '1 Main St',
  city: 'Springfield',
  state: 'IL',
  zipCode: '62701',
  country: 'US',
};
const line = (i: number, quantity = 1) => ({ productId: `p${i}`, quantity });
const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i));
const order = { items: [line(0)], shippingAddressId: 'a1' };

describe('text', () => {
  const singleLine = text(0, 100);
  const at = (c: string) => `a${c}b`;

  const forbidden: [string, string][] = [
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b'],
    ['a vertical tab', '\u000b'],
    ['a form feed', '\u000c'],
    ['DEL', '\u007f'],
    ['the C1 control NEL', '\u0085'],
    ['the C1 control CSI', '\u009b'],
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate', '\udc00'],
    ['a left-to-right embedding', '\u202a'],
    ['a pop directional formatting', '\u202c'],
    ['a right-to-left override', '\u202e'],
    ['a left-to-right isolate', '\u2066'],
    ['a pop directional isolate', '\u2069'],
  ];
  const lineBreaks: [string, string][] = [
    ['a line feed', '\n'],
    ['a carriage return', '\r'],
    ['a tab', '\t'],
  ];
  const kept: [string, string][] = [
    ['accented Latin', 'Café crème'],
    ['CJK', '日本語'],
    ['Hebrew, right to left by itself', 'שלום'],
    ['an emoji (a surrogate pair)', '🛒'],
    ['a zero-width-joiner emoji sequence', '👩‍💻'],
    ['a combining accent', 'e\u0301'],
    ['a no-break space', '\u00a0'],
  ];

  it.each([...forbidden, ...lineBreaks])('refuses %s inside a single-line field', (_label, c) => {
    expect(refusedAt(singleLine, at(c), [])).toEqual([expect.stringMatching(/control characters/)]);
  });

  it.each(forbidden)('refuses %s inside a description', (_label, c) => {
    refusedAt(descriptionSchema, at(c), []);
  });

  it.each(lineBreaks)('keeps %s inside a description', (_label, c) => {
    expect(accepted(descriptionSchema, at(c))).toBe(at(c));
  });

  it.each(kept)('keeps %s as it is', (_label, c) => {
    expect(accepted(singleLine, at(c))).toBe(at(c));
    expect(accepted(descriptionSchema, at(c))).toBe(at(c));
  });

  it('trims surrounding white space, then counts the characters', () => {
    expect(accepted(text(1, 3), ' \t abc \n ')).toBe('abc');
    refusedAt(text(1, 3), '   ', []);
  });

  // Every free-text input field is built with `text`: it trims and keeps the rules above.
  it.each<[string, Schema, object, string]>([
    ['a first name', updateMeInputSchema, {}, 'firstName'],
    ['a last name', signUpInputSchema, signUp, 'lastName'],
    ['a confirmation code', confirmSignUpInputSchema, { email: signUp.email }, 'code'],
    ['a product name', createProductInputSchema, product, 'name'],
    ['a category', updateProductInputSchema, { id: 'p1' }, 'category'],
    ['a search query', searchProductsInputSchema, {}, 'query'],
    ['a recipient name', createAddressInputSchema, address, 'recipientName'],
    ['a street', createAddressInputSchema, address, 'street'],
    ['a city', updateAddressInputSchema, { id: 'a1' }, 'city'],
    ['a state', createAddressInputSchema, address, 'state'],
    ['a zip code', createAddressInputSchema, address, 'zipCode'],
  ])('trims %s and keeps the rules in it', (_label, schema, base, field) => {
    expect(accepted(schema, { ...base, [field]: ' x ' })).toMatchObject({ [field]: 'x' });
    refusedAt(schema, { ...base, [field]: at('\u202e') }, [field]);
  });
});

describe('ids', () => {
  it.each([
    ['1 character', 'a'],
    [`${MAX_ID_LENGTH} characters`, chars(MAX_ID_LENGTH)],
    ['a UUID', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['letters, digits, _ and -', 'aZ09_-'],
  ])('accepts %s', (_label, id) => {
    accepted(idSchema, id);
  });

  it.each([
    ['an empty id', ''],
    [`${MAX_ID_LENGTH + 1} characters`, chars(MAX_ID_LENGTH + 1)],
    ['a space', 'has space'],
    ['a slash', 'a/b'],
    ['a hash', 'default#1'],
    ['dots', '..'],
  ])('refuses %s', (_label, id) => {
    refusedAt(idSchema, id, []);
  });

  it('names the id field of an input', () => {
    refusedAt(updateOrderStatusInputSchema, { id: 'a/b', status: 'PAID' }, ['id']);
    refusedAt(createOrderInputSchema, { ...order, shippingAddressId: '../a' }, [
      'shippingAddressId',
    ]);
    refusedAt(createOrderInputSchema, { ...order, items: [{ productId: 'a b', quantity: 1 }] }, [
      'items',
      0,
      'productId',
    ]);
  });
});

describe('paging', () => {
  const pages: (readonly [Schema, object])[] = [
    [pageInputSchema, {}],
    [listProductsInputSchema, {}],
    [listOrdersInputSchema, {}],
    [adminListOrdersInputSchema, {}],
    [searchProductsInputSchema, { query: 'lamp' }],
  ];

  it('needs no limit and no cursor', () => {
    for (const [schema, base] of pages) accepted(schema, base);
  });

  testBounds([
    { field: 'limit', path: ['limit'], in: pages, ...integers(1, 100) },
    {
      field: 'cursor',
      path: ['cursor'],
      in: pages,
      inside: lengths(1, MAX_CURSOR_LENGTH).inside,
      outside: [...lengths(1, MAX_CURSOR_LENGTH, { blank: false }).outside, ['a number', 42]],
    },
  ]);
});

describe('users', () => {
  describe('email', () => {
    it.each(['a@b.co', 'first.last+tag@mail.example.com', "o'brien@example.ie"])(
      'accepts %s',
      (email) => {
        expect(accepted(emailSchema, email)).toBe(email);
      },
    );

    it('is trimmed and lower-cased', () => {
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

    // 64 + 1 + the rest: the longest address SMTP allows, and one character more.
    const addressOf = (length: number) => {
      const head = `${chars(64)}@${chars(63, 'b')}.${chars(63, 'c')}.`;
      return `${head}${chars(length - head.length - 4, 'd')}.com`;
    };

    it(`accepts an address of ${MAX_EMAIL_LENGTH} characters`, () => {
      const longest = addressOf(MAX_EMAIL_LENGTH);
      expect(longest).toHaveLength(MAX_EMAIL_LENGTH);
      accepted(emailSchema, longest);
    });

    it(`refuses an address of ${MAX_EMAIL_LENGTH + 1} characters`, () => {
      const tooLong = addressOf(MAX_EMAIL_LENGTH + 1);
      expect(tooLong).toHaveLength(MAX_EMAIL_LENGTH + 1);
      refusedAt(loginInputSchema, { email: tooLong, password: 'x' }, ['email']);
    });
  });

  describe('password', () => {
    /** Upper case, lower case, digit and symbol, padded to `n` characters. */
    const password = (n: number) => `Aa1!${chars(n - 4)}`;

    it(`accepts ${MIN_PASSWORD_LENGTH} and ${MAX_PASSWORD_LENGTH} characters with upper case, lower case, digit and symbol`, () => {
      accepted(passwordSchema, password(MIN_PASSWORD_LENGTH));
      accepted(passwordSchema, password(MAX_PASSWORD_LENGTH));
    });

    it.each([
      [MIN_PASSWORD_LENGTH - 1, `at least ${MIN_PASSWORD_LENGTH} characters`],
      [MAX_PASSWORD_LENGTH + 1, `at most ${MAX_PASSWORD_LENGTH} characters`],
    ])('refuses %s characters and says so', (n, rule) => {
      const messages = refusedAt(signUpInputSchema, { ...signUp, password: password(n) }, [
        'password',
      ]);
      expect(messages).toEqual([expect.stringContaining(rule)]);
    });

    it.each([
      ['an upper-case letter', 'abcdef1!', /upper-case letter/],
      ['a lower-case letter', 'ABCDEF1!', /lower-case letter/],
      ['a digit', 'Abcdefg!', /digit/],
      ['a symbol', 'Abcdefg1', /symbol/],
    ])('refuses a password without %s and names that rule', (_rule, value, pattern) => {
      const messages = refusedAt(signUpInputSchema, { ...signUp, password: value }, ['password']);
      expect(messages).toEqual([expect.stringMatching(pattern)]);
    });

    it('is not checked against the rules at login, only its length', () => {
      accepted(loginInputSchema, { email: signUp.email, password: 'x' });
      refusedAt(loginInputSchema, { email: signUp.email, password: '' }, ['password']);
      refusedAt(
        loginInputSchema,
        { email: signUp.email, password: chars(MAX_PASSWORD_LENGTH + 1) },
        ['password'],
      );
    });
  });

  testBounds([
    {
      field: 'firstName',
      path: ['firstName'],
      in: [
        [signUpInputSchema, signUp],
        [updateMeInputSchema, {}],
      ],
      ...lengths(1, MAX_PERSON_NAME_LENGTH),
    },
    {
      field: 'lastName',
      path: ['lastName'],
      in: [
        [signUpInputSchema, signUp],
        [updateMeInputSchema, {}],
      ],
      ...lengths(1, MAX_PERSON_NAME_LENGTH),
    },
    {
      field: 'confirmation code',
      path: ['code'],
      in: [[confirmSignUpInputSchema, { email: signUp.email }]],
      ...lengths(1, MAX_CONFIRMATION_CODE_LENGTH),
    },
    {
      field: 'refresh token',
      path: ['refreshToken'],
      in: [[refreshInputSchema, {}]],
      ...lengths(1, MAX_REFRESH_TOKEN_LENGTH, { blank: false }),
    },
  ]);
});

describe('products', () => {
  const everywhere: Bound['in'] = [
    [createProductInputSchema, product],
    [updateProductInputSchema, { id: 'p1' }],
    [productSchema, storedProduct],
  ];
  const httpsUrl = (length: number) => {
    const head = 'https://cdn.example.com/';
    return `${head}${chars(length - head.length - 4)}.png`;
  };

  testBounds([
    { field: 'name', path: ['name'], in: everywhere, ...lengths(1, MAX_PRODUCT_NAME_LENGTH) },
    {
      field: 'description',
      path: ['description'],
      in: everywhere,
      ...lengths(0, MAX_DESCRIPTION_LENGTH),
    },
    { field: 'category', path: ['category'], in: everywhere, ...lengths(1, MAX_CATEGORY_LENGTH) },
    { field: 'price', path: ['price'], in: everywhere, ...integers(0, MAX_CENTS) },
    // Stock changes only through adjustStock; update refuses the field (see below).
    {
      field: 'stock',
      path: ['stock'],
      in: [
        [createProductInputSchema, product],
        [productSchema, storedProduct],
      ],
      ...integers(0, MAX_STOCK),
    },
    {
      field: 'imageUrl',
      path: ['imageUrl'],
      in: everywhere,
      inside: [
        ['null', null],
        ['an https URL', 'https://cdn.example.com/lamp.png'],
        [`an https URL of ${MAX_IMAGE_URL_LENGTH} characters`, httpsUrl(MAX_IMAGE_URL_LENGTH)],
      ],
      outside: [
        ['an http URL', 'http://cdn.example.com/lamp.png'],
        ['a javascript: URL', 'javascript:alert(1)'],
        ['a path that is not a URL', 'lamp.png'],
        [
          `an https URL of ${MAX_IMAGE_URL_LENGTH + 1} characters`,
          httpsUrl(MAX_IMAGE_URL_LENGTH + 1),
        ],
      ],
    },
    {
      field: 'category filter',
      path: ['category'],
      in: [
        [listProductsInputSchema, {}],
        [searchProductsInputSchema, { query: 'lamp' }],
      ],
      ...lengths(1, MAX_CATEGORY_LENGTH),
    },
    {
      field: 'search query',
      path: ['query'],
      in: [[searchProductsInputSchema, {}]],
      ...lengths(1, MAX_SEARCH_QUERY_LENGTH),
    },
    {
      field: 'stock adjustment',
      path: ['delta'],
      in: [[adjustStockInputSchema, { id: 'p1' }]],
      inside: [
        [`-${MAX_STOCK}`, -MAX_STOCK],
        ['-1', -1],
        ['1', 1],
        [`${MAX_STOCK}`, MAX_STOCK],
      ],
      outside: [
        [`-${MAX_STOCK + 1}`, -(MAX_STOCK + 1)],
        ['0', 0],
        [`${MAX_STOCK + 1}`, MAX_STOCK + 1],
        ['1.5', 1.5],
      ],
    },
  ]);

  it('lets a new product leave out its imageUrl', () => {
    const { imageUrl: _omitted, ...withoutImage } = product;
    accepted(createProductInputSchema, withoutImage);
  });

  it('refuses stock in an update: only adjustStock changes it', () => {
    const messages = refusedAt(updateProductInputSchema, { id: 'p1', stock: 1 }, []);
    expect(messages).toEqual([expect.stringContaining('stock')]);
  });
});

describe('addresses', () => {
  const both: Bound['in'] = [
    [createAddressInputSchema, address],
    [updateAddressInputSchema, { id: 'a1' }],
  ];

  testBounds([
    // The contract's literal bound: recipientName 1–100.
    { field: 'recipientName', path: ['recipientName'], in: both, ...lengths(1, 100) },
    { field: 'street', path: ['street'], in: both, ...lengths(1, MAX_STREET_LENGTH) },
    { field: 'city', path: ['city'], in: both, ...lengths(1, MAX_CITY_LENGTH) },
    // Not every country has states or postal codes, so these may be empty.
    { field: 'state', path: ['state'], in: both, ...lengths(0, MAX_STATE_LENGTH) },
    { field: 'zipCode', path: ['zipCode'], in: both, ...lengths(0, MAX_ZIP_CODE_LENGTH) },
    {
      field: 'country',
      path: ['country'],
      in: both,
      inside: ['US', 'GB', 'DE', 'JP'].map((code): Case => [`the ISO code ${code}`, code]),
      outside: [
        ['an unassigned code', 'XX'],
        ['an alpha-3 code', 'USA'],
        ['UK, whose ISO code is GB', 'UK'],
        ['an empty string', ''],
      ],
    },
    {
      field: 'isDefault',
      path: ['isDefault'],
      in: both,
      inside: [
        ['true', true],
        ['false', false],
      ],
      outside: [['a string', 'yes']],
    },
  ]);

  it('leaves recipientName optional on input', () => {
    expect(accepted(createAddressInputSchema, address)).not.toHaveProperty('recipientName');
  });

  it('reads a stored row without recipientName as an empty one', () => {
    const row = { ...address, id: 'a1', userId: 'u1', isDefault: true };
    expect(accepted(addressRowSchema, row)).toMatchObject({ recipientName: '' });
    refusedAt(addressRowSchema, { ...row, recipientName: chars(101) }, ['recipientName']);
  });

  it.each([
    ['us', 'US'],
    [' gb ', 'GB'],
  ])('normalises the country %j to %s', (country, normalised) => {
    expect(accepted(createAddressInputSchema, { ...address, country })).toMatchObject({
      country: normalised,
    });
  });
});

describe('orders', () => {
  testBounds([
    {
      field: 'items',
      path: ['items'],
      in: [[createOrderInputSchema, order]],
      inside: [1, 25].map((n): Case => [plural(n, 'line'), lines(n)]),
      outside: [0, 26].map((n): Case => [plural(n, 'line'), lines(n)]),
    },
    {
      field: 'quantity on the first line',
      path: ['items', 0, 'quantity'],
      in: [[createOrderInputSchema, order]],
      ...integers(1, 100),
    },
    {
      field: 'quantity on a later line',
      path: ['items', 1, 'quantity'],
      in: [[createOrderInputSchema, { ...order, items: lines(2) }]],
      ...integers(1, 100),
    },
    {
      field: 'idempotencyKey',
      path: ['idempotencyKey'],
      in: [[createOrderInputSchema, order]],
      ...lengths(MIN_IDEMPOTENCY_KEY_LENGTH, MAX_IDEMPOTENCY_KEY_LENGTH, { blank: false }),
    },
  ]);

  it('may leave out the idempotencyKey', () => {
    accepted(createOrderInputSchema, order);
  });

  it('refuses the same product on two lines and says so', () => {
    const messages = refusedAt(createOrderInputSchema, { ...order, items: [line(1), line(1, 2)] }, [
      'items',
    ]);
    expect(messages).toEqual([expect.stringMatching(/only once/)]);
  });
});

describe('order status', () => {
  const statuses: OrderStatus[] = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

  it('has exactly the five statuses of the contract', () => {
    expect([...orderStatusSchema.options].sort()).toEqual([...statuses].sort());
  });

  it.each(statuses)('accepts %s', (status) => {
    accepted(updateOrderStatusInputSchema, { id: 'o1', status });
    accepted(adminListOrdersInputSchema, { status });
  });

  it.each(['pending', 'REFUNDED', ''])('refuses %j and names the status field', (status) => {
    refusedAt(updateOrderStatusInputSchema, { id: 'o1', status }, ['status']);
    refusedAt(adminListOrdersInputSchema, { status }, ['status']);
  });

  // API.md, "Order status": the only moves there are. Everything else is refused.
  const contract = [
    'PENDING → PAID',
    'PAID → SHIPPED',
    'SHIPPED → DELIVERED',
    'PENDING → CANCELLED',
    'PAID → CANCELLED',
  ];
  const moves = statuses.flatMap((from) =>
    statuses.map((to) => {
      const allowed = contract.includes(`${from} → ${to}`);
      return [allowed ? 'allows' : 'refuses', from, to, allowed] as const;
    }),
  );

  it.each(moves)('%s %s → %s', (_verb, from, to, allowed) => {
    expect(allowedTransitions[from].includes(to)).toBe(allowed);
  });
});

describe('folded search keys and image URLs', () => {
  // DynamoDB's sort-key limit, as the contract states it: 1,024 bytes of UTF-8.
  const folding = (bytes: 1024 | 1025) => '\uFDFA'.repeat(31) + 'a'.repeat(bytes - 1023);

  it('refuses a name or search query that folds to nothing', () => {
    for (const name of ['\u0301', '\u0301\u0302 \u0303']) {
      expect(refusedAt(createProductInputSchema, { ...product, name }, ['name'])[0]).toContain(
        'at least one character',
      );
      expect(refusedAt(updateProductInputSchema, { id: 'p1', name }, ['name'])).toHaveLength(1);
      expect(refusedAt(searchProductsInputSchema, { query: name }, ['query'])).toHaveLength(1);
    }
  });

  it('takes a folded key of 1,024 bytes and refuses 1,025', () => {
    expect(Buffer.byteLength(foldName(folding(1024)))).toBe(1024);
    accepted(createProductInputSchema, { ...product, name: folding(1024) });
    accepted(searchProductsInputSchema, { query: folding(1024) });
    expect(
      refusedAt(createProductInputSchema, { ...product, name: folding(1025) }, ['name'])[0],
    ).toContain('too long for the search index');
    expect(
      refusedAt(updateProductInputSchema, { id: 'p1', name: folding(1025) }, ['name']),
    ).toHaveLength(1);
    for (const query of [folding(1025), '\uFDFA'.repeat(100), '\u3300'.repeat(100)]) {
      expect(refusedAt(searchProductsInputSchema, { query }, ['query'])).toHaveLength(1);
    }
    expect(
      refusedAt(createProductInputSchema, { ...product, name: '\u3300'.repeat(200) }, ['name']),
    ).toHaveLength(1);
  });

  it('refuses control, bidi-override and lone-surrogate characters in imageUrl', () => {
    for (const imageUrl of [
      'https://cdn.example.com/a\u0000.png',
      'https://cdn.example.com/a\u007f.png',
      'https://cdn.example.com/\u202egnp.exe',
      'https://cdn.example.com/\ud800.png',
      'https://user:pw@cdn.example.com/a.png',
      'https:',
    ]) {
      expect(
        refusedAt(createProductInputSchema, { ...product, imageUrl }, ['imageUrl']),
      ).not.toEqual([]);
    }
  });

  it('keeps imageUrl in its normalized (WHATWG) form', () => {
    const parsed = (imageUrl: string) =>
      createProductInputSchema.parse({ ...product, imageUrl }).imageUrl;
    expect(parsed('https:evil.example/x')).toBe('https://evil.example/x');
    expect(parsed('HTTPS://CDN.Example.com/a b/"<x>".png')).toBe(
      'https://cdn.example.com/a%20b/%22%3Cx%3E%22.png',
    );
    expect(parsed('https://cdn.example.com/lamp.png')).toBe('https://cdn.example.com/lamp.png');
  });
});

describe('the schemas a browser runs (@shop/core/browser)', () => {
  it('parse a product without Node globals such as Buffer', async () => {
    const browser = await import('@shop/core/browser');
    const saved = globalThis.Buffer;
    Reflect.deleteProperty(globalThis, 'Buffer');
    try {
      const parsed = browser.createProductInputSchema.safeParse({
        name: 'Café Crème Lantern',
        description: 'A lantern.',
        price: 2450,
        category: 'outdoor',
        stock: 3,
      });
      expect(parsed.success).toBe(true);
    } finally {
      globalThis.Buffer = saved;
    }
  });
});

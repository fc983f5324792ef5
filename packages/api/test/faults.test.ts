/**
 * Fault injection (issue #10): every SDK call of every write procedure fails once, in every way
 * the SDK can fail (throttling, transaction conflict, timeout, abort, connection reset), either
 * before the request reaches the service or after it succeeded (the response is lost). After the
 * fault and after the client's retry: no partial write, stock conserved, idempotent retries
 * converge, and the error the client sees is the contract's, formatted by the real handler.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createCognitoIdentityProvider,
  createDocumentClient,
  createServices,
  CONFLICT_RETRY,
  DYNAMODB_BUDGET,
  LOCAL_CREDENTIALS,
  type Services,
} from '@shop/core';
import {
  faultApplies,
  FaultInjector,
  injectIntoCognitoClients,
  jsonEvent,
  lambdaContext,
  FAULT_KINDS,
  type FaultKind,
  type FaultWhen,
} from '@shop/testing';
import { createTestDb, TEST_CURSOR_SECRET, type TestDb } from '@shop/testing/vitest';
import { createHandler } from '../src/app.ts';
import type { AuthUser, TokenVerifier } from '../src/auth.ts';
import type { Deps } from '../src/context.ts';

const GENERIC = 'Something went wrong on our side. Please retry later.';
const THROTTLE_KINDS: FaultKind[] = ['throttling', 'provisioned', 'conflict'];
const WHENS: FaultWhen[] = ['before', 'after'];
const quiet = { error: () => undefined, info: () => undefined };

let db: TestDb;
let dynamo: FaultInjector;
let cognito: FaultInjector;
let restoreCognito: () => void;
let handler: ReturnType<typeof createHandler>;
let cognitoAdmin: CognitoIdentityProviderClient;
const users = new Map<string, AuthUser>();
const stats = { cases: 0, faults: 0, invariants: 0 };

/** Tokens are user ids: the verifier is not what these tests are about. */
const verifier: TokenVerifier = {
  verify: (token) => {
    const user = users.get(token);
    return user ? Promise.resolve(user) : Promise.reject(new Error('unknown test token'));
  },
};

function servicesOn(maxAttempts: number, injector: FaultInjector): Services {
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint: inject('dynamoEndpoint'),
    maxAttempts,
  });
  injector.attach(doc);
  return servicesWith(doc);
}

/** The shop's services on `doc`, with the run's cognito-local pool. */
function servicesWith(doc: ReturnType<typeof createDocumentClient>): Services {
  return createServices({
    doc,
    tables: db.tables,
    cursorSecret: TEST_CURSOR_SECRET,
    identity: createCognitoIdentityProvider({
      region: 'us-east-1',
      endpoint: inject('cognitoEndpoint'),
      userPoolId: inject('userPoolId'),
      clientId: inject('clientId'),
      autoConfirm: true,
    }),
  });
}

function depsWith(services: Services): Deps {
  return {
    config: { stage: 'test', isLocal: false, version: 'test' },
    services,
    verifier,
  };
}

beforeAll(async () => {
  db = await createTestDb();
  dynamo = new FaultInjector('dynamodb');
  cognito = new FaultInjector('cognito');
  restoreCognito = injectIntoCognitoClients(cognito);
  // maxAttempts 1: every injected fault reaches the service code.
  handler = createHandler(depsWith(servicesOn(1, dynamo)), quiet);
  cognitoAdmin = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(() => {
  restoreCognito();
  const injected = dynamo.injected + cognito.injected;
  console.log(
    `[faults] ${stats.cases} cases, ${injected} faults injected (${dynamo.injected} DynamoDB, ` +
      `${cognito.injected} Cognito), ${stats.invariants} invariants checked`,
  );
});

interface Answer {
  status: number;
  raw: string;
  data: unknown;
  error: { message: string; code: number; data: { code: string } } | undefined;
}

async function call(path: string, input: unknown, token?: string, h = handler): Promise<Answer> {
  const result = await h(
    jsonEvent({
      method: 'POST',
      path: `/${path}`,
      body: JSON.stringify(input),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
    lambdaContext(),
  );
  const body = JSON.parse(result.body ?? 'null') as {
    result?: { data: unknown };
    error?: Answer['error'];
  };
  return {
    status: result.statusCode ?? 0,
    raw: result.body ?? '',
    data: body.result?.data,
    error: body.error,
  };
}

function check(ok: boolean, message: string) {
  stats.invariants++;
  expect(ok, message).toBe(true);
}

/** The contract's error for a fault the service could not absorb, and nothing from AWS in it. */
function checkContract(answer: Answer, kind: FaultKind, label: string) {
  if (answer.status === 200) return;
  check(
    !/Injected|arn:aws|Exception|stack|ECONNRESET|at \w+ \(/.test(answer.raw),
    `${label}: AWS details leak: ${answer.raw}`,
  );
  if (THROTTLE_KINDS.includes(kind)) {
    check(
      answer.status === 429 && answer.error?.data.code === 'TOO_MANY_REQUESTS',
      `${label}: expected TOO_MANY_REQUESTS, got ${answer.status} ${answer.raw}`,
    );
  } else {
    check(
      answer.status === 500 &&
        answer.error?.data.code === 'INTERNAL_SERVER_ERROR' &&
        answer.error.message === GENERIC,
      `${label}: expected the generic 500, got ${answer.status} ${answer.raw}`,
    );
  }
}

const newUser = (isAdmin = false): AuthUser => {
  const id = randomUUID();
  const user = { id, username: id, groups: isAdmin ? ['admin'] : [], isAdmin };
  users.set(id, user);
  return user;
};

async function newProduct(stock = 10) {
  return db.services.products.create({
    name: `Fault widget ${randomUUID().slice(0, 6)}`,
    description: 'A widget that survives faults',
    price: 500,
    category: 'faults',
    stock,
  });
}

async function newAddress(user: AuthUser, isDefault?: boolean) {
  return db.services.addresses.create(user, {
    recipientName: 'Fault Tester',
    street: '1 Fault Lane',
    city: 'Springfield',
    state: 'IL',
    zipCode: '62701',
    country: 'US',
    ...(isDefault === undefined ? {} : { isDefault }),
  });
}

const scanAll = async (table: string, filter?: { expression: string; values: object }) => {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...(filter
          ? {
              FilterExpression: filter.expression,
              ExpressionAttributeValues: filter.values as Record<string, unknown>,
            }
          : {}),
      }),
    );
    rows.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
};

/** Orders: no order without its items, no item without its order, stock conserved. */
// The checks read GSIs; they judge the state the indexes catch up to (`settle`), as an observer
// on AWS would a moment later. The clients under test have no lag: its reads would be counted.
async function checkOrders(
  label: string,
  userId: string,
  products: { id: string; initial: number }[],
) {
  db.lag.settle();
  const orders = await scanAll(db.tables.Orders, {
    expression: 'userId = :u',
    values: { ':u': userId },
  });
  const orderIds = new Set(orders.map((o) => o.id as string));
  for (const product of products) {
    const items = await scanAll(db.tables.OrderItems, {
      expression: 'productId = :p',
      values: { ':p': product.id },
    });
    for (const item of items) {
      check(
        orderIds.has(item.orderId as string),
        `${label}: item ${String(item.id)} without order`,
      );
    }
    const live = new Set(orders.filter((o) => o.status !== 'CANCELLED').map((o) => o.id));
    const held = items
      .filter((i) => live.has(i.orderId))
      .reduce((sum, i) => sum + (i.quantity as number), 0);
    const current = (await db.services.products.byId(product.id)).stock;
    check(
      product.initial === current + held,
      `${label}: stock not conserved for ${product.id}: initial ${product.initial}, now ${current}, held ${held}`,
    );
  }
  for (const order of orders) {
    const items = await db.doc.send(
      new QueryCommand({
        TableName: db.tables.OrderItems,
        IndexName: 'orderId-index',
        KeyConditionExpression: 'orderId = :o',
        ExpressionAttributeValues: { ':o': order.id },
      }),
    );
    const lines = order.lines as unknown[];
    check(
      (items.Items ?? []).length === lines.length,
      `${label}: order ${String(order.id)} has ${items.Items?.length} items for ${lines.length} lines`,
    );
  }
  return orders;
}

/** Addresses: the marker counts them, and at most one default, the one the marker names. */
async function checkAddresses(label: string, userId: string) {
  db.lag.settle();
  const rows = await scanAll(db.tables.Addresses, {
    expression: 'userId = :u',
    values: { ':u': userId },
  });
  const [marker] = await scanAll(db.tables.Addresses, {
    expression: 'id = :m',
    values: { ':m': `default#${userId}` },
  });
  const defaults = rows.filter((r) => r.isDefault === true);
  check(defaults.length <= 1, `${label}: ${defaults.length} defaults`);
  check(
    (marker?.count ?? 0) === rows.length,
    `${label}: marker counts ${String(marker?.count)} for ${rows.length} addresses`,
  );
  check(
    (marker?.defaultAddressId ?? undefined) === defaults[0]?.id,
    `${label}: marker default ${String(marker?.defaultAddressId)} vs isDefault ${String(defaults[0]?.id)}`,
  );
  return rows;
}

interface Case {
  /** The procedure called, and a name for this variant. */
  name: string;
  /** Fresh data for one case (never through the injector), and the call to make. */
  setup(): Promise<{ path: string; input: unknown; token: string; verify: Verify }>;
}
type Verify = (label: string, first: Answer, retry: Answer, committed: boolean) => Promise<void>;

const ok = (a: Answer) => a.status === 200;

const cases: Case[] = [
  ...[false, true].map((keyed): Case => ({
    name: `orders.create${keyed ? ' (idempotencyKey)' : ''}`,
    async setup() {
      const user = newUser();
      const [a, b] = [await newProduct(10), await newProduct(10)];
      const address = await newAddress(user);
      const input = {
        items: [
          { productId: a.id, quantity: 2 },
          { productId: b.id, quantity: 3 },
        ],
        shippingAddressId: address.id,
        ...(keyed ? { idempotencyKey: `key-${randomUUID()}` } : {}),
      };
      return {
        path: 'orders.create',
        input,
        token: user.id,
        verify: async (label, first, retry, committed) => {
          check(ok(retry), `${label}: retry failed: ${retry.raw}`);
          for (const answer of [first, retry].filter(ok)) {
            const lines = (answer.data as { items: unknown[] }).items.length;
            check(lines === 2, `${label}: an answer has ${lines} of 2 lines`);
          }
          const orders = await checkOrders(label, user.id, [
            { id: a.id, initial: 10 },
            { id: b.id, initial: 10 },
          ]);
          if (keyed) {
            check(orders.length === 1, `${label}: idempotent retry made ${orders.length} orders`);
            const ids = [first, retry].filter(ok).map((x) => (x.data as { id: string }).id);
            check(new Set(ids).size === 1, `${label}: answers name different orders`);
          } else {
            // Without a key, a retry after a lost response places a second order: the contract's
            // reason for `idempotencyKey`. Exactly that, and never otherwise.
            const expected = committed ? 2 : 1;
            check(orders.length === expected, `${label}: ${orders.length} orders, not ${expected}`);
          }
        },
      };
    },
  })),
  {
    name: 'orders.cancel',
    async setup() {
      const user = newUser();
      const product = await newProduct(10);
      const address = await newAddress(user);
      const order = await db.services.orders.create(user, {
        items: [{ productId: product.id, quantity: 4 }],
        shippingAddressId: address.id,
      });
      return {
        path: 'orders.cancel',
        input: { id: order.id },
        token: user.id,
        verify: async (label, _first, retry, committed) => {
          // A cancel the fault hid is already done: the retry is told so (CONFLICT), never twice.
          check(
            ok(retry) || (committed && retry.error?.data.code === 'CONFLICT'),
            `${label}: retry: ${retry.raw}`,
          );
          const orders = await checkOrders(label, user.id, [{ id: product.id, initial: 10 }]);
          check(orders[0]?.status === 'CANCELLED', `${label}: order not cancelled`);
        },
      };
    },
  },
  {
    name: 'orders.updateStatus',
    async setup() {
      const user = newUser();
      const admin = newUser(true);
      const product = await newProduct(10);
      const address = await newAddress(user);
      const order = await db.services.orders.create(user, {
        items: [{ productId: product.id, quantity: 1 }],
        shippingAddressId: address.id,
      });
      return {
        path: 'orders.updateStatus',
        input: { id: order.id, status: 'PAID' },
        token: admin.id,
        verify: async (label, _first, retry, committed) => {
          check(
            ok(retry) || (committed && retry.error?.data.code === 'CONFLICT'),
            `${label}: retry: ${retry.raw}`,
          );
          const orders = await checkOrders(label, user.id, [{ id: product.id, initial: 10 }]);
          check(orders[0]?.status === 'PAID', `${label}: order is ${String(orders[0]?.status)}`);
        },
      };
    },
  },
  ...[false, true].map((hasOne): Case => ({
    name: `addresses.create${hasOne ? ' (second, default)' : ''}`,
    async setup() {
      const user = newUser();
      if (hasOne) await newAddress(user);
      return {
        path: 'addresses.create',
        input: {
          recipientName: 'Fault Tester',
          street: '2 Retry Road',
          city: 'Springfield',
          state: 'IL',
          zipCode: '62701',
          country: 'US',
          ...(hasOne ? { isDefault: true } : {}),
        },
        token: user.id,
        verify: async (label, _first, retry, committed) => {
          check(ok(retry), `${label}: retry: ${retry.raw}`);
          const rows = await checkAddresses(label, user.id);
          // Create has no idempotency key: a retry after a lost response adds a second address.
          const expected = (hasOne ? 2 : 1) + (committed ? 1 : 0);
          check(rows.length === expected, `${label}: ${rows.length} addresses, not ${expected}`);
        },
      };
    },
  })),
  {
    name: 'addresses.update (make default)',
    async setup() {
      const user = newUser();
      await newAddress(user);
      const second = await newAddress(user, false);
      return {
        path: 'addresses.update',
        input: { id: second.id, isDefault: true, city: 'Shelbyville' },
        token: user.id,
        verify: async (label, _first, retry) => {
          check(ok(retry), `${label}: retry: ${retry.raw}`);
          const rows = await checkAddresses(label, user.id);
          const updated = rows.find((r) => r.id === second.id);
          check(
            updated?.isDefault === true && updated.city === 'Shelbyville',
            `${label}: not updated`,
          );
        },
      };
    },
  },
  {
    name: 'addresses.delete (the default)',
    async setup() {
      const user = newUser();
      const first = await newAddress(user);
      await newAddress(user, false);
      return {
        path: 'addresses.delete',
        input: { id: first.id },
        token: user.id,
        verify: async (label, _first, retry, committed) => {
          check(
            ok(retry) || (committed && retry.error?.data.code === 'NOT_FOUND'),
            `${label}: retry: ${retry.raw}`,
          );
          const rows = await checkAddresses(label, user.id);
          check(rows.length === 1, `${label}: ${rows.length} addresses left`);
        },
      };
    },
  },
  {
    name: 'products.adjustStock',
    async setup() {
      const admin = newUser(true);
      const product = await newProduct(10);
      return {
        path: 'products.adjustStock',
        input: { id: product.id, delta: 5 },
        token: admin.id,
        verify: async (label, _first, retry, committed) => {
          check(ok(retry), `${label}: retry: ${retry.raw}`);
          const stock = (await db.services.products.byId(product.id)).stock;
          // A delta has no idempotency key: a retry after a lost response applies it again.
          check(stock === (committed ? 20 : 15), `${label}: stock ${stock}`);
        },
      };
    },
  },
];

/** The commands a case makes without faults, in order (a dry run on fresh data). */
async function probe(c: Case): Promise<string[]> {
  const { path, input, token } = await c.setup();
  dynamo.arm(undefined);
  const answer = await call(path, input, token);
  expect(answer.status, `${c.name} dry run: ${answer.raw}`).toBe(200);
  return [...dynamo.calls];
}

describe('DynamoDB faults on every call of every write procedure (maxAttempts 1)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const commands = await probe(c);
      expect(commands.length).toBeGreaterThan(0);
      for (const [index, command] of commands.entries()) {
        for (const kind of FAULT_KINDS) {
          if (!faultApplies(kind, command, 'dynamodb')) continue;
          for (const when of WHENS) {
            // A throttled or cancelled request wrote nothing: those never come "after".
            if (when === 'after' && THROTTLE_KINDS.includes(kind)) continue;
            const label = `${c.name} #${index + 1} ${command} ${kind} ${when}`;
            const { path, input, token, verify } = await c.setup();
            dynamo.arm({ kind, when, nth: index + 1 });
            const first = await call(path, input, token);
            const fired = dynamo.hasFired;
            dynamo.arm(undefined);
            stats.cases++;
            check(fired, `${label}: fault did not fire (calls: ${dynamo.calls.join(',')})`);
            // A cancelled transaction is retried inside the service: the client sees success.
            if (kind === 'conflict' && command === 'TransactWriteItems') {
              check(ok(first), `${label}: conflict not absorbed: ${first.raw}`);
            }
            checkContract(first, kind, label);
            const retry = ok(first) ? first : await call(path, input, token);
            // The write is done when the fault hit a later call, or came after the write itself.
            const writeAt = commands.findIndex(isWrite);
            const committed =
              !ok(first) &&
              writeAt >= 0 &&
              (index > writeAt || (index === writeAt && when === 'after'));
            await verify(label, first, retry, committed);
          }
        }
      }
    });
  }
});

describe('faults a service loop must give up on (maxAttempts 1)', () => {
  const persistent: {
    case: string;
    kind: FaultKind;
    command: string;
    times: number;
    ok: boolean;
  }[] = [
    // retryOnConflict: CONFLICT_RETRY.attempts attempts, then TOO_MANY_REQUESTS.
    {
      case: 'orders.create',
      kind: 'conflict',
      command: 'TransactWriteItems',
      times: CONFLICT_RETRY.attempts,
      ok: false,
    },
    {
      case: 'orders.create',
      kind: 'conflict',
      command: 'TransactWriteItems',
      times: CONFLICT_RETRY.attempts - 1,
      ok: true,
    },
    {
      case: 'orders.cancel',
      kind: 'conflict',
      command: 'TransactWriteItems',
      times: CONFLICT_RETRY.attempts,
      ok: false,
    },
    {
      // A move of the order alone is one conditional UpdateItem; a transaction holding the order
      // is retried by the same loop.
      case: 'orders.updateStatus',
      kind: 'conflict',
      command: 'UpdateItem',
      times: CONFLICT_RETRY.attempts,
      ok: false,
    },
    {
      case: 'addresses.create',
      kind: 'conflict',
      command: 'TransactWriteItems',
      times: CONFLICT_RETRY.attempts,
      ok: false,
    },
    {
      case: 'addresses.update (make default)',
      kind: 'conflict',
      command: 'TransactWriteItems',
      times: CONFLICT_RETRY.attempts,
      ok: false,
    },
    {
      case: 'addresses.delete (the default)',
      kind: 'conflict',
      command: 'TransactWriteItems',
      times: CONFLICT_RETRY.attempts,
      ok: false,
    },
    // The BatchGet loop: 4 attempts, then TOO_MANY_REQUESTS.
    { case: 'orders.create', kind: 'unprocessed', command: 'BatchGetItem', times: 4, ok: false },
    {
      case: 'orders.create (idempotencyKey)',
      kind: 'unprocessed',
      command: 'BatchGetItem',
      times: 3,
      ok: true,
    },
  ];
  for (const p of persistent) {
    it(`${p.case}: ${p.times} × ${p.kind} on ${p.command} ${p.ok ? 'is absorbed' : 'is TOO_MANY_REQUESTS'}`, async () => {
      const c = cases.find((x) => x.name === p.case)!;
      const { path, input, token, verify } = await c.setup();
      dynamo.arm({ kind: p.kind, when: 'before', nth: 1, command: p.command, times: p.times });
      const first = await call(path, input, token);
      const fired = dynamo.firedCount;
      dynamo.arm(undefined);
      stats.cases++;
      expect(fired).toBe(p.times);
      check(ok(first) === p.ok, `${p.case}: ${first.raw}`);
      checkContract(first, 'throttling', p.case);
      const retry = ok(first) ? first : await call(path, input, token);
      await verify(`${p.case} ${p.times}x${p.kind}`, first, retry, false);
    });
  }
});

describe('faults the SDK retries itself (maxAttempts 3, as deployed)', () => {
  let retrying: ReturnType<typeof createHandler>;
  const injector = new FaultInjector('dynamodb');
  beforeAll(() => {
    retrying = createHandler(depsWith(servicesOn(3, injector)), quiet);
  });
  afterAll(() => {
    dynamo.injected += injector.injected;
  });

  for (const c of cases) {
    it(c.name, async () => {
      const { path, input, token } = await c.setup();
      injector.arm(undefined);
      expect((await call(path, input, token, retrying)).status).toBe(200);
      const commands = [...injector.calls];
      for (const [index, command] of commands.entries()) {
        for (const [kind, when] of [
          ['reset', 'before'],
          ['timeout', 'after'],
          ['reset', 'after'],
        ] as [FaultKind, FaultWhen][]) {
          const label = `${c.name} #${index + 1} ${command} ${kind} ${when} (SDK retry)`;
          const { path, input, token, verify } = await c.setup();
          injector.arm({ kind, when, nth: index + 1 });
          const first = await call(path, input, token, retrying);
          const fired = injector.hasFired;
          injector.arm(undefined);
          stats.cases++;
          check(fired, `${label}: fault did not fire`);
          // One transient fault is absorbed by the SDK: the client sees success, and the
          // state is as if nothing happened (a retried write must not apply twice).
          check(ok(first), `${label}: not absorbed: ${first.raw}`);
          await verify(label, first, first, false);
        }
      }
    });
  }

  it('throttling is retried with backoff and absorbed', async () => {
    const c = cases.find((x) => x.name === 'products.adjustStock')!;
    const { path, input, token, verify } = await c.setup();
    injector.arm({ kind: 'throttling', when: 'before', nth: 1, times: 2 });
    const first = await call(path, input, token, retrying);
    expect(injector.firedCount).toBe(2);
    injector.arm(undefined);
    stats.cases++;
    check(ok(first), `throttling not absorbed: ${first.raw}`);
    await verify('adjustStock 2x throttling (SDK retry)', first, first, false);
  });
});

describe('users.signUp: Cognito and DynamoDB faults', () => {
  const PASSWORD = 'Sup3r-Secret!pass';
  type Step = { service: 'dynamodb' | 'cognito'; command: string; nth: number };

  async function cognitoUser(email: string): Promise<string | undefined> {
    try {
      const user = await cognitoAdmin.send(
        new AdminGetUserCommand({ UserPoolId: inject('userPoolId'), Username: email }),
      );
      return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? user.Username;
    } catch (error) {
      if ((error as Error).name === 'UserNotFoundException') return undefined;
      throw error;
    }
  }

  const signUp = (email: string) =>
    call('users.signUp', { email, password: PASSWORD, firstName: 'Fault', lastName: 'Tester' });

  /**
   * The invariant after a fault and the client's retry: the sign-up converged, i.e. the retry (or
   * the first call) succeeded, the user can log in, and exactly one profile row exists for the
   * email, keyed by the Cognito sub and named in the answer. (Never "Email already registered"
   * for one's own sign-up, never an orphaned account, never a second row.)
   */
  async function checkSignUp(label: string, email: string, retry: Answer) {
    check(ok(retry), `${label}: the retry fails: ${retry.status} ${retry.raw}`);
    const sub = await cognitoUser(email);
    const profiles = await scanAll(db.tables.Users, {
      expression: 'email = :e',
      values: { ':e': email },
    });
    check(sub !== undefined, `${label}: no Cognito account after a successful sign-up`);
    check(
      profiles.length === 1 && profiles[0]?.id === sub,
      `${label}: Cognito account ${String(sub)}, profile rows ${JSON.stringify(profiles.map((p) => p.id))}`,
    );
    check(
      (retry.data as { user?: { id?: string } } | undefined)?.user?.id === sub,
      `${label}: the answer names another user: ${retry.raw}`,
    );
    const login = await call('users.login', { email, password: PASSWORD });
    check(ok(login), `${label}: cannot log in: ${login.raw}`);
  }

  it('every step, every fault, then a retry', async () => {
    // Dry run: the steps in order, by service.
    const probeEmail = `probe-${randomUUID()}@example.com`;
    dynamo.arm(undefined);
    cognito.arm(undefined);
    expect((await signUp(probeEmail)).status).toBe(200);
    const steps: Step[] = [
      ...cognito.calls.map((command, i) => ({ service: 'cognito' as const, command, nth: i + 1 })),
      ...dynamo.calls.map((command, i) => ({ service: 'dynamodb' as const, command, nth: i + 1 })),
    ];
    expect(steps.map((s) => s.command)).toEqual(['SignUp', 'AdminConfirmSignUp', 'PutItem']);
    for (const step of steps) {
      const injector = step.service === 'cognito' ? cognito : dynamo;
      for (const kind of FAULT_KINDS) {
        if (!faultApplies(kind, step.command, step.service)) continue;
        for (const when of WHENS) {
          if (when === 'after' && THROTTLE_KINDS.includes(kind)) continue;
          const label = `users.signUp ${step.service} ${step.command} ${kind} ${when}`;
          const email = `fault-${randomUUID()}@example.com`;
          // Cognito's client retries (maxAttempts 3): fail every attempt so the fault gets through.
          const times = step.service === 'cognito' && when === 'before' ? 3 : 1;
          injector.arm({ kind, when, nth: 1, command: step.command, times });
          const first = await signUp(email);
          const fired = injector.hasFired;
          injector.arm(undefined);
          stats.cases++;
          check(fired, `${label}: fault did not fire`);
          // Also when the SDK retried a SignUp that had succeeded (Cognito: the email is taken).
          checkContract(first, kind, label);
          const retry = ok(first) ? first : await signUp(email);
          await checkSignUp(label, email, retry);
        }
      }
    }
  });

  it('a failed rollback is a generic 500, and leaves nothing a retry cannot fix', async () => {
    const email = `rollback-${randomUUID()}@example.com`;
    dynamo.arm({ kind: 'reset', when: 'before', nth: 1, command: 'PutItem' });
    cognito.arm({ kind: 'abort', when: 'before', nth: 1, command: 'AdminDeleteUser' });
    const first = await signUp(email);
    stats.cases++;
    expect(dynamo.hasFired && cognito.hasFired).toBe(true);
    dynamo.arm(undefined);
    cognito.arm(undefined);
    checkContract(first, 'reset', 'signUp rollback');
    check(!ok(first), `signUp rollback: the first call succeeded: ${first.raw}`);
    await checkSignUp('users.signUp failed rollback', email, await signUp(email));
  });
});

describe('a hung DynamoDB (accepts connections, never answers)', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let hung: ReturnType<typeof createHandler>;
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    // The deployed budget (not the emulators' lenient one), against the hung endpoint.
    const doc = createDocumentClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 3,
      budget: DYNAMODB_BUDGET,
    });
    hung = createHandler(depsWith(servicesWith(doc)), quiet);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const c of cases) {
    it(`${c.name} fails with the generic 500 within the budget`, async () => {
      const { path, input, token } = await c.setup();
      const started = performance.now();
      const answer = await call(path, input, token, hung);
      const elapsed = performance.now() - started;
      stats.cases++;
      console.log(
        `[faults] hung DynamoDB: ${c.name} answered ${answer.status} after ${Math.round(elapsed)} ms`,
      );
      checkContract(answer, 'timeout', `${c.name} (hung)`);
      check(answer.status === 500, `${c.name} (hung): ${answer.raw}`);
      check(elapsed < 9_000, `${c.name} (hung) took ${Math.round(elapsed)} ms`);
    });
  }
});

const isWrite = (command: string) =>
  ['TransactWriteItems', 'PutItem', 'UpdateItem', 'DeleteItem'].includes(command);

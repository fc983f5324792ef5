import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEventV2, Context as LambdaContext } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createCognitoIdentityProvider } from '@shop/core';
import { createHandlers, type Log } from '../src/app.ts';
import { createTokenVerifier } from '../src/auth.ts';
import type { Deps } from '../src/context.ts';
import { createHarness, validAddress, validProduct, type Harness } from './support/harness.ts';
import { lambdaContext } from '@shop/testing';

/**
 * The fast path against tRPC's stock `awsLambdaRequestHandler`, on the real router, real
 * DynamoDB Local tables and real cognito-local tokens: for every generated function-URL event,
 * `fast(event) ?? stock(event)` must equal `stock(event)` byte for byte (status, every header,
 * cookies, body, and the same log lines), or both must reject alike.
 *
 * Successful mutations are limited to idempotent ones (profile, product and address updates to
 * fixed values) and `Date` is frozen, so that running an event twice gives the same answer; the
 * other mutations are generated with inputs that fail (validation, auth, not found).
 */

const RUNS = Number(process.env.TRANSPORT_RUNS ?? 1000);
const PASSWORD = 'Corr3ct-horse!';

let h: Harness;
let fast: ReturnType<typeof createHandlers>['fast'];
let stock: ReturnType<typeof createHandlers>['stock'];
let logs: string[] = [];
const fixtures = {
  shopperEmail: '',
  shopperId: '',
  productId: '',
  category: '',
  addressId: '',
  tokens: {} as Record<'access' | 'id' | 'refresh' | 'admin', string>,
};

const log: Log = {
  error: (message, entry) => logs.push(`error ${message} ${describeEntry(entry)}`),
  info: (message, entry) => logs.push(`info ${message} ${describeEntry(entry)}`),
};
function describeEntry(entry: Record<string, unknown>): string {
  const { error, ...rest } = entry;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${JSON.stringify(rest)} ${detail}`;
}

beforeAll(async () => {
  const cognito = {
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    userPoolId: inject('userPoolId'),
    clientId: inject('clientId'),
  };
  const identity = createCognitoIdentityProvider({ ...cognito, autoConfirm: true });
  h = await createHarness({ identity });
  const { endpoint, ...rest } = cognito;
  const verifier = createTokenVerifier({
    ...rest,
    stage: 'local',
    isLocal: true,
    cognitoEndpoint: endpoint,
  });
  const deps: Deps = { ...h.deps, verifier };
  ({ fast, stock } = createHandlers(deps, log));

  const suffix = Math.random().toString(36).slice(2, 10);
  const signUp = async (email: string) => {
    const { user } = await h.deps.services.users.signUp({
      email,
      password: PASSWORD,
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    return user;
  };
  fixtures.shopperEmail = `shopper.${suffix}@example.com`;
  const shopper = await signUp(fixtures.shopperEmail);
  fixtures.shopperId = shopper.id;
  const adminEmail = `admin.${suffix}@example.com`;
  await signUp(adminEmail);
  const client = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: cognito.userPoolId,
      Username: adminEmail,
      GroupName: 'admin',
    }),
  );
  client.destroy();
  const shopperTokens = await identity.login(fixtures.shopperEmail, PASSWORD);
  const adminTokens = await identity.login(adminEmail, PASSWORD);
  fixtures.tokens = {
    access: shopperTokens.accessToken,
    id: shopperTokens.idToken,
    refresh: shopperTokens.refreshToken,
    admin: adminTokens.accessToken,
  };

  const { caller: admin } = await h.adminCaller();
  const product = validProduct({ name: 'Transport widget' });
  fixtures.category = product.category;
  fixtures.productId = (await admin.products.create(product)).id;
  const address = await h.deps.services.addresses.create(
    { id: shopper.id, isAdmin: false },
    validAddress(),
  );
  fixtures.addressId = address.id;

  // Answers carry timestamps (`health.time`, `updatedAt`): both sides must see the same clock.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date());
}, 120_000);

afterAll(() => {
  vi.useRealTimers();
});

type Settled = { ok: unknown } | { rejected: string };
const settle = (promise: Promise<unknown>): Promise<Settled> =>
  promise.then(
    (ok) => ({ ok }),
    (error: unknown) => ({ rejected: String(error) }),
  );

/** Runs one event both ways and returns both answers and log lines. */
async function both(event: APIGatewayProxyEventV2, context: LambdaContext = lambdaContext()) {
  logs = [];
  let answeredFast = false;
  const viaFast = await settle(
    fast(event, context).then(async (result) => {
      answeredFast = result !== undefined;
      return result ?? (await stock(event, context));
    }),
  );
  const fastLogs = logs;
  logs = [];
  const viaStock = await settle(stock(event, context));
  return { viaFast, viaStock, fastLogs, stockLogs: logs, answeredFast };
}

// ---- Event generation -------------------------------------------------------------------

const QUERIES = [
  'health',
  'products.byId',
  'products.list',
  'users.me',
  'users.byId',
  'addresses.list',
  'orders.list',
  'orders.byId',
];
const MUTATIONS = [
  'users.updateMe',
  'products.update',
  'addresses.update',
  'products.delete',
  'users.login',
  'users.signUp',
  'users.logout',
  'users.refresh',
  'users.confirmSignUp',
  'orders.cancel',
  'orders.create',
  'orders.updateStatus',
  'addresses.create',
  'addresses.delete',
  'products.create',
];
const ODD_PATHS = [
  'products.nope',
  'nope',
  '',
  'constructor',
  '__proto__',
  'products',
  'products%2EbyId',
  'health%',
  '/health',
  'health/',
  'products.byId%2Chealth',
  'health?batch=1',
];

/** Inputs per procedure: deterministic successes (idempotent) and failures. Thunks: fixtures. */
const INPUTS: Record<string, () => unknown[]> = {
  health: () => [undefined],
  'products.byId': () => [
    { id: fixtures.productId },
    { id: 'missing' },
    { id: '' },
    { id: 'two words' },
  ],
  'products.list': () => [
    { limit: 2 },
    { limit: 101 },
    {},
    undefined,
    { category: fixtures.category },
  ],
  'users.me': () => [undefined],
  'users.byId': () => [{ id: fixtures.shopperId }, { id: 'missing' }],
  'addresses.list': () => [undefined],
  'orders.list': () => [{}, undefined, { limit: 0 }],
  'orders.byId': () => [{ id: 'missing' }],
  'users.updateMe': () => [
    { firstName: 'Ada' },
    { firstName: 'Grace Brewster' },
    { firstName: '' },
    { lastName: 'Lovelace' },
  ],
  'products.update': () => [
    { id: fixtures.productId, price: 999 },
    { id: fixtures.productId, price: 1250, stock: 3 },
    { id: fixtures.productId, price: -1 },
    { id: 'missing', price: 5 },
  ],
  'addresses.update': () => [
    { id: fixtures.addressId, city: 'Springfield' },
    { id: fixtures.addressId, city: 'Shelbyville' },
    { id: 'missing', city: 'Nowhere' },
  ],
  'products.delete': () => [{ id: 'missing' }],
  'users.login': () => [
    { email: fixtures.shopperEmail, password: 'Wr0ng-password!' },
    { email: 'nobody@example.com', password: PASSWORD },
    {},
  ],
  'users.signUp': () => [{}, { email: 'not-an-email', password: 'x' }],
  'users.logout': () => [{ refreshToken: 'garbage' }, {}],
  'users.refresh': () => [{ refreshToken: 'garbage' }, {}],
  'users.confirmSignUp': () => [{}, { email: 'bad' }],
  'orders.cancel': () => [{ id: 'missing' }],
  'orders.create': () => [{}, { items: [] }],
  'orders.updateStatus': () => [{ id: 'missing', status: 'shipped' }, {}],
  'addresses.create': () => [{}, { street: '' }],
  'addresses.delete': () => [{ id: 'missing' }],
  'products.create': () => [{}, { name: '' }],
};
const GARBAGE = [null, [], 'text', 0, { id: 1 }, {}];

const inputFor = (path: string): fc.Arbitrary<unknown> => {
  const known = Object.hasOwn(INPUTS, path) ? INPUTS[path]!() : [];
  return known.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, fc.constantFrom(...GARBAGE))
    : fc.constantFrom(undefined, ...GARBAGE);
};

const AUTH = () => [
  undefined,
  `Bearer ${fixtures.tokens.access}`,
  `Bearer ${fixtures.tokens.admin}`,
  `bearer ${fixtures.tokens.access}`,
  `Bearer ${fixtures.tokens.id}`,
  `Bearer ${fixtures.tokens.refresh}`,
  'Bearer garbage',
  'Bearer  two spaces',
  'Basic dXNlcjpwYXNz',
  'Bearer',
];
const JSON_TYPES = [
  'application/json',
  'Application/JSON',
  'application/json; charset=utf-8',
  ' application/json ',
];
const OTHER_TYPES = [
  'application/jsonl',
  'application/json-patch+json',
  'application/jsonp',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  '',
];
const ACCEPTS = [
  undefined,
  '*/*',
  'application/json',
  'application/jsonl',
  'text/html, application/jsonl;q=0.9',
  'application/json, application/jsonl',
];

interface Spec {
  version: '2.0' | '1.0';
  method: string;
  paths: string[];
  batchParam: string[]; // values of `batch=` in the query, in order
  inputs: unknown[];
  inputMode: 'json' | 'array' | 'missing' | 'empty' | 'malformed' | 'null' | 'sparse';
  extraQuery: string[];
  queryParams: 'same' | 'none' | 'batchOnlyRaw' | 'batchOnlyParams';
  contentType: string | undefined;
  contentTypeKey: 'content-type' | 'Content-Type' | 'both';
  accept: string | undefined;
  trpcAccept: string | undefined;
  authorization: string | undefined;
  authorizationKey: 'authorization' | 'Authorization';
  cookies: string[] | undefined;
  base64: 'no' | 'yes' | 'bom';
  bodyOnGet: boolean;
  /** A header `new Headers()` takes (Latin-1), or refuses (above U+00FF, a line break). */
  oddHeader: 'none' | 'latin1' | 'snowman' | 'newline';
  /** How `input=` is written: percent-encoded, spaces as `+`, or not encoded at all. */
  queryEncoding: 'component' | 'plus' | 'raw';
  surrogate: boolean;
  domainName: string;
}

const clean = (procedures: string[], method: 'GET' | 'POST'): fc.Arbitrary<Spec> =>
  fc
    .tuple(fc.constantFrom(...procedures), fc.integer({ min: 1, max: 3 }), fc.boolean())
    .chain(([first, size, batched]) => {
      const paths = batched
        ? fc.array(fc.constantFrom(...procedures), { minLength: size - 1, maxLength: size - 1 })
        : fc.constant([]);
      return paths.chain((more) => {
        const all = [first, ...more];
        return fc.record<Spec>({
          version: fc.constant('2.0'),
          method: fc.constant(method),
          paths: fc.constant(all),
          batchParam: fc.constant(batched ? ['1'] : []),
          inputs: fc.tuple(...all.map(inputFor)),
          inputMode: fc.constantFrom('json', 'json', 'json', 'sparse', 'missing'),
          extraQuery: fc.constant([]),
          queryParams: fc.constantFrom('same', 'same', 'none'),
          contentType: method === 'POST' ? fc.constantFrom(...JSON_TYPES) : fc.constant(undefined),
          contentTypeKey: fc.constantFrom('content-type', 'Content-Type'),
          accept: fc.constantFrom(undefined, '*/*', 'application/json'),
          trpcAccept: fc.constant(undefined),
          // Mostly real tokens, so that calls get past auth and some mutations succeed.
          authorization: fc.oneof(
            { weight: 3, arbitrary: fc.constant(`Bearer ${fixtures.tokens.access}`) },
            { weight: 2, arbitrary: fc.constant(`Bearer ${fixtures.tokens.admin}`) },
            { weight: 3, arbitrary: fc.constantFrom(...AUTH()) },
          ),
          authorizationKey: fc.constantFrom('authorization', 'Authorization'),
          cookies: fc.constantFrom(undefined, ['a=b'], ['session=x', 'theme=dark']),
          base64: method === 'POST' ? fc.constantFrom('no', 'yes') : fc.constant('no'),
          bodyOnGet: fc.constant(false),
          oddHeader: fc.constant('none'),
          queryEncoding: fc.constantFrom('component', 'plus'),
          surrogate: fc.constant(false),
          domainName: fc.constantFrom('abc123.lambda-url.us-east-1.on.aws', '127.0.0.1:3000'),
        });
      });
    });

const messy: fc.Arbitrary<Spec> = fc
  .array(fc.constantFrom(...QUERIES, ...MUTATIONS, ...ODD_PATHS), { minLength: 1, maxLength: 3 })
  .chain((paths) =>
    fc.record<Spec>({
      version: fc.constantFrom('2.0', '2.0', '2.0', '2.0', '1.0'),
      method: fc.constantFrom('GET', 'POST', 'GET', 'POST', 'PUT', 'OPTIONS', 'HEAD', 'get'),
      paths: fc.constant(paths),
      batchParam: fc.constantFrom([], ['1'], ['1'], ['1', '1'], ['0'], ['true'], ['']),
      inputs: fc.tuple(...paths.map(inputFor)),
      inputMode: fc.constantFrom(
        'json',
        'array',
        'missing',
        'empty',
        'malformed',
        'null',
        'sparse',
      ),
      extraQuery: fc.constantFrom(
        [],
        [],
        ['connectionParams=%7B%7D'],
        ['connectionParams=%7B%22a%22%3A%22b%22%7D'],
        ['connectionParams=bad'],
        ['foo=bar'],
        ['input=%7B%7D'],
        ['input'],
        ['lastEventId=1'],
        ['#fragment'],
        ['input=%ZZ'],
      ),
      queryParams: fc.constantFrom('same', 'none', 'batchOnlyRaw', 'batchOnlyParams'),
      contentType: fc.constantFrom(undefined, ...JSON_TYPES, ...OTHER_TYPES),
      contentTypeKey: fc.constantFrom('content-type', 'Content-Type', 'both'),
      accept: fc.constantFrom(...ACCEPTS),
      trpcAccept: fc.constantFrom(
        undefined,
        undefined,
        'application/jsonl',
        'application/json',
        '',
      ),
      authorization: fc.constantFrom(...AUTH()),
      authorizationKey: fc.constantFrom('authorization', 'Authorization'),
      cookies: fc.constantFrom(undefined, ['a=b'], ['a=b', 'c=d; Path=/']),
      base64: fc.constantFrom('no', 'yes', 'bom'),
      bodyOnGet: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      oddHeader: fc.oneof(
        { weight: 12, arbitrary: fc.constant('none' as const) },
        fc.constantFrom('latin1' as const, 'snowman' as const, 'newline' as const),
      ),
      queryEncoding: fc.constantFrom('component', 'plus', 'raw'),
      surrogate: fc.boolean(),
      // The last two are hosts `new URL` refuses: the stock adapter throws.
      domainName: fc.oneof(
        {
          weight: 9,
          arbitrary: fc.constantFrom('abc123.lambda-url.us-east-1.on.aws', 'localhost'),
        },
        fc.constantFrom('localhost:99999', '999.1.1.1'),
      ),
    }),
  );

/** Procedures that write (idempotently) when they succeed. */
const WRITERS = new Set(['users.updateMe', 'products.update', 'addresses.update']);
/**
 * Calls of a batch run concurrently: two writes to one row in one batch end in either order, a
 * race in the test (stock against stock too), not a difference of the fast path.
 */
const racesItself = (spec: Spec) => {
  const writers = spec.paths.filter((path) => WRITERS.has(path));
  return new Set(writers).size !== writers.length;
};

const specs: fc.Arbitrary<Spec> = fc
  .oneof(
    { weight: 3, arbitrary: clean(QUERIES, 'GET') },
    { weight: 3, arbitrary: clean(MUTATIONS, 'POST') },
    // The mutations that can succeed (idempotently): answers with data, not only errors.
    {
      weight: 1,
      arbitrary: clean(['users.updateMe', 'products.update', 'addresses.update'], 'POST'),
    },
    { weight: 4, arbitrary: messy },
  )
  .filter((spec) => !racesItself(spec));

/** The JSON text of the inputs as the spec asks: a batch object, a plain input, or worse. */
function inputText(spec: Spec): string | undefined {
  const batched = spec.batchParam[0] === '1';
  const single = spec.inputs[0];
  switch (spec.inputMode) {
    case 'missing':
      return undefined;
    case 'empty':
      return '';
    case 'malformed':
      return '{"id": ';
    case 'null':
      return 'null';
    case 'array':
      return JSON.stringify(spec.inputs);
    case 'sparse': {
      const sparse: Record<number, unknown> = {};
      spec.inputs.forEach((input, index) => {
        if (index % 2 === 1 && input !== undefined) sparse[index] = input;
      });
      return JSON.stringify(sparse);
    }
    case 'json': {
      if (!batched) {
        const text = single === undefined ? undefined : JSON.stringify(single);
        return spec.surrogate && text ? text.replace(/"Ada"/, '"A\\ud800da"') : text;
      }
      const object: Record<number, unknown> = {};
      spec.inputs.forEach((input, index) => {
        if (input !== undefined) object[index] = input;
      });
      return JSON.stringify(object);
    }
  }
}

function toEvent(spec: Spec): APIGatewayProxyEventV2 {
  const rawPath = `/${spec.paths.join(',')}`;
  const text = inputText(spec);
  const isGet = spec.method.toUpperCase() === 'GET';
  const query: string[] = spec.batchParam.map((value) => `batch=${value}`);
  if (isGet && text !== undefined) {
    const encoded =
      spec.queryEncoding === 'raw'
        ? text
        : spec.queryEncoding === 'plus'
          ? encodeURIComponent(text).replaceAll('%20', '+')
          : encodeURIComponent(text);
    query.push(`input=${encoded}`);
  }
  query.push(...spec.extraQuery);
  const rawQueryString = query.join('&');
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  if (spec.queryParams === 'batchOnlyRaw') delete params.batch;
  if (spec.queryParams === 'batchOnlyParams') params.batch = '1';
  const withParams = spec.queryParams !== 'none' && Object.keys(params).length > 0;

  let body: string | undefined = isGet ? (spec.bodyOnGet ? '{}' : undefined) : text;
  // A lone surrogate itself (not its JSON escape): UTF-8 cannot carry it.
  if (!isGet && spec.surrogate && body !== undefined) body = body.replace('\\ud800', '\ud800');
  if (body !== undefined && spec.base64 !== 'no') {
    const bytes = Buffer.from(body, 'utf8');
    body = Buffer.concat([
      spec.base64 === 'bom' ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
      bytes,
    ]).toString('base64');
  }

  const headers: Record<string, string> = {
    host: spec.domainName,
    'user-agent': 'fast-check',
  };
  if (spec.contentType !== undefined) {
    if (spec.contentTypeKey === 'both') {
      headers['content-type'] = spec.contentType;
      headers['Content-Type'] = 'application/json';
    } else headers[spec.contentTypeKey] = spec.contentType;
  }
  if (spec.accept !== undefined) headers.accept = spec.accept;
  if (spec.trpcAccept !== undefined) headers['trpc-accept'] = spec.trpcAccept;
  if (spec.authorization !== undefined) headers[spec.authorizationKey] = spec.authorization;
  if (spec.oddHeader !== 'none') {
    headers['x-odd'] = { latin1: 'caf\u00e9', snowman: '\u2603', newline: 'line\nbreak' }[
      spec.oddHeader
    ];
  }

  if (spec.version === '1.0') {
    return {
      resource: '/{proxy+}',
      path: rawPath,
      httpMethod: spec.method,
      headers,
      multiValueHeaders: {},
      queryStringParameters: withParams ? params : null,
      multiValueQueryStringParameters: null,
      pathParameters: { proxy: rawPath.slice(1) },
      stageVariables: null,
      requestContext: { domainName: spec.domainName, httpMethod: spec.method },
      body: body ?? null,
      isBase64Encoded: spec.base64 !== 'no' && body !== undefined,
    } as unknown as APIGatewayProxyEventV2;
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(spec.cookies ? { cookies: spec.cookies } : {}),
    headers,
    ...(withParams ? { queryStringParameters: params } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: spec.domainName,
      domainPrefix: 'abc123',
      http: {
        method: spec.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'fast-check',
      },
      requestId: 'request-id',
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: spec.base64 !== 'no' && body !== undefined,
  };
}

describe('the fast path against the stock tRPC adapter', () => {
  it(`answers ${RUNS} generated function-URL events exactly as the stock adapter`, async () => {
    let total = 0;
    let answeredFast = 0;
    const declinedBy = new Map<string, number>();
    const answeredWith = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(specs, async (spec) => {
        const event = toEvent(spec);
        const context = lambdaContext();
        const run = await both(event, context);
        total += 1;
        if (run.answeredFast) {
          answeredFast += 1;
          const { statusCode } = (run.viaFast as { ok: { statusCode: number } }).ok;
          const key = `${spec.method} ${spec.batchParam.length ? 'batch' : 'single'} ${statusCode}`;
          answeredWith.set(key, (answeredWith.get(key) ?? 0) + 1);
        } else {
          const key = `${spec.version} ${spec.method} ${'ok' in run.viaStock ? (run.viaStock.ok as { statusCode: number }).statusCode : 'threw'}`;
          declinedBy.set(key, (declinedBy.get(key) ?? 0) + 1);
        }
        expect(run.viaFast).toStrictEqual(run.viaStock);
        expect(JSON.stringify(run.viaFast)).toBe(JSON.stringify(run.viaStock));
        // Calls of a batch run concurrently: their lines come in the order DynamoDB answers.
        expect(run.fastLogs.toSorted()).toEqual(run.stockLogs.toSorted());
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    const share = answeredFast / total;
    console.log(
      `transport: ${total} events, ${answeredFast} answered by the fast path ` +
        `(${(share * 100).toFixed(1)}%), ${total - answeredFast} declined to the stock adapter`,
      { answeredFast: Object.fromEntries([...answeredWith].sort((a, b) => b[1] - a[1])) },
      { declined: Object.fromEntries([...declinedBy].sort((a, b) => b[1] - a[1])) },
    );
    expect(total).toBeGreaterThanOrEqual(RUNS);
    expect(share).toBeGreaterThanOrEqual(0.3);
  }, 600_000);

  it('answers, through the stock adapter, as the stock adapter when createContext throws', async () => {
    const event = toEvent({
      version: '2.0',
      method: 'GET',
      paths: ['products.byId'],
      batchParam: [],
      inputs: [{ id: fixtures.productId }],
      inputMode: 'json',
      extraQuery: [],
      queryParams: 'same',
      contentType: undefined,
      contentTypeKey: 'content-type',
      accept: undefined,
      trpcAccept: undefined,
      authorization: undefined,
      authorizationKey: 'authorization',
      cookies: undefined,
      base64: 'no',
      bodyOnGet: false,
      oddHeader: 'none',
      queryEncoding: 'component',
      surrogate: false,
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
    });
    // `createContext` reads the request id from the Lambda context: make that throw.
    const context = Object.defineProperty(lambdaContext(), 'awsRequestId', {
      get: () => {
        throw new Error('context unavailable');
      },
    });
    expect(await fast(event, context)).toBeUndefined();
    const run = await both(event, context);
    expect(run.viaFast).toStrictEqual(run.viaStock);
    expect(run.viaStock).toMatchObject({ ok: { statusCode: 500 } });
    expect(run.fastLogs).toEqual(run.stockLogs);
    expect(run.stockLogs).toEqual([expect.stringMatching(/^error request failed/)]);
  });

  it('answers the common requests itself, with the stock headers', async () => {
    const event = toEvent({
      version: '2.0',
      method: 'GET',
      paths: ['products.byId', 'health'],
      batchParam: ['1'],
      inputs: [{ id: fixtures.productId }, undefined],
      inputMode: 'json',
      extraQuery: [],
      queryParams: 'same',
      contentType: undefined,
      contentTypeKey: 'content-type',
      accept: undefined,
      trpcAccept: undefined,
      authorization: `Bearer ${fixtures.tokens.access}`,
      authorizationKey: 'authorization',
      cookies: ['a=b'],
      base64: 'no',
      bodyOnGet: false,
      oddHeader: 'none',
      queryEncoding: 'component',
      surrogate: false,
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
    });
    const answer = await fast(event, lambdaContext());
    expect(answer).toMatchObject({
      statusCode: 200,
      cookies: [],
      headers: {
        'cache-control': 'no-store',
        'content-type': 'application/json',
        vary: 'trpc-accept, accept',
      },
    });
  });
});

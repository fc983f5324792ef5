import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createServices, tableNamesFor } from '@shop/core';
import { createHandler } from '../src/app.ts';
import type { Deps } from '../src/context.ts';
import { useHarness, validProduct, type Harness } from './support/harness.ts';
import { jsonEvent, lambdaContext } from '@shop/testing';

const { h, admin } = useHarness();
let handler: ReturnType<typeof createHandler>;
let productId: string;

/** Tokens in these tests are names; the verifier itself is tested in auth.test.ts. */
const shopper = { id: randomUUID(), username: 'shopper', groups: [], isAdmin: false };
const verifier = {
  verify: (token: string) =>
    token === 'shopper-token' ? Promise.resolve(shopper) : Promise.reject(new Error('bad token')),
};

beforeAll(async () => {
  const deps: Deps = { ...h.deps, verifier };
  handler = createHandler(deps);
  productId = (await admin.products.create(validProduct({ name: 'Handler widget' }))).id;
});

async function invoke(event: ReturnType<typeof jsonEvent>, h2 = handler) {
  const result = await h2(event, lambdaContext());
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    json: JSON.parse(result.body ?? 'null') as unknown,
    raw: result.body ?? '',
  };
}

type TrpcResult = {
  result?: { data: unknown };
  error?: { message: string; data: Record<string, unknown> };
};

describe('the Lambda function-URL handler', () => {
  it('answers a GET query', async () => {
    const res = await invoke(
      jsonEvent({
        method: 'GET',
        path: '/products.byId',
        query: { input: JSON.stringify({ id: productId }) },
      }),
    );
    expect(res.status).toBe(200);
    expect((res.json as TrpcResult).result?.data).toMatchObject({
      id: productId,
      name: 'Handler widget',
    });
  });

  it('answers a GET or HEAD that carries a body (a function URL forwards one) instead of a 502', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const event = jsonEvent({
        method: 'GET',
        path: '/products.byId',
        query: { input: JSON.stringify({ id: productId }) },
        body: '{"ignored":true}',
      });
      event.requestContext.http.method = method;
      const res = await handler(event, lambdaContext());
      // tRPC answers HEAD with an empty 204.
      expect(res.statusCode).toBe(method === 'GET' ? 200 : 204);
    }
  });

  it('answers health without any token', async () => {
    const res = await invoke(jsonEvent({ method: 'GET', path: '/health' }));
    expect(res.status).toBe(200);
    expect((res.json as TrpcResult).result?.data).toMatchObject({ status: 'ok', version: 'test' });
  });

  it('runs a POST mutation with a bearer token and marks the answer no-store', async () => {
    const res = await invoke(
      jsonEvent({
        method: 'POST',
        path: '/addresses.create',
        body: JSON.stringify({
          recipientName: 'Pat Shopper',
          street: '1 Main St',
          city: 'Springfield',
          state: 'IL',
          zipCode: '62701',
          country: 'us',
        }),
        headers: { authorization: 'Bearer shopper-token' },
      }),
    );
    expect(res.status).toBe(200);
    expect((res.json as TrpcResult).result?.data).toMatchObject({
      userId: shopper.id,
      country: 'US',
      isDefault: true,
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('accepts a base64-encoded body', async () => {
    const res = await invoke(
      jsonEvent({
        method: 'POST',
        path: '/users.updateMe',
        body: JSON.stringify({ firstName: 'Base' }),
        base64: true,
        headers: { authorization: 'Bearer shopper-token' },
      }),
    );
    // The shopper has no Users row in this test, so the profile is NOT_FOUND — after decoding.
    expect(res.status).toBe(404);
    expect((res.json as TrpcResult).error?.data.code).toBe('NOT_FOUND');
  });

  it('answers a batch of queries in one response', async () => {
    const res = await invoke(
      jsonEvent({
        method: 'GET',
        path: '/health,products.byId',
        query: { batch: '1', input: JSON.stringify({ 1: { id: productId } }) },
      }),
    );
    expect(res.status).toBe(200);
    const [health, product] = res.json as TrpcResult[];
    expect(health?.result?.data).toMatchObject({ status: 'ok' });
    expect(product?.result?.data).toMatchObject({ id: productId });
  });

  it('refuses a batch larger than 10 calls with BAD_REQUEST', async () => {
    const paths = Array.from({ length: 11 }, () => 'health').join(',');
    const res = await invoke(
      jsonEvent({ method: 'GET', path: `/${paths}`, query: { batch: '1', input: '{}' } }),
    );
    expect(res.status).toBe(400);
    expect(res.raw).toContain('BAD_REQUEST');
  });

  it('answers malformed JSON with a 4xx, not a 500', async () => {
    const res = await invoke(
      jsonEvent({ method: 'POST', path: '/users.login', body: '{"email": ' }),
    );
    expect(res.status).toBe(400);
    expect((res.json as TrpcResult).error?.data.code).toBe('BAD_REQUEST');
  });

  it('answers an unknown procedure with NOT_FOUND', async () => {
    const res = await invoke(jsonEvent({ method: 'GET', path: '/products.nope' }));
    expect(res.status).toBe(404);
    expect((res.json as TrpcResult).error?.data.code).toBe('NOT_FOUND');
  });

  it('gives field paths for invalid input', async () => {
    const res = await invoke(
      jsonEvent({
        method: 'GET',
        path: '/products.list',
        query: { input: JSON.stringify({ limit: 101 }) },
      }),
    );
    expect(res.status).toBe(400);
    const error = (res.json as TrpcResult).error;
    expect(error?.data.code).toBe('BAD_REQUEST');
    expect(error?.data.validation).toEqual([expect.objectContaining({ path: ['limit'] })]);
  });

  it('refuses a bad token on a user procedure, but not on a public one', async () => {
    const user = await invoke(
      jsonEvent({
        method: 'GET',
        path: '/users.me',
        headers: { authorization: 'Bearer forged' },
      }),
    );
    expect(user.status).toBe(401);
    expect(user.headers['cache-control']).toBe('no-store');
    const open = await invoke(
      jsonEvent({
        method: 'GET',
        path: '/health',
        headers: { authorization: 'Bearer forged' },
      }),
    );
    expect(open.status).toBe(200);
  });

  it('hides a DynamoDB failure behind a generic 500 and logs it once with the request id', async () => {
    const doc = createDocumentClient({
      region: 'us-east-1',
      endpoint: h.db.doc.config.endpoint ? await endpointOf(h) : undefined,
      maxAttempts: 1,
    });
    const missingTables = tableNamesFor(`missing-${randomUUID().slice(0, 6)}-`);
    const logged: { message: string; entry: Record<string, unknown> }[] = [];
    const record = (message: string, entry: Record<string, unknown>) =>
      logged.push({ message, entry });
    const broken = createHandler(
      {
        ...h.deps,
        verifier,
        services: createServices({ doc, tables: missingTables, cursorSecret: 'x'.repeat(32) }),
      },
      { error: record, info: record },
    );
    const context = lambdaContext();
    const result = await broken(jsonEvent({ method: 'GET', path: '/products.list' }), context);

    expect(result.statusCode).toBe(500);
    const body = result.body ?? '';
    expect(body).not.toContain(missingTables.Products);
    expect(body).not.toMatch(/ResourceNotFound|stack|at .*\.ts/);
    const error = (JSON.parse(body) as TrpcResult).error;
    expect(error?.message).toBe('Something went wrong on our side. Please retry later.');
    expect(error?.data).not.toHaveProperty('stack');

    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toBe('request failed');
    expect(logged[0]?.entry).toMatchObject({
      requestId: context.awsRequestId,
      path: 'products.list',
      code: 'INTERNAL_SERVER_ERROR',
    });
    expect((logged[0]?.entry.error as Error).name).toBe('ResourceNotFoundException');
  });
});

async function endpointOf(harness: Harness): Promise<string> {
  const endpoint = await harness.db.doc.config.endpoint?.();
  if (!endpoint) throw new Error('test DocumentClient has no endpoint');
  return `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`;
}

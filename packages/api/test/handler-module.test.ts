import http from 'node:http';
import https from 'node:https';
import { inject, describe, expect, it, vi } from 'vitest';
import { createTestDb } from '@shop/testing/vitest';
import { jsonEvent, lambdaContext } from '@shop/testing';

describe('the deployed handler module', () => {
  it('makes no network call on import and answers public procedures without Cognito', async () => {
    const db = await createTestDb();
    await db.services.products.create({
      name: 'Module widget',
      description: '',
      price: 100,
      category: 'module',
      stock: 1,
    });

    // `local` is the only stage allowed to point at DynamoDB Local; Cognito is unreachable here.
    vi.stubEnv('SHOP_STAGE', 'local');
    vi.stubEnv('SHOP_TABLE_PREFIX', db.prefix);
    vi.stubEnv('DYNAMODB_ENDPOINT', inject('dynamoEndpoint'));
    vi.stubEnv('COGNITO_ENDPOINT', 'http://127.0.0.1:9');
    vi.stubEnv('COGNITO_USER_POOL_ID', 'local_nothing');
    vi.stubEnv('COGNITO_CLIENT_ID', 'nothing');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');

    const requests = [vi.spyOn(http, 'request'), vi.spyOn(https, 'request')];
    const fetches = vi.spyOn(globalThis, 'fetch');
    const { handler } = await import('../src/handler.ts');
    expect(requests.map((r) => r.mock.calls.length)).toEqual([0, 0]);
    expect(fetches).not.toHaveBeenCalled();

    const list = await handler(
      jsonEvent({
        method: 'GET',
        path: '/products.list',
        query: { input: JSON.stringify({ category: 'module' }) },
      }),
      lambdaContext(),
    );
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Module widget');
    // DynamoDB was reached; Cognito never was.
    expect(fetches).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('refuses to start with a clear error naming a missing variable', async () => {
    const { loadConfig } = await import('../src/config.ts');
    expect(() => loadConfig({ SHOP_STAGE: 'dev', SHOP_TABLE_PREFIX: 'x' })).toThrow(
      /COGNITO_USER_POOL_ID/,
    );
    expect(() =>
      loadConfig({
        SHOP_STAGE: 'prod',
        SHOP_TABLE_PREFIX: 'x',
        COGNITO_USER_POOL_ID: 'p',
        COGNITO_CLIENT_ID: 'c',
        AWS_REGION: 'us-east-1',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      }),
    ).toThrow(/only allowed when SHOP_STAGE is local/);
  });
});

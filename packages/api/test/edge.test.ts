import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_VIEWER_REQUEST_FUNCTION, SHOP_AUTHORIZATION_HEADER } from '@shop/core';
import { jsonEvent } from '@shop/testing';
import type { AuthUser, TokenVerifier } from '../src/auth.ts';
import { createContext, type Deps } from '../src/context.ts';
import { useHarness } from './support/harness.ts';

/**
 * The deployed edge carries the viewer's bearer token to the handler in `x-shop-authorization`
 * (origin access control overwrites `Authorization` with its signature). The CloudFront Function
 * is run here from its deployed source, in a fresh V8 context as CloudFront runs it, and its
 * output goes through the handler's own `createContext`.
 */
type Headers = Record<string, { value: string }>;
interface CfRequest {
  method: string;
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Headers;
}
const viewerRequest = runInNewContext(`${API_VIEWER_REQUEST_FUNCTION}\nhandler;`) as (event: {
  request: CfRequest;
}) => CfRequest;

const edge = (uri: string, headers: Record<string, string>) =>
  viewerRequest({
    request: {
      method: 'GET',
      uri,
      querystring: {},
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { value: v }])),
    },
  });

/** What the function URL hands the handler: the function's headers, Authorization signed. */
const SIGNATURE = 'AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/lambda/aws4_request, x';
const originEvent = (out: CfRequest) =>
  jsonEvent({
    method: 'GET',
    path: out.uri,
    headers: {
      ...Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k, v.value])),
      authorization: SIGNATURE,
    },
  });

const ALICE: AuthUser = { id: 'alice', username: 'alice', groups: [], isAdmin: false };
const verifier: TokenVerifier = {
  verify: (token: string) =>
    token === 'alice-token' ? Promise.resolve(ALICE) : Promise.reject(new Error('bad token')),
};

const { h } = useHarness();
let deps: Deps;
beforeAll(() => {
  deps = { ...h.deps, verifier };
});

describe('the /api viewer-request function', () => {
  it("copies the viewer's Authorization into x-shop-authorization, which the handler verifies", async () => {
    const out = edge('/api/users.me', { authorization: 'Bearer alice-token' });
    expect(out.headers[SHOP_AUTHORIZATION_HEADER]).toEqual({ value: 'Bearer alice-token' });
    const ctx = await createContext(originEvent(out), deps);
    expect(ctx.user?.id).toBe('alice');
  });

  it('drops a client-sent x-shop-authorization: no one can pass a token they do not send', async () => {
    // Alice's token smuggled in the edge's header, no Authorization of the caller's own.
    const out = edge('/api/users.me', { [SHOP_AUTHORIZATION_HEADER]: 'Bearer alice-token' });
    expect(out.headers[SHOP_AUTHORIZATION_HEADER]).toBeUndefined();
    const ctx = await createContext(originEvent(out), deps);
    // Anonymous, and not "rejected": the signature in Authorization is not taken for a token.
    expect(ctx.user).toBeNull();
    expect(ctx.tokenRejected).toBe(false);
  });

  it("overwrites a client's value with the caller's own Authorization, which is then checked", async () => {
    const out = edge('/api/users.me', {
      authorization: 'Bearer forged',
      [SHOP_AUTHORIZATION_HEADER]: 'Bearer alice-token',
    });
    expect(out.headers[SHOP_AUTHORIZATION_HEADER]).toEqual({ value: 'Bearer forged' });
    const ctx = await createContext(originEvent(out), deps);
    expect(ctx.user).toBeNull();
    expect(ctx.tokenRejected).toBe(true);
  });

  it('strips the /api prefix and nothing else', () => {
    expect(edge('/api/products.list', {}).uri).toBe('/products.list');
    expect(edge('/api/products.list,products.byId', {}).uri).toBe('/products.list,products.byId');
    expect(edge('/api', {}).uri).toBe('/');
    expect(edge('/api/', {}).uri).toBe('/');
    expect(edge('/apix/products.list', {}).uri).toBe('/apix/products.list');
    expect(edge('/products.list', {}).uri).toBe('/products.list');
  });
});

describe('the handler called directly (pnpm local, tests)', () => {
  it('reads Authorization when no edge carried it, but never takes a SigV4 signature for one', async () => {
    const direct = jsonEvent({
      method: 'GET',
      path: '/users.me',
      headers: { authorization: 'Bearer alice-token' },
    });
    expect((await createContext(direct, deps)).user?.id).toBe('alice');
    const signedOnly = jsonEvent({
      method: 'GET',
      path: '/users.me',
      headers: { authorization: SIGNATURE },
    });
    const ctx = await createContext(signedOnly, deps);
    expect(ctx.user).toBeNull();
    expect(ctx.tokenRejected).toBe(false);
  });
});

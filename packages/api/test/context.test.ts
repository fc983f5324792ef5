import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AuthUser, TokenVerifier } from '../src/auth.ts';
import {
  createContext,
  createContextInner,
  viewerAuthorization,
  viewerContext,
  type Deps,
} from '../src/context.ts';

/**
 * The auth context, header by header: which `Authorization` value is the viewer's, what a
 * well-formed bearer value is, and what a refused token leaves in the context. No emulator: the
 * verifier accepts exactly one token.
 */
const user: AuthUser = { id: 'user-1', username: 'ada', groups: [], isAdmin: false };
const seen: string[] = [];
const verifier: TokenVerifier = {
  verify: (token) => {
    seen.push(token);
    return token === 'good.token'
      ? Promise.resolve(user)
      : Promise.reject(new Error('Invalid or expired token'));
  },
};
const deps = { verifier } as unknown as Deps;

const event = (headers: Record<string, string>) =>
  ({ headers }) as unknown as APIGatewayProxyEventV2;

const contextOf = async (headers: Record<string, string>) => {
  seen.length = 0;
  const { user, accessToken, tokenRejected, viewer, requestId } = await createContext(
    event(headers),
    deps,
    'req-1',
  );
  return { user, accessToken, tokenRejected, viewer, requestId, verified: [...seen] };
};

const anonymous = { user: null, accessToken: null, tokenRejected: false };
const rejected = { user: null, accessToken: null, tokenRejected: true };

describe('createContext', () => {
  it('is anonymous, not refused, without an Authorization header', async () => {
    expect(await contextOf({})).toMatchObject({ ...anonymous, requestId: 'req-1', verified: [] });
  });

  it('verifies a bearer token, in any case of the scheme, and keeps the token', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      expect(await contextOf({ authorization: `${scheme} good.token` })).toMatchObject({
        user,
        accessToken: 'good.token',
        tokenRejected: false,
        verified: ['good.token'],
      });
    }
    expect(await contextOf({ Authorization: 'Bearer good.token' })).toMatchObject({ user });
  });

  it('refuses, without asking the verifier, anything but "Bearer", one space and one token', async () => {
    for (const value of [
      'Bearer',
      'Bearer ',
      'Bearer  good.token',
      'Bearer good.token extra',
      'Bearer good.token ',
      'Bearer\tgood.token',
      'Basic good.token',
      'xBearer good.token',
      'good.token',
    ]) {
      expect(await contextOf({ authorization: value }), value).toMatchObject({
        ...rejected,
        verified: [],
      });
    }
  });

  it('refuses a token the verifier refuses, and keeps no token', async () => {
    expect(await contextOf({ authorization: 'Bearer bad.token' })).toMatchObject({
      ...rejected,
      verified: ['bad.token'],
    });
  });

  it("takes the edge's x-shop-authorization over Authorization, and ignores a SigV4 signature", async () => {
    const sigv4 = 'AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/lambda/aws4_request, x';
    expect(
      await contextOf({ 'x-shop-authorization': 'Bearer good.token', authorization: sigv4 }),
    ).toMatchObject({ user, accessToken: 'good.token' });
    expect(
      await contextOf({
        'x-shop-authorization': 'Bearer bad.token',
        authorization: 'Bearer good.token',
      }),
    ).toMatchObject({ ...rejected, verified: ['bad.token'] });
    // Through the edge without a token: anonymous, whatever the signature says.
    expect(await contextOf({ authorization: sigv4 })).toMatchObject({ ...anonymous, verified: [] });
    expect(
      await contextOf({ 'x-shop-authorization': '', authorization: 'Bearer good.token' }),
    ).toMatchObject({ ...anonymous, verified: [] });
  });

  it("carries the viewer's address", async () => {
    expect((await contextOf({ 'cloudfront-viewer-address': '198.51.100.2:443' })).viewer).toEqual({
      ipAddress: '198.51.100.2',
    });
    expect((await contextOf({})).viewer).toBeUndefined();
  });
});

describe('createContextInner', () => {
  it('keeps the access token only with a user, and is not refused unless told', () => {
    expect(createContextInner({ user, deps, accessToken: 't' })).toMatchObject({
      user,
      accessToken: 't',
      tokenRejected: false,
    });
    expect(createContextInner({ user, deps })).toMatchObject({ accessToken: null });
    expect(createContextInner({ user: null, deps, accessToken: 't' })).toMatchObject({
      user: null,
      accessToken: null,
    });
    expect(createContextInner({ user: null, deps, tokenRejected: true }).tokenRejected).toBe(true);
  });
});

describe('viewerContext edge cases', () => {
  it('trims the header, unbrackets an IPv6 address and needs a port', () => {
    expect(viewerContext({ 'cloudfront-viewer-address': ' 198.51.100.2:443 ' })).toEqual({
      ipAddress: '198.51.100.2',
    });
    expect(viewerContext({ 'cloudfront-viewer-address': '[2001:db8::1]:443' })).toEqual({
      ipAddress: '2001:db8::1',
    });
    expect(viewerContext({ 'cloudfront-viewer-address': '198.51.100.2' })).toBeUndefined();
    expect(viewerContext({ 'cloudfront-viewer-address': '[]:443' })).toBeUndefined();
    // Only a whole bracketed address loses its brackets.
    expect(viewerContext({ 'cloudfront-viewer-address': '[2001:db8::1]x:443' })).toEqual({
      ipAddress: '[2001:db8::1]x',
    });
    expect(viewerContext({ 'cloudfront-viewer-address': 'x[2001:db8::1]:443' })).toEqual({
      ipAddress: 'x[2001:db8::1]',
    });
  });
});

describe('viewerAuthorization', () => {
  it('is undefined for an event without headers, and takes a signature only at the start', () => {
    expect(viewerAuthorization(undefined)).toBeUndefined();
    expect(viewerAuthorization({})).toBeUndefined();
    expect(viewerAuthorization({ authorization: 'Basic AWS4-HMAC-SHA256 x' })).toBe(
      'Basic AWS4-HMAC-SHA256 x',
    );
  });
});

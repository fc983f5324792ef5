import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// The built package (dist/), as an app imports it.
import {
  createSession,
  createShopClient,
  memoryStorage,
  PAYLOAD_HASH_HEADER,
  sha256Hex,
  withPayloadHash,
} from '@shop/client';

interface Seen {
  method: string;
  url: string;
  body: string;
  hash: string | null;
}

/** A fetch that records each request and answers it with a tRPC error (or `answer`). */
function recorder(answer?: (url: string) => Response | undefined) {
  const seen: Seen[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    seen.push({
      method: init?.method ?? 'GET',
      url,
      body: typeof init?.body === 'string' ? init.body : '',
      hash: new Headers(init?.headers).get(PAYLOAD_HASH_HEADER),
    });
    return Promise.resolve(
      answer?.(url) ??
        Response.json(
          { error: { message: 'nope', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR' } } },
          { status: 500 },
        ),
    );
  };
  return { seen, fetch };
}

const nodeSha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('x-amz-content-sha256', () => {
  it('is the hex SHA-256 of the body (Web Crypto), known vectors and Node agree', async () => {
    expect(await sha256Hex('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const json = JSON.stringify({ name: 'Café ☕', lines: [{ quantity: 2 }] });
    expect(await sha256Hex(json)).toBe(nodeSha256(json));
    expect(await sha256Hex(new TextEncoder().encode(json))).toBe(nodeSha256(json));
  });

  it.each(['batch', 'stream'] as const)(
    'goes on every POST of the %s link, and never on a GET',
    async (link) => {
      const { seen, fetch } = recorder();
      const client = createShopClient({ url: 'http://shop.test/api', link, fetch });
      await Promise.allSettled([
        client.products.list.query({ limit: 2 }),
        client.users.forgotPassword.mutate({ email: 'ann@example.com' }),
        client.users.forgotPassword.mutate({ email: 'bob@example.com' }),
      ]);
      const posts = seen.filter((s) => s.method === 'POST');
      const gets = seen.filter((s) => s.method === 'GET');
      expect(posts.length).toBeGreaterThanOrEqual(1);
      expect(gets.length).toBeGreaterThanOrEqual(1);
      for (const post of posts) {
        expect(post.body).toContain('@example.com');
        expect(post.hash).toBe(nodeSha256(post.body));
      }
      for (const get of gets) expect(get.hash).toBeNull();
    },
  );

  it("goes on the session's refresh (the plain httpLink)", async () => {
    const { seen, fetch } = recorder();
    const session = createSession({ storage: memoryStorage() });
    session.signIn({ accessToken: 'old', refreshToken: 'refresh-1', expiresIn: 0 });
    createShopClient({ url: 'http://shop.test/api', session, fetch });
    await session.getAccessToken();
    const refresh = seen.find((s) => s.url.includes('users.refresh'))!;
    expect(refresh.method).toBe('POST');
    expect(refresh.body).toContain('refresh-1');
    expect(refresh.hash).toBe(nodeSha256(refresh.body));
  });

  it('keeps the headers it was given and hashes an empty POST as empty', async () => {
    const { seen, fetch } = recorder(() => new Response('ok'));
    const hashing = withPayloadHash(fetch);
    await hashing('http://shop.test/x', {
      method: 'post',
      headers: { authorization: 'Bearer t' },
    });
    expect(seen[0]!.hash).toBe(nodeSha256(''));
    await hashing('http://shop.test/x', { method: 'GET', headers: { authorization: 'Bearer t' } });
    expect(seen[1]!.hash).toBeNull();
  });
});

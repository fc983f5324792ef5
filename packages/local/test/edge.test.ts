import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SHOP_AUTHORIZATION_HEADER } from '@shop/core';
import { createLocalEdge, FORBIDDEN_BODY, LOCAL_EDGE_SIGNATURE } from '../src/edge.ts';

/**
 * The local edge in front of two stand-ins: an "API" that echoes what reached it, and a "Vite"
 * that serves a page. What matters is what the edge lets through, and what it answers itself.
 */
interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

const api = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const echo: Echo = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(echo));
  });
});
const vite = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><title>shop</title>');
});
const NONCE = 'test-nonce-123';
let edge: Server;
let base: string;

beforeAll(async () => {
  const apiPort = await listen(api);
  const webPort = await new Promise<number>((resolve) =>
    vite.listen(0, 'localhost', () => resolve((vite.address() as AddressInfo).port)),
  );
  edge = createLocalEdge({ apiPort, webPort, nonce: NONCE });
  base = `http://127.0.0.1:${await listen(edge)}`;
});
afterAll(() => {
  for (const server of [edge, api, vite]) server?.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('pnpm local: /api/* as the deployed edge answers it', () => {
  it('refuses a POST without the payload hash, or with a wrong one, with 403 like the URL', async () => {
    const body = JSON.stringify({ email: 'ann@example.com' });
    const attempts: Record<string, string>[] = [
      {},
      { 'x-amz-content-sha256': sha256('something else') },
    ];
    for (const headers of attempts) {
      const response = await post('/api/users.forgotPassword', body, headers);
      expect(response.status).toBe(403);
      expect(await response.text()).toBe(FORBIDDEN_BODY);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('passes a POST with the right hash, the viewer token carried, /api stripped', async () => {
    const body = JSON.stringify({ email: 'ann@example.com' });
    const response = await post('/api/users.forgotPassword?batch=1', body, {
      'x-amz-content-sha256': sha256(body),
      authorization: 'Bearer viewer-token',
      [SHOP_AUTHORIZATION_HEADER]: 'Bearer someone-else',
      cookie: 'session=1',
    });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo).toMatchObject({ method: 'POST', url: '/users.forgotPassword?batch=1', body });
    expect(echo.headers[SHOP_AUTHORIZATION_HEADER]).toBe('Bearer viewer-token');
    expect(echo.headers.authorization).toBe(LOCAL_EDGE_SIGNATURE);
    expect(echo.headers['cloudfront-viewer-address']).toMatch(/^(::ffff:)?127\.0\.0\.1:\d+$/);
    // Only the origin request policy's headers: no cookie.
    expect(echo.headers.cookie).toBeUndefined();
  });

  it('drops a client-sent x-shop-authorization when the caller sends no Authorization', async () => {
    const response = await fetch(`${base}/api/users.me`, {
      headers: { [SHOP_AUTHORIZATION_HEADER]: 'Bearer someone-else' },
    });
    const echo = (await response.json()) as Echo;
    expect(echo.url).toBe('/users.me');
    expect(echo.headers[SHOP_AUTHORIZATION_HEADER]).toBeUndefined();
  });

  it('needs no hash on GET, and adds the security headers to the site and the API', async () => {
    const answers = [await fetch(`${base}/api/health`), await fetch(`${base}/orders/1`)];
    for (const response of answers) {
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy')!;
      // The production policy, plus the dev server's nonce for what Vite injects.
      expect(csp.replaceAll(` 'nonce-${NONCE}'`, '')).toBe(CONTENT_SECURITY_POLICY);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=63072000/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
    expect(await answers[1]!.text()).toContain('<title>shop</title>');
  });
});

/**
 * The web origin of `pnpm local` (http://localhost:5173), answering as the deployed edge does
 * (stacks/Edge.ts, one CloudFront distribution):
 * - `/api/*` → the API, as CloudFront with a Lambda origin access control calls the function URL:
 *   a `POST` without the right `x-amz-content-sha256` is refused with 403 before the function
 *   runs; the SAME CloudFront Function source runs on the request (the viewer's `Authorization`
 *   carried in `x-shop-authorization`, a client's own value of it dropped, `/api` stripped); only
 *   the origin request policy's headers go on, `Authorization` replaced by a signature as OAC
 *   does, and `cloudfront-viewer-address` added;
 * - everything else → the web app's Vite dev server (hot reload, its websocket included);
 * - every answer carries the production security headers (packages/core/src/edge.ts).
 */
import { createHash } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { runInNewContext } from 'node:vm';
import {
  API_FORWARDED_HEADERS,
  API_PATH_PREFIX,
  API_VIEWER_REQUEST_FUNCTION,
  PAYLOAD_HASH_HEADER,
  securityHeaders,
  VIEWER_ADDRESS_HEADER,
} from '@shop/core';
import { MAX_BODY_BYTES } from './function-url.ts';
import { hardenServer } from './server.ts';

interface CloudFrontRequest {
  method: string;
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
}

/** The `/api/*` viewer-request function, compiled from the very source the stack deploys. */
export const apiViewerRequest = runInNewContext(
  `${API_VIEWER_REQUEST_FUNCTION}\nhandler;`,
) as (event: { request: CloudFrontRequest }) => CloudFrontRequest;

/** What a function URL with `AuthType AWS_IAM` answers a request it cannot authenticate. */
export const FORBIDDEN_BODY = JSON.stringify({
  Message:
    'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
});

/** Stands in for the SigV4 `Authorization` origin access control puts on the origin request. */
export const LOCAL_EDGE_SIGNATURE =
  'AWS4-HMAC-SHA256 Credential=LOCALEDGE/19700101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=local';

export const isApiPath = (url: string | undefined) =>
  url !== undefined && (url === API_PATH_PREFIX || /^\/api[/?]/.test(url));

const single = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(',') : value;

/** The origin request: the function's output, the policy's headers, the signature. */
export function originRequest(
  req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>,
  viewerAddress: string,
): { path: string; headers: OutgoingHttpHeaders } {
  const url = new URL(req.url ?? '/', 'http://edge.local');
  const headers: Record<string, { value: string }> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const text = single(value);
    if (text !== undefined) headers[name.toLowerCase()] = { value: text };
  }
  const out = apiViewerRequest({
    request: { method: req.method ?? 'GET', uri: url.pathname, querystring: {}, headers },
  });
  const forwarded: OutgoingHttpHeaders = {};
  for (const name of API_FORWARDED_HEADERS) {
    const value = out.headers[name]?.value;
    if (value !== undefined) forwarded[name] = value;
  }
  forwarded[VIEWER_ADDRESS_HEADER] = viewerAddress;
  forwarded.authorization = LOCAL_EDGE_SIGNATURE;
  return { path: `${out.uri}${url.search}`, headers: forwarded };
}

export interface LocalEdgeOptions {
  /** The API's HTTP port on 127.0.0.1 (`pnpm local --port`). */
  apiPort: number;
  /** The Vite dev server's port on localhost. */
  webPort: number;
  /** The CSP nonce Vite puts on its injected script and styles (see contentSecurityPolicy). */
  nonce: string;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
  });
}

export function createLocalEdge(options: LocalEdgeOptions): Server {
  const headers = securityHeaders({ nonce: options.nonce });
  const answer = (res: ServerResponse, status: number, body: string) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  const relay = (res: ServerResponse) => (upstream: IncomingMessage) => {
    res.writeHead(upstream.statusCode ?? 502, { ...upstream.headers, ...headers });
    upstream.pipe(res);
  };

  async function api(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, JSON.stringify({ message: 'Too large' }));
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'POST' || method === 'PUT') {
      const hash = single(req.headers[PAYLOAD_HASH_HEADER]);
      if (hash !== createHash('sha256').update(body).digest('hex')) {
        return answer(res, 403, FORBIDDEN_BODY);
      }
    }
    const viewer = `${req.socket.remoteAddress ?? '127.0.0.1'}:${req.socket.remotePort ?? 0}`;
    const { path, headers: forwarded } = originRequest(req, viewer);
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: options.apiPort,
        method,
        path,
        headers: { ...forwarded, 'content-length': body.length },
      },
      relay(res),
    );
    upstream.on('error', () => answer(res, 502, JSON.stringify({ message: 'Bad Gateway' })));
    upstream.end(body);
  }

  function web(req: IncomingMessage, res: ServerResponse) {
    const upstream = httpRequest(
      {
        host: 'localhost',
        port: options.webPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      relay(res),
    );
    upstream.on('error', () => answer(res, 502, JSON.stringify({ message: 'Bad Gateway' })));
    req.pipe(upstream);
  }

  const server = hardenServer(createServer());
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isApiPath(req.url)) void api(req, res);
    else web(req, res);
  });
  // Vite's hot-reload websocket: the raw upgrade, piped both ways.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (isApiPath(req.url)) return void socket.destroy();
    const upstream = connect(options.webPort, 'localhost', () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
  });
  return server;
}

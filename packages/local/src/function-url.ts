import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { corsPolicy, type CorsPolicy } from '@shop/core';
import { functionUrlEvent, lambdaContext } from '@shop/testing';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/** What AWS allows in a synchronous Lambda request body. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * How long a request body may stall before the client gets a 408. Besides clients that stop
 * mid-body, this answers requests Node's parser stops reading without an error (an `Upgrade:`
 * request with a malformed chunked body, on Node 20).
 */
export const BODY_IDLE_TIMEOUT_MS = 5_000;

export type FunctionUrlHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | string | void>;

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/i;

/**
 * The path and query of a request target, or `undefined` when no function URL could be asked
 * for it. Never throws: `new URL('//', base)` would (it reads `//` as a host), so an origin-form
 * target is appended to a fixed origin instead of resolved against it. An absolute-form target
 * (`GET http://host/path`, legal towards proxies) keeps only its path and query.
 */
export function parseTarget(target: string | undefined): URL | undefined {
  if (!target) return undefined;
  if (target.startsWith('/')) {
    const href = `http://localhost${target}`;
    return URL.canParse(href) ? new URL(href) : undefined;
  }
  if (/^https?:\/\//i.test(target) && URL.canParse(target)) {
    const absolute = new URL(target);
    return new URL(`http://localhost${absolute.pathname}${absolute.search}`);
  }
  return undefined;
}

/** Turns a Node HTTP request into the payload 2.0 event a Lambda function URL would deliver. */
export function toFunctionUrlEvent(
  req: IncomingMessage,
  body: Buffer,
  requestId: string,
): APIGatewayProxyEventV2 {
  const url = parseTarget(req.url);
  if (!url) throw new RangeError(`Unusable request target: ${req.url}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headersDistinct)) {
    if (value) headers[name] = value.join(name === 'cookie' ? '; ' : ',');
  }
  // HTTP/1.0 may omit Host; a function URL event always has one.
  headers.host ??= `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`;
  const isText = body.length === 0 || TEXT_TYPES.test(req.headers['content-type'] ?? '');
  return functionUrlEvent({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.search.slice(1),
    headers,
    ...(body.length ? { body: isText ? body.toString('utf8') : body } : {}),
    requestId,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${req.httpVersion}`,
  });
}

const lambdaContextFor = (requestId: string): Context =>
  lambdaContext({ requestId, timeoutMs: 30_000, functionName: 'shop-api-local' });

/** Writes a function-URL result back as an HTTP response, as the Lambda URL front end does. */
export function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyStructuredResultV2 | string | void,
  extraHeaders: (headers: OutgoingHttpHeaders) => OutgoingHttpHeaders = (headers) => headers,
): void {
  if (typeof result === 'string' || result === undefined) {
    res.writeHead(200, extraHeaders({ 'content-type': 'application/json' })).end(result ?? '');
    return;
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  res.writeHead(result.statusCode ?? 200, extraHeaders(headers)).end(body);
}

/**
 * CORS as a function URL with a CORS configuration applies it, in front of the function:
 * - every `OPTIONS` request is answered by the front end itself (200, empty body) without
 *   invoking the function; for an allowed `Origin` the answer carries the allowed origin,
 *   methods and headers and the max-age, for any other origin no CORS header at all;
 * - on every other response to an allowed `Origin`, `Access-Control-Allow-Origin` (the request's
 *   origin), `Access-Control-Expose-Headers` and `Vary: Origin` are set, replacing any CORS header
 *   the function returned; a disallowed origin gets the function's answer without CORS headers.
 */
function corsHeaders(policy: CorsPolicy | false, origin: string | undefined, preflight: boolean) {
  if (!policy || origin === undefined || !policy.allowOrigins.includes(origin)) return {};
  const headers: OutgoingHttpHeaders = { 'access-control-allow-origin': origin };
  if (preflight) {
    headers['access-control-allow-methods'] = policy.allowMethods.join(',');
    headers['access-control-allow-headers'] = policy.allowHeaders.join(',');
    headers['access-control-max-age'] = String(policy.maxAgeSeconds);
  } else if (policy.exposeHeaders.length) {
    headers['access-control-expose-headers'] = policy.exposeHeaders.join(',');
  }
  return headers;
}

function withCors(
  headers: OutgoingHttpHeaders,
  policy: CorsPolicy | false,
  origin: string | undefined,
): OutgoingHttpHeaders {
  if (!policy) return headers;
  const merged: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('access-control-')) merged[name] = value;
  }
  const vary = [merged.vary ?? []]
    .flat()
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (!vary.some((v) => v.toLowerCase() === 'origin')) vary.push('Origin');
  merged.vary = vary.join(', ');
  return { ...merged, ...corsHeaders(policy, origin, false) };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** An answer from the shim itself (not the function), if the response can still take one. */
function answer(res: ServerResponse, status: number, message: string, headers = {}) {
  if (res.headersSent || res.writableEnded || res.destroyed) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  res
    .writeHead(status, { ...JSON_TYPE, ...headers, connection: 'close' })
    .end(JSON.stringify({ message }));
}

/** The methods a function URL passes to the function; others (TRACE, …) never reach it. */
const FORWARDED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * A function URL event's `host` is always the URL's own domain. Here it is the client's, so one
 * that is empty, repeated or not a host[:port] is refused as the front end refuses it, rather
 * than handed to the function.
 */
function validHost(req: IncomingMessage): boolean {
  const hosts = req.headersDistinct.host;
  if (!hosts) return true;
  const [host] = hosts;
  return (
    hosts.length === 1 &&
    host !== undefined &&
    /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) &&
    URL.canParse(`http://${host}/`)
  );
}

export interface FunctionUrlListenerOptions {
  /**
   * The function URL's CORS configuration; `false` for none (every request reaches the
   * function). Defaults to the `local` stage's policy from `@shop/core`, the one the stacks use.
   */
  cors?: CorsPolicy | false;
  /** See {@link BODY_IDLE_TIMEOUT_MS}. */
  bodyIdleTimeoutMs?: number;
}

/**
 * An HTTP request listener that runs `handler` exactly as a Lambda function URL would. It never
 * throws: whatever the request, the client gets an HTTP answer (or, if it went away, nothing).
 */
export function functionUrlListener(
  handler: FunctionUrlHandler,
  opts: FunctionUrlListenerOptions = {},
) {
  const cors = opts.cors ?? corsPolicy('local', undefined);
  const idleMs = opts.bodyIdleTimeoutMs ?? BODY_IDLE_TIMEOUT_MS;
  return (req: IncomingMessage, res: ServerResponse) => {
    // A client that goes away mid-request makes these emit 'error'; unheard, that kills the process.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    try {
      serve(handler, cors, idleMs, req, res);
    } catch (error) {
      console.error('[local] request failed', error);
      answer(res, 500, 'Internal server error');
    }
  };
}

function serve(
  handler: FunctionUrlHandler,
  cors: CorsPolicy | false,
  idleMs: number,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const origin = req.headers.origin;
  const requestId = randomUUID();
  res.setHeader('x-amzn-requestid', requestId);
  if (req.httpVersionMajor !== 1) {
    // An HTTP/0.9 request line (no version): Node closes such a connection as soon as the
    // request is read, so the answer cannot wait for the body.
    req.resume();
    answer(res, 505, 'HTTP version not supported');
    return;
  }
  if (cors && req.method === 'OPTIONS') {
    // The front end answers preflights itself; the function never sees them. Drain any body.
    req.resume();
    res
      .writeHead(200, { ...corsHeaders(cors, origin, true), vary: 'Origin', 'content-length': 0 })
      .end();
    return;
  }
  if (!FORWARDED_METHODS.has(req.method ?? '')) {
    req.resume();
    answer(res, 405, 'Method not allowed', withCors({}, cors, origin));
    return;
  }
  const url = parseTarget(req.url);
  if (!url || !validHost(req)) {
    req.resume();
    answer(res, 400, 'Bad request', withCors({}, cors, origin));
    return;
  }

  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let idle: NodeJS.Timeout | undefined;
  const stalled = () => {
    req.removeAllListeners('data');
    answer(res, 408, 'Request timeout', withCors({}, cors, origin));
    res.once('finish', () => req.destroy());
  };
  const watch = () => {
    clearTimeout(idle);
    if (!req.complete) idle = setTimeout(stalled, idleMs).unref();
  };
  watch();
  req.once('close', () => clearTimeout(idle));
  req.on('data', (chunk: Buffer) => {
    watch();
    if (tooLarge) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      tooLarge = true;
      chunks.length = 0;
      answer(res, 413, 'Request body too large', withCors({}, cors, origin));
      // Stop reading once the answer is out; the connection closes with it.
      res.once('finish', () => req.destroy());
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    clearTimeout(idle);
    if (tooLarge || res.writableEnded || res.destroyed) return;
    let event: APIGatewayProxyEventV2;
    try {
      event = toFunctionUrlEvent(req, Buffer.concat(chunks), requestId);
    } catch {
      answer(res, 400, 'Bad request', withCors({}, cors, origin));
      return;
    }
    // `Promise.resolve().then` also catches a handler that throws instead of rejecting.
    Promise.resolve()
      .then(() => handler(event, lambdaContextFor(requestId)))
      .then((result) => {
        if (res.writableEnded || res.destroyed) return;
        writeResult(res, result, (headers) => withCors(headers, cors, origin));
      })
      .catch((error: unknown) => {
        // The handler catches its own errors; reaching here is a bug in the handler (or an
        // answer Node cannot write, such as a header value with a line break).
        console.error('[local] handler crashed', error);
        answer(res, 502, 'Internal server error', withCors({}, cors, origin));
      });
  });
}

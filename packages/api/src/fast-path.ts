import {
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type AnyTRPCProcedure,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context as LambdaContext,
} from 'aws-lambda';
import type { Context } from './context.ts';
import type { AppRouter } from './root.ts';

export interface FastPathOptions {
  router: AppRouter;
  maxBatchSize: number;
  createContext(event: APIGatewayProxyEventV2, context: LambdaContext): Promise<Context>;
  onError(opts: {
    error: TRPCError;
    path: string | undefined;
    ctx: Context | undefined;
    type: 'query' | 'mutation';
  }): void;
  /** The stock adapter's `responseMeta` headers; plain values, never `set-cookie`. */
  headers(ctx: Context | undefined): Record<string, string>;
}

/** The fast path's answer: the same object, key for key, as the stock adapter's `toResult`. */
export interface FastPathResult extends APIGatewayProxyStructuredResultV2 {
  cookies: string[];
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

// What `new Headers()` accepts without throwing (the stock adapter would reject the event); the
// values are narrowed to printable ASCII and tab, which every real function-URL request has.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
// A path of procedure names: nothing `decodeURIComponent` would change, no `?`/`#` that would
// move the URL's query.
const PATH = /^\/[A-Za-z0-9_.,-]+$/;
// A query the URL parser leaves alone: no leading `?`, no `#`, no spaces or control characters.
const QUERY = /^(?:[A-Za-z0-9%._~!$&'()*+,;=:@/-][A-Za-z0-9%._~!$&'()*+,;=:@/?-]*)?$/;
// A host `new URL` surely accepts: a DNS name ending in a label that starts with a letter, or a
// dotted-quad IPv4 address, with an optional port up to 65535.
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const HOST = new RegExp(
  `^(?:(?:[a-z0-9-]+\\.)*[a-z][a-z0-9-]*|(?:${OCTET}\\.){3}${OCTET})` +
    '(?::(?:[1-5]?\\d{1,4}|6[0-4]\\d{3}|65[0-4]\\d\\d|655[0-2]\\d|6553[0-5]))?$',
  'i',
);
// Not well-formed UTF-16: the stock adapter's UTF-8 round trip would replace it.
const LONE_SURROGATE = /\p{Cs}/u;
const VARY = 'trpc-accept, accept';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && !Array.isArray(value) && typeof value === 'object';
const isAsyncIterable = (value: unknown) => isObject(value) && Symbol.asyncIterator in value;
const isPromise = (value: unknown) =>
  (isObject(value) || typeof value === 'function') &&
  typeof (value as { then?: unknown }).then === 'function' &&
  typeof (value as { catch?: unknown }).catch === 'function';
/** tRPC's own test for data only `httpBatchStreamLink` can carry. */
const isDataStream = (value: unknown) =>
  isObject(value) &&
  (isAsyncIterable(value) ||
    Object.values(value).some(isPromise) ||
    Object.values(value).some(isAsyncIterable));

type Settled = [TRPCError, undefined] | [undefined, unknown];

/** The stock adapter's answer to a procedure returning a stream outside a streaming request. */
function streamError(): TRPCError {
  return new TRPCError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
  });
}

/**
 * The common requests — JSON queries over GET and mutations over POST, single or `batch=1`, to
 * procedures that exist — answered straight from the Lambda event with tRPC's own primitives,
 * skipping the stock adapter's conversion of every event into a Fetch `Request` and back (about
 * 100 µs per request on a warm Lambda; see the README's Performance section).
 *
 * Whatever it answers, it answers exactly as the stock `awsLambdaRequestHandler` would (status,
 * headers, cookies, body), which `test/transport.test.ts` checks on generated events. Everything
 * else returns `undefined` and the stock adapter answers it: other payload versions, methods and
 * content types, streaming (`trpc-accept` or an `accept` naming `application/jsonl`), queries with
 * other parameters (`connectionParams`) or repeated ones, percent-encoded paths, malformed or
 * non-UTF-8 bodies, batch inputs that are not objects, unknown procedures, wrong methods,
 * oversized batches, and a `createContext` that throws.
 */
export function createFastPath(opts: FastPathOptions) {
  // Flat, by full path (`users.me`), with no prototype.
  const procedures = opts.router._def.procedures as unknown as Record<
    string,
    AnyTRPCProcedure | undefined
  >;
  const config = opts.router._def._config;
  const separator = (config as { pathSeparator?: string }).pathSeparator;
  const deserialize = (value: unknown): unknown => config.transformer.input.deserialize(value);
  // A router with another path separator reads paths differently: leave it all to the stock one.
  const enabled = separator === undefined || separator === '.';

  return async (
    event: APIGatewayProxyEventV2,
    context: LambdaContext,
  ): Promise<FastPathResult | undefined> => {
    if (!enabled || (event as { version?: unknown }).version !== '2.0') return undefined;
    if (event.routeKey !== '$default') return undefined;
    const method = event.requestContext?.http?.method;
    const type = method === 'GET' ? 'query' : method === 'POST' ? 'mutation' : undefined;
    if (!type) return undefined;
    const host = event.requestContext.domainName;
    if (typeof host !== 'string' || !HOST.test(host) || host.includes('xn--')) return undefined;

    // Headers: every one valid for `new Headers()`, and the few tRPC reads present at most once.
    let contentType: string | undefined;
    let accept: string | undefined;
    const headers = (event.headers ?? {}) as Record<string, unknown>;
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined) continue;
      if (typeof value !== 'string' || !HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) {
        return undefined;
      }
      switch (name.toLowerCase()) {
        case 'content-type':
          if (contentType !== undefined) return undefined;
          contentType = value;
          break;
        case 'accept':
          if (accept !== undefined) return undefined;
          accept = value;
          break;
        case 'trpc-accept':
          return undefined;
      }
    }
    const cookies = event.cookies as unknown;
    if (cookies) {
      if (!Array.isArray(cookies) || !cookies.every((c) => typeof c === 'string')) return undefined;
      if (!HEADER_VALUE.test(cookies.join('; '))) return undefined;
    }
    if (accept?.split(',').some((t) => t.trim() === 'application/jsonl')) return undefined;
    const isJson =
      contentType !== undefined &&
      contentType.toLowerCase().split(';', 1)[0]!.trim() === 'application/json';
    if (type === 'mutation' ? !isJson : contentType !== undefined && !isJson) return undefined;

    // The URL: a plain path of procedure names, a plain query of `batch` and `input` only.
    const rawPath = event.rawPath;
    const rawQuery = event.rawQueryString;
    if (typeof rawPath !== 'string' || !PATH.test(rawPath)) return undefined;
    if (typeof rawQuery !== 'string' || !QUERY.test(rawQuery)) return undefined;
    let batch: string | undefined;
    let queryInput: string | undefined;
    if (rawQuery) {
      for (const [key, value] of new URLSearchParams(rawQuery)) {
        if (key === 'input' && queryInput === undefined) queryInput = value;
        else if (key === 'batch' && batch === undefined) batch = value;
        else return undefined;
      }
    }
    if (batch !== undefined && batch !== '1') return undefined;
    const isBatch = batch === '1';
    const path = rawPath.slice(1);
    const paths = isBatch ? path.split(',') : [path];
    if (paths.length > opts.maxBatchSize) return undefined;
    const procs: AnyTRPCProcedure[] = [];
    for (const p of paths) {
      const proc = Object.hasOwn(procedures, p) ? procedures[p] : undefined;
      if (proc?._def.type !== type) return undefined;
      procs.push(proc);
    }

    // The input, decoded as the stock adapter's Fetch `Request` would decode it.
    const body = event.body as unknown;
    let text: string | undefined;
    if (type === 'query') {
      if (body) return undefined; // `new Request` refuses a GET with a body
      text = queryInput;
    } else if (body) {
      if (typeof body !== 'string') return undefined;
      if (event.isBase64Encoded) {
        const bytes = Buffer.from(body, 'base64');
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
        try {
          text = utf8.decode(bytes);
        } catch {
          return undefined;
        }
      } else {
        if (body.charCodeAt(0) === 0xfeff || LONE_SURROGATE.test(body)) return undefined;
        text = body;
      }
    }
    let inputs: unknown[];
    try {
      const raw: unknown = text ? JSON.parse(text) : undefined;
      if (raw === undefined) inputs = [];
      else if (!isBatch) inputs = [deserialize(raw)];
      else if (!isObject(raw)) return undefined;
      else inputs = paths.map((_, i) => (raw[i] === undefined ? undefined : deserialize(raw[i])));
    } catch {
      return undefined;
    }

    let ctx: Context;
    try {
      ctx = await opts.createContext(event, context);
    } catch {
      return undefined; // the stock adapter answers it, with its own log line
    }

    let inputsRead = false;
    const settled = await Promise.all(
      procs.map(async (proc, index): Promise<Settled> => {
        const procedurePath = paths[index]!;
        try {
          const data: unknown = await proc({
            path: procedurePath,
            getRawInput: () => {
              inputsRead = true;
              return Promise.resolve(inputs[index]);
            },
            ctx,
            type,
            signal: undefined,
            batchIndex: index,
          });
          return [undefined, data];
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          opts.onError({ error, path: procedurePath, ctx, type });
          return [error, undefined];
        }
      }),
    );

    let untransformed: unknown;
    let errors: (TRPCError | undefined)[];
    if (!isBatch && settled[0]![0] === undefined && isDataStream(settled[0]![1])) {
      // The stock adapter throws here and answers from its outer catch, with no path.
      const error = streamError();
      opts.onError({ error, path: undefined, ctx, type });
      untransformed = {
        error: getTRPCErrorShape({ config, error, type, path: undefined, input: undefined, ctx }),
      };
      errors = [error];
    } else {
      errors = [];
      const responses = settled.map(([settledError, data], index) => {
        const error = settledError ?? (isBatch && isDataStream(data) ? streamError() : undefined);
        errors.push(error);
        if (!error) return { result: { data } };
        const input = inputsRead ? inputs[index] : undefined;
        const shape = getTRPCErrorShape({ config, error, type, path: paths[index], input, ctx });
        return { error: shape };
      });
      untransformed = isBatch ? responses : responses[0];
    }
    const statusCode = getHTTPStatusCode(
      untransformed as Parameters<typeof getHTTPStatusCode>[0],
      errors,
    );

    // Headers as `Object.fromEntries(new Headers(...))` lists them: lower case, sorted.
    const out: Record<string, string> = { 'content-type': 'application/json', vary: VARY };
    const meta = opts.headers(ctx);
    for (const name in meta) out[name.toLowerCase()] = meta[name]!;
    const sorted: Record<string, string> = {};
    for (const name of Object.keys(out).sort()) sorted[name] = out[name]!;

    return {
      cookies: [],
      statusCode,
      body: JSON.stringify(
        transformTRPCResponse(config, untransformed as Parameters<typeof transformTRPCResponse>[1]),
      ),
      headers: sorted,
    };
  };
}

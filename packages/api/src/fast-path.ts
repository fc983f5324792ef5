import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  type AnyTRPCProcedure,
  type TRPCError,
} from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
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
  onError(opts: { error: TRPCError; path: string; ctx: Context; type: 'query' | 'mutation' }): void;
  headers(ctx: Context): Record<string, string>;
}

/**
 * The common requests — JSON queries over GET and mutations over POST, single or batched, to
 * procedures that exist — answered straight from the Lambda event with tRPC's own public
 * primitives (`callTRPCProcedure`, `getTRPCErrorShape`), skipping the stock adapter's conversion
 * of every event into a Fetch `Request` and back (about 100 µs per request on a warm Lambda; see
 * the README's Performance section). Anything else returns `undefined`, and the stock
 * `awsLambdaRequestHandler` answers it with tRPC's exact behaviour (malformed JSON, unknown
 * procedures, wrong methods, oversized batches, other content types).
 */
export function createFastPath(opts: FastPathOptions) {
  // Flat, by full path (`users.me`).
  const procedures = opts.router._def.procedures as unknown as Record<
    string,
    AnyTRPCProcedure | undefined
  >;
  const config = opts.router._def._config;

  return async (
    event: APIGatewayProxyEventV2,
    context: LambdaContext,
  ): Promise<APIGatewayProxyStructuredResultV2 | undefined> => {
    const method = event.requestContext.http.method;
    const type = method === 'GET' ? 'query' : method === 'POST' ? 'mutation' : undefined;
    if (!type) return undefined;
    const params = event.queryStringParameters ?? {};
    const isBatch = params.batch === '1';
    const path = event.rawPath.slice(1);
    const paths = isBatch ? path.split(',') : [path];
    if (paths.length > opts.maxBatchSize) return undefined;
    if (!paths.every((p) => procedures[p]?._def.type === type)) return undefined;

    let raw: unknown;
    try {
      if (type === 'query') {
        raw = params.input === undefined ? undefined : JSON.parse(params.input);
      } else {
        const contentType = event.headers['content-type'];
        if (!contentType?.startsWith('application/json')) return undefined;
        const body = event.isBase64Encoded
          ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
          : event.body;
        raw = body ? JSON.parse(body) : undefined;
      }
    } catch {
      return undefined;
    }
    if (isBatch && raw !== undefined && (typeof raw !== 'object' || raw === null)) return undefined;
    const inputs = paths.map((_, index) =>
      isBatch ? (raw as Record<string, unknown> | undefined)?.[index] : raw,
    );

    const ctx = await opts.createContext(event, context);
    const settled = await Promise.all(
      paths.map(async (procedurePath, index) => {
        try {
          const data: unknown = await callTRPCProcedure({
            router: opts.router,
            path: procedurePath,
            getRawInput: () => Promise.resolve(inputs[index]),
            ctx,
            type,
            signal: undefined,
            batchIndex: index,
          });
          return { status: 200, response: { result: { data } } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          opts.onError({ error, path: procedurePath, ctx, type });
          const shape = getTRPCErrorShape({
            config,
            error,
            type,
            path: procedurePath,
            input: inputs[index],
            ctx,
          });
          return { status: getHTTPStatusCodeFromError(error), response: { error: shape } };
        }
      }),
    );
    const statuses = new Set(settled.map((s) => s.status));
    const responses = settled.map((s) => s.response);
    return {
      statusCode: statuses.size === 1 ? settled[0]!.status : 207,
      headers: { 'content-type': 'application/json', ...opts.headers(ctx) },
      body: JSON.stringify(transformTRPCResponse(config, isBatch ? responses : responses[0]!)),
    };
  };
}

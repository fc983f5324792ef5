import type { Logger } from '@aws-lambda-powertools/logger';
import type { TRPCError } from '@trpc/server';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context as LambdaContext,
} from 'aws-lambda';
import { createContext, type Context, type Deps } from './context.ts';
import { createFastPath } from './fast-path.ts';
import { appRouter } from './root.ts';

/** The most calls one batched request may carry; `@shop/client` sends at most this many. */
export const MAX_BATCH_SIZE = 10;

/** Where failed requests are logged: Powertools Logger in Lambda, anything alike in tests. */
export interface Log {
  error(message: string, entry: Record<string, unknown>): void;
  info(message: string, entry: Record<string, unknown>): void;
  /** Resolves once every line is written: Lambda may freeze the process right after we return. */
  flush?(): Promise<void>;
}

/**
 * Powertools Logger, loaded on the first failed request: successful requests log nothing, so the
 * cold start does not pay for it.
 */
function lazyLogger(): Log {
  let logger: Promise<Logger> | undefined;
  let pending: Promise<void> = Promise.resolve();
  const write = (level: 'error' | 'info', message: string, entry: Record<string, unknown>) => {
    logger ??= import('@aws-lambda-powertools/logger').then(
      ({ Logger }) => new Logger({ serviceName: 'shop-api' }),
    );
    pending = Promise.all([pending, logger]).then(([, l]) => l[level](message, entry));
  };
  return {
    error: (message, entry) => write('error', message, entry),
    info: (message, entry) => write('info', message, entry),
    flush: () => pending,
  };
}

/** Anything answered for a token is personal: never let a cache keep it. */
const responseHeaders = (ctx: Context | undefined): Record<string, string> =>
  ctx?.user || ctx?.tokenRejected ? { 'cache-control': 'no-store' } : {};

/**
 * The two ways a request can be answered: the fast path, and tRPC's stock adapter for everything
 * the fast path declines. Exposed so a test can check they answer alike.
 */
export function createHandlers(deps: Deps, logger: Log = lazyLogger()) {
  const contextFor = (event: APIGatewayProxyEventV2, context: LambdaContext) =>
    createContext(event, deps, context.awsRequestId);

  /** One structured log line per failed call; details of 500s stay here, never in the answer. */
  const onError = (opts: {
    error: TRPCError;
    path: string | undefined;
    ctx: Context | undefined;
    type: string;
  }) => {
    const { error, path, ctx, type } = opts;
    const entry = {
      requestId: ctx?.requestId,
      path,
      type,
      code: error.code,
      error: error.cause ?? error,
    };
    if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('request failed', entry);
    else logger.info('request refused', { ...entry, error: error.message });
  };

  // The stock adapter is loaded only for the requests the fast path declines.
  let stockHandler:
    | Promise<(event: APIGatewayProxyEventV2, context: LambdaContext) => Promise<unknown>>
    | undefined;
  const stock = async (event: APIGatewayProxyEventV2, context: LambdaContext) => {
    stockHandler ??= import('@trpc/server/adapters/aws-lambda').then(
      ({ awsLambdaRequestHandler }) =>
        awsLambdaRequestHandler({
          router: appRouter,
          maxBatchSize: MAX_BATCH_SIZE,
          createContext: ({ event: e, context: c }) => contextFor(e, c),
          responseMeta: ({ ctx }) => ({ headers: responseHeaders(ctx) }),
          onError,
        }),
    );
    return (await stockHandler)(event, context) as Promise<APIGatewayProxyStructuredResultV2>;
  };
  const fast = createFastPath({
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: contextFor,
    onError,
    headers: responseHeaders,
  });

  return { fast, stock };
}

/** The function-URL handler for a set of dependencies (tests inject their own). */
export function createHandler(deps: Deps, logger: Log = lazyLogger()) {
  const { fast, stock } = createHandlers(deps, logger);
  return async (event: APIGatewayProxyEventV2, context: LambdaContext) => {
    const result = (await fast(event, context)) ?? (await stock(event, context));
    await logger.flush?.();
    return result;
  };
}

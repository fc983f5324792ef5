import { Logger } from '@aws-lambda-powertools/logger';
import type { TRPCError } from '@trpc/server';
import { awsLambdaRequestHandler } from '@trpc/server/adapters/aws-lambda';
import type { APIGatewayProxyEventV2, Context as LambdaContext } from 'aws-lambda';
import { createContext, type Context, type Deps } from './context.ts';
import { createFastPath } from './fast-path.ts';
import { appRouter } from './root.ts';

/** The most calls one batched request may carry; `@shop/client` sends at most this many. */
export const MAX_BATCH_SIZE = 10;

/** Anything answered for a token is personal: never let a cache keep it. */
const responseHeaders = (ctx: Context | undefined): Record<string, string> =>
  ctx?.user || ctx?.tokenRejected ? { 'cache-control': 'no-store' } : {};

/**
 * The two ways a request can be answered: the fast path, and tRPC's stock adapter for everything
 * the fast path declines. Exposed so a test can check they answer alike.
 */
export function createHandlers(
  deps: Deps,
  logger: Pick<Logger, 'error' | 'info'> = new Logger({ serviceName: 'shop-api' }),
) {
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

  const stock = awsLambdaRequestHandler({
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ event, context }) => contextFor(event as APIGatewayProxyEventV2, context),
    responseMeta: ({ ctx }) => ({ headers: responseHeaders(ctx) }),
    onError,
  });
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
export function createHandler(deps: Deps, logger?: Pick<Logger, 'error' | 'info'>) {
  const { fast, stock } = createHandlers(deps, logger);
  return async (event: APIGatewayProxyEventV2, context: LambdaContext) =>
    (await fast(event, context)) ?? stock(event, context);
}

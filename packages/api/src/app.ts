import { Logger } from '@aws-lambda-powertools/logger';
import { awsLambdaRequestHandler } from '@trpc/server/adapters/aws-lambda';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createContext, type Deps } from './context.ts';
import { appRouter } from './root.ts';

/** The most calls one batched request may carry; `@shop/client` sends at most this many. */
export const MAX_BATCH_SIZE = 10;

/** The function-URL handler for a set of dependencies (tests inject their own). */
export function createHandler(
  deps: Deps,
  logger: Pick<Logger, 'error' | 'info'> = new Logger({ serviceName: 'shop-api' }),
) {
  return awsLambdaRequestHandler({
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ event, context }) =>
      createContext(event as APIGatewayProxyEventV2, deps, context.awsRequestId),
    responseMeta: ({ ctx }) =>
      // Anything answered for a token is personal: never let a cache keep it.
      ctx?.user || ctx?.tokenRejected ? { headers: { 'cache-control': 'no-store' } } : {},
    onError: ({ error, path, ctx, type }) => {
      const entry = {
        requestId: ctx?.requestId,
        path,
        type,
        code: error.code,
        error: error.cause ?? error,
      };
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('request failed', entry);
      else logger.info('request refused', { ...entry, error: error.message });
    },
  });
}

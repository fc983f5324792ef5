import type { Logger } from '@aws-lambda-powertools/logger';
import { awsLambdaRequestHandler } from '@trpc/server/adapters/aws-lambda';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context as LambdaContext,
} from 'aws-lambda';
import type { LogLevel } from './config.ts';
import { createContext, type Context, type Deps } from './context.ts';
import { appRouter, type AppRouter } from './root.ts';

/** The most calls one batched request may carry; `@shop/client` sends at most this many. */
export const MAX_BATCH_SIZE = 10;

/** Where failed requests are logged: Powertools Logger in Lambda, anything alike in tests. */
export interface Log {
  error(message: string, entry: Record<string, unknown>): void;
  info(message: string, entry: Record<string, unknown>): void;
  /** The invocation the next lines belong to (a Lambda container runs one at a time). */
  invocation?(context: LambdaContext): void;
  /** Resolves once every line is written: Lambda may freeze the process right after we return. */
  flush?(): Promise<void>;
}

/**
 * Powertools Logger, loaded on the first failed request (successful requests log nothing, so the
 * cold start does not pay for it), with the Lambda context of the invocation: function request
 * id, name, version, memory and a `cold_start` flag that stays true only for the container's
 * first invocation even though the logger is created later.
 */
export function powertoolsLog(logLevel: LogLevel = 'INFO'): Log {
  let logger: Promise<Logger> | undefined;
  let pending: Promise<void> = Promise.resolve();
  let current: LambdaContext | undefined;
  let invocations = 0;
  const write = (level: 'error' | 'info', message: string, entry: Record<string, unknown>) => {
    const invocation = current;
    logger ??= import('@aws-lambda-powertools/logger').then(({ Logger }) => {
      class InvocationLogger extends Logger {
        /** Consumes the cold-start flag (Powertools' own accessor is protected). */
        markWarm() {
          this.getColdStart();
        }
      }
      const created = new InvocationLogger({ serviceName: 'shop-api', logLevel });
      // The cold invocation passed without a failure: the next context is a warm one.
      if (invocations > 1) created.markWarm();
      return created;
    });
    pending = Promise.all([pending, logger]).then(([, l]) => {
      if (invocation) l.addContext(invocation);
      l[level](message, entry);
    });
  };
  return {
    error: (message, entry) => write('error', message, entry),
    info: (message, entry) => write('info', message, entry),
    invocation: (context) => {
      current = context;
      invocations++;
    },
    flush: () => pending,
  };
}

/** Anything answered for a token is personal: never let a cache keep it. */
const responseHeaders = (ctx: Context | undefined): Record<string, string> =>
  ctx?.user || ctx?.tokenRejected ? { 'cache-control': 'no-store' } : {};

/** The function-URL handler for a set of dependencies (tests inject their own): tRPC's own adapter. */
export function createHandler(deps: Deps, logger: Log = powertoolsLog(deps.config.logLevel)) {
  const trpc = awsLambdaRequestHandler<AppRouter, APIGatewayProxyEventV2>({
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ event, context }) => createContext(event, deps, context.awsRequestId),
    responseMeta: ({ ctx }) => ({ headers: responseHeaders(ctx) }),
    /** One structured log line per failed call; details of 500s stay here, never in the answer. */
    onError: ({ error, path, ctx, type }) => {
      const entry = { requestId: ctx?.requestId, path, type, code: error.code };
      // A 500's cause (with its stack) goes to the log only; a refusal logs its one-line message,
      // which names fields but never echoes the input.
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        logger.error('request failed', { ...entry, error: error.cause ?? error });
      } else {
        logger.info('request refused', { ...entry, error: error.message });
      }
    },
  });
  return async (
    event: APIGatewayProxyEventV2,
    context: LambdaContext,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    logger.invocation?.(context);
    const result = await trpc(withoutGetBody(event), context);
    await logger.flush?.();
    return result;
  };
}

/**
 * A function URL forwards a body on GET and HEAD, and tRPC's adapter then throws while building
 * its Fetch `Request` (which forbids one), so the caller would get a 502. Such a body carries
 * nothing tRPC reads (queries take `?input=`): drop it and answer the request.
 */
function withoutGetBody(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  const method = event.requestContext?.http?.method;
  if ((method !== 'GET' && method !== 'HEAD') || event.body === undefined) return event;
  const { body: _body, ...rest } = event;
  return { ...rest, isBase64Encoded: false };
}

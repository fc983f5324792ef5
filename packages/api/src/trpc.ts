import { initTRPC, lazy, TRPCError } from '@trpc/server';
import { SchemaError, summarizeIssues } from '@shop/core';
import type { Context } from './context.ts';
import { toTRPCError } from './errors.ts';

/** `meta.auth`: who may call a procedure; set by the builders below, read by `pnpm run docs`. */
const withMeta = initTRPC.context<Context>().meta<{ auth: 'public' | 'user' | 'admin' }>();

const t = withMeta.create({
  // Stack traces are added below, from the caller's config, and only in the local stage.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const isDev = ctx?.deps.config.isLocal ?? false;
    const data = shape.data;
    const zodError =
      error.code === 'BAD_REQUEST' && error.cause instanceof SchemaError ? error.cause : undefined;
    const validation = zodError?.issues.map((issue) => ({
      path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: issue.message,
    }));
    return {
      ...shape,
      message:
        error.code === 'INTERNAL_SERVER_ERROR'
          ? 'Something went wrong on our side. Please retry later.'
          : validation
            ? summarizeIssues(validation)
            : shape.message,
      data: {
        ...data,
        ...(isDev && error.stack ? { stack: error.stack } : {}),
        validation,
      },
    };
  },
});

export const router = t.router;
export { lazy };
export const createCallerFactory = t.createCallerFactory;

/**
 * The one place domain errors become their tRPC codes: every procedure is built on this
 * middleware, so however a service method is written (prototype method, arrow-function property,
 * a plain function), a `NotFoundError` it throws reaches the caller as NOT_FOUND, not a 500.
 * Anything else stays as tRPC made it (an unexpected error: the generic 500).
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors).meta({ auth: 'public' });

export const userProcedure = publicProcedure.meta({ auth: 'user' }).use(({ ctx, next }) => {
  if (!ctx.user) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: ctx.tokenRejected ? 'Invalid or expired token' : 'Sign in to do this',
    });
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = userProcedure.meta({ auth: 'admin' }).use(({ ctx, next }) => {
  if (!ctx.user.isAdmin) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only admins can do this' });
  }
  return next();
});

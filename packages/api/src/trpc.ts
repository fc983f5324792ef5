import { initTRPC, lazy, TRPCError } from '@trpc/server';
import {
  AccountRefusal,
  accountStore,
  AuthenticationError,
  SchemaError,
  summarizeIssues,
} from '@shop/core';
import type { Context } from './context.ts';
import { toTRPCError } from './errors.ts';

/**
 * `meta.auth`: who may call a procedure; set by the builders below, read by `pnpm run docs`.
 * `meta.account`: how a mutation meets the account check (see `userProcedure`): `'in-write'` when
 * every write it makes carries the account's condition in its own transaction, so it may run
 * beside the check; `'deleted-ok'` for `users.deleteMe`, which finishes a deletion half done.
 */
const withMeta = initTRPC
  .context<Context>()
  .meta<{ auth: 'public' | 'user' | 'admin'; account?: 'in-write' | 'deleted-ok' }>();

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

const sessionEnded = (cause: unknown) =>
  new TRPCError({ code: 'UNAUTHORIZED', message: 'Invalid or expired token', cause });

/**
 * A verified token, checked against the account's current state on every call (one strongly
 * consistent GetItem of the account's Users row; `core/src/users/account.ts`): a deleted account,
 * a session ended by a password change or a logout is `UNAUTHORIZED`, and the admin right is the
 * account's, not the token's.
 * - Queries run beside the check (latency: the slower of the two); the answer is dropped when the
 *   check refuses, and the query is run again in the rare case the admin right differs from the
 *   token's (right after a promotion or demotion).
 * - Mutations whose writes carry the account's condition (`meta.account: 'in-write'`:
 *   `orders.create`, `addresses.*`) also run beside it: a write racing a deletion or a sign-out
 *   fails inside its own transaction.
 * - Every other mutation waits for the check first (one sequential GetItem).
 */
export const userProcedure = publicProcedure
  .meta({ auth: 'user' })
  .use(async ({ ctx, next, type, meta }) => {
    const user = ctx.user;
    if (!user) {
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: ctx.tokenRejected ? 'Invalid or expired token' : 'Sign in to do this',
      });
    }
    const check = ctx.deps.services
      .get(accountStore)
      .authorize({ ...user, tokenIsAdmin: user.isAdmin })
      .then(
        (verdict) => ({ ...verdict, refused: undefined }),
        (error: unknown) => {
          if (error instanceof AuthenticationError) return { isAdmin: false, refused: error };
          // Mapped by `domainErrors` like any other call's (a throttled read: TOO_MANY_REQUESTS).
          throw error;
        },
      );
    if (meta?.account === 'in-write') {
      // The write's own transaction checked the account: a write that went through stands, even
      // when the parallel read failed or saw a change made after it.
      const [result, verdict] = await Promise.all([
        next({ ctx: { ...ctx, user } }),
        check.catch((error: unknown) => ({ isAdmin: false, refused: undefined, error })),
      ]);
      if (result.ok) return result;
      if (verdict.refused) throw sessionEnded(verdict.refused);
      if ('error' in verdict) throw verdict.error;
      return result;
    }
    if (type === 'query') {
      const [result, verdict] = await Promise.all([next({ ctx: { ...ctx, user } }), check]);
      if (verdict.refused) throw sessionEnded(verdict.refused);
      if (verdict.isAdmin === user.isAdmin) return result;
      return next({ ctx: { ...ctx, user: { ...user, isAdmin: verdict.isAdmin } } });
    }
    const verdict = await check;
    const deleted =
      verdict.refused?.cause instanceof AccountRefusal &&
      verdict.refused.cause.reason === 'deleted';
    if (verdict.refused && !(deleted && meta?.account === 'deleted-ok')) {
      throw sessionEnded(verdict.refused);
    }
    return next({ ctx: { ...ctx, user: { ...user, isAdmin: verdict.isAdmin } } });
  });

export const adminProcedure = userProcedure.meta({ auth: 'admin' }).use(({ ctx, next }) => {
  if (!ctx.user.isAdmin) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only admins can do this' });
  }
  return next();
});

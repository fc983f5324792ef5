import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountRefusal,
  AuthenticationError,
  NO_IDENTITY_PROVIDER,
  type IdentityProvider,
} from '@shop/core';
import { FaultInjector } from '@shop/testing';
import type { AuthUser } from '../src/auth.ts';
import { createContextInner } from '../src/context.ts';
import { createCaller } from '../src/root.ts';
import { adminProcedure, publicProcedure, userProcedure } from '../src/trpc.ts';
import {
  createHarness,
  expectTRPCError,
  validAddress,
  validProduct,
  type Harness,
} from './support/harness.ts';

/**
 * The procedure builders of `src/trpc.ts` on DynamoDB Local: who may call what, the account check
 * on every user call (queries, mutations, writes that carry the check in their transaction, and
 * `users.deleteMe`, which may finish a deletion), and the messages of each refusal.
 */

/** Every account exists and has an e-mail; every password is wrong (no Cognito here). */
const identity: IdentityProvider = new Proxy(NO_IDENTITY_PROVIDER, {
  get: (target, name) => {
    if (name === 'getUser') {
      return (sub: string) =>
        Promise.resolve({
          sub,
          username: sub,
          email: `${sub}@example.com`,
          firstName: 'Test',
          lastName: 'Shopper',
          active: true,
        });
    }
    if (name === 'login') {
      return () => Promise.reject(new AuthenticationError('Incorrect username or password'));
    }
    return Reflect.get(target, name) as unknown;
  },
});

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ identity });
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A signed-in user with a profile, calling with a token of one session. */
async function signedIn(isAdmin = false) {
  const { user } = await h.userCaller({ isAdmin, groups: isAdmin ? ['admin'] : [] });
  const withSession: AuthUser = {
    ...user,
    session: { id: randomUUID(), startedAt: nowSeconds() - 60, expiresAt: nowSeconds() + 3600 },
  };
  return {
    user: withSession,
    caller: createCaller(createContextInner({ user: withSession, deps: h.deps })),
  };
}

/** Signs the token's session out (as users.logout does), effective now. */
const signOut = (user: AuthUser) =>
  h.deps.services.accounts.revokeSession(
    user.id,
    user.session!.id,
    nowSeconds() + 3600,
    nowSeconds(),
  );

const firstNameOf = async (id: string) => (await h.deps.services.repos.users.get(id))?.firstName;

describe('the procedure builders', () => {
  it('mark who may call each procedure (read by pnpm run docs)', () => {
    expect(publicProcedure._def.meta).toEqual({ auth: 'public' });
    expect(userProcedure._def.meta).toEqual({ auth: 'user' });
    expect(adminProcedure._def.meta).toEqual({ auth: 'admin' });
  });

  it('tell an anonymous caller to sign in, and a caller whose token was refused that it is invalid', async () => {
    const anonymous = createCaller(createContextInner({ user: null, deps: h.deps }));
    const refused = createCaller(
      createContextInner({ user: null, deps: h.deps, tokenRejected: true }),
    );
    expect((await expectTRPCError(anonymous.users.me(), 'UNAUTHORIZED')).message).toBe(
      'Sign in to do this',
    );
    expect((await expectTRPCError(refused.users.me(), 'UNAUTHORIZED')).message).toBe(
      'Invalid or expired token',
    );
  });

  it('refuse a shopper on an admin procedure as FORBIDDEN "Only admins can do this"', async () => {
    const { caller } = await signedIn();
    const error = await expectTRPCError(caller.orders.adminList({}), 'FORBIDDEN');
    expect(error.message).toBe('Only admins can do this');
  });
});

describe('the account check', () => {
  it("runs a query once, and again only when the account's admin right differs from the token's", async () => {
    /** The GetItems of `id`'s Users row (the account check's and the profile's) during `run`. */
    const readsOf = async (id: string, run: () => Promise<unknown>) => {
      let reads = 0;
      const name = `count-${randomUUID()}`;
      h.db.doc.middlewareStack.add(
        (next, context) => (args) => {
          const input = args.input as { TableName?: string; Key?: { id?: string } };
          if (
            /^Get(Item)?Command$/.test(context.commandName ?? '') &&
            input.TableName === h.db.tables.Users &&
            input.Key?.id === id
          ) {
            reads++;
          }
          return next(args);
        },
        { step: 'initialize', name },
      );
      try {
        await run();
      } finally {
        h.db.doc.middlewareStack.remove(name);
      }
      return reads;
    };
    const { user, caller } = await signedIn();
    expect(await readsOf(user.id, () => caller.users.me())).toBe(2);
    await h.deps.services.accounts.setAdmin(user.id, true);
    expect(await readsOf(user.id, () => caller.users.me())).toBe(3);
  });

  it('refuses a signed-out session on a query and on a mutation, which writes nothing', async () => {
    const { user, caller } = await signedIn();
    await signOut(user);
    for (const call of [
      () => caller.users.me(),
      () => caller.users.updateMe({ firstName: 'Eve' }),
    ]) {
      const error = await expectTRPCError(call(), 'UNAUTHORIZED');
      expect(error.message).toBe('Invalid or expired token');
      expect((error.cause as Error).cause).toBeInstanceOf(AccountRefusal);
    }
    expect(await firstNameOf(user.id)).toBe('Test');
  });

  it('refuses a signed-out or deleted admin UNAUTHORIZED (not FORBIDDEN) on an admin mutation', async () => {
    const out = await signedIn(true);
    await signOut(out.user);
    const gone = await signedIn(true);
    await h.deps.services.accounts.markDeleted(gone.user.id, new Date().toISOString());
    for (const { caller } of [out, gone]) {
      const name = `Widget ${randomUUID()}`;
      const error = await expectTRPCError(
        caller.products.create(validProduct({ name })),
        'UNAUTHORIZED',
      );
      expect(error.message).toBe('Invalid or expired token');
    }
  });

  it('refuses users.deleteMe to a signed-out session of a live account', async () => {
    const { user, caller } = await signedIn();
    await signOut(user);
    await expectTRPCError(caller.users.deleteMe({ password: 'x' }), 'UNAUTHORIZED');
  });

  it('lets a deleted account finish users.deleteMe, and nothing else', async () => {
    const { user, caller } = await signedIn();
    await h.deps.services.accounts.markDeleted(user.id, new Date().toISOString());
    await expectTRPCError(caller.users.updateMe({ firstName: 'Eve' }), 'UNAUTHORIZED');
    // Past the account check: the service itself answers (the password is wrong here).
    const error = await expectTRPCError(caller.users.deleteMe({ password: 'x' }), 'BAD_REQUEST');
    expect(error.message).toBe('Incorrect password');
  });

  it('answers a write that carries the check with its own error while the account is fine', async () => {
    const { caller } = await signedIn();
    const error = await expectTRPCError(
      caller.orders.create({
        items: [{ productId: randomUUID(), quantity: 1 }],
        shippingAddressId: randomUUID(),
      }),
      'NOT_FOUND',
    );
    expect(error.cause).not.toBeInstanceOf(AuthenticationError);
  });

  it('answers such a write UNAUTHORIZED when the account refuses the token', async () => {
    const { user, caller } = await signedIn();
    await h.deps.services.accounts.endSessionsBefore(user.id, nowSeconds());
    const error = await expectTRPCError(caller.addresses.create(validAddress()), 'UNAUTHORIZED');
    expect(error.message).toBe('Invalid or expired token');
    expect(await h.deps.services.addresses.list({ id: user.id, isAdmin: false })).toEqual([]);
  });

  describe('when the account read is throttled', () => {
    const injector = new FaultInjector('dynamodb');
    beforeAll(() => {
      injector.attach(h.db.doc);
    });
    afterEach(() => {
      injector.arm(undefined);
    });

    it('is TOO_MANY_REQUESTS, not a refusal, and the mutation writes nothing', async () => {
      const { user, caller } = await signedIn();
      // Every attempt of the next GetItem (the account's row) fails, SDK retries included.
      injector.arm({ kind: 'throttling', when: 'before', nth: 1, times: 10, command: 'GetItem' });
      const error = await caller.users.updateMe({ firstName: 'Eve' }).catch((e: unknown) => e);
      injector.arm(undefined);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('TOO_MANY_REQUESTS');
      expect(await firstNameOf(user.id)).toBe('Test');
    });

    it('is a 500, not a refusal, when the account read fails otherwise', async () => {
      const { user, caller } = await signedIn();
      injector.arm({ kind: 'reset', when: 'before', nth: 1, times: 10, command: 'GetItem' });
      const error = await caller.users.updateMe({ firstName: 'Eve' }).catch((e: unknown) => e);
      injector.arm(undefined);
      expect((error as TRPCError).code).toBe('INTERNAL_SERVER_ERROR');
      expect(await firstNameOf(user.id)).toBe('Test');
    });

    it('is TOO_MANY_REQUESTS also when a write carrying the check failed for its own reason', async () => {
      const { caller } = await signedIn();
      injector.arm({ kind: 'throttling', when: 'before', nth: 1, times: 10, command: 'GetItem' });
      const error = await caller.orders
        .create({
          items: [{ productId: randomUUID(), quantity: 1 }],
          shippingAddressId: randomUUID(),
        })
        .catch((e: unknown) => e);
      injector.arm(undefined);
      expect((error as TRPCError).code).toBe('TOO_MANY_REQUESTS');
    });
  });
});

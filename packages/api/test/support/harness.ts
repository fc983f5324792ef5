import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { beforeAll, expect } from 'vitest';
import {
  NO_IDENTITY_PROVIDER,
  type Clock,
  type IdentityProvider,
  type PaymentSettings,
  type Services,
} from '@shop/core';
import { createTestDb, type TestDb } from '@shop/testing/vitest';
import type { AuthUser, TokenVerifier } from '../../src/auth.ts';
import { createContextInner, type Deps } from '../../src/context.ts';
import { createCaller } from '../../src/root.ts';

export type Caller = ReturnType<typeof createCaller>;

/** Router tests need no tokens: the verifier is never reached through `createCaller`. */
const noVerifier: TokenVerifier = {
  verify: () => Promise.reject(new Error('router tests inject the user directly')),
};

/** No pool: every call fails, except that an account looked up is simply not there. */
const noIdentity: IdentityProvider = new Proxy(NO_IDENTITY_PROVIDER, {
  get: (target, name) =>
    name === 'getUser' ? () => Promise.resolve(undefined) : (Reflect.get(target, name) as unknown),
});

export interface Harness {
  db: TestDb;
  /** Every service built at once (`createServices`), so tests can reach them by name. */
  deps: Deps & { services: Services };
  /** A caller acting as a fresh user (with a Users row), or as `user` when given. */
  userCaller(user?: Partial<AuthUser>): Promise<{ caller: Caller; user: AuthUser }>;
  adminCaller(): Promise<{ caller: Caller; user: AuthUser }>;
  anonymousCaller(): Caller;
}

/** `clock`: where the services read the time (`createTestClock` from `@shop/testing`). */
export async function createHarness(
  overrides: {
    identity?: IdentityProvider;
    stage?: string;
    clock?: Clock;
    /** The payment provider and its settings (`support/payments.ts`). */
    payments?: PaymentSettings;
  } = {},
): Promise<Harness> {
  const db = await createTestDb({
    identity: overrides.identity ?? noIdentity,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.payments ? { payments: overrides.payments } : {}),
  });
  const deps: Harness['deps'] = {
    config: { stage: overrides.stage ?? 'test', isLocal: false, version: 'test' },
    services: db.services,
    verifier: noVerifier,
    ...(overrides.payments ? { paymentProvider: overrides.payments.provider } : {}),
  };
  const callerFor = async (partial: Partial<AuthUser> = {}) => {
    const id = partial.id ?? randomUUID();
    const user: AuthUser = {
      id,
      username: id,
      groups: partial.groups ?? [],
      isAdmin: partial.isAdmin ?? false,
    };
    const now = (overrides.clock?.now() ?? new Date()).toISOString();
    await db.services.repos.users
      .create({
        id,
        email: `${id}@example.com`,
        firstName: 'Test',
        lastName: user.isAdmin ? 'Admin' : 'Shopper',
        createdAt: now,
        updatedAt: now,
      })
      .catch(() => undefined);
    return { caller: createCaller(createContextInner({ user, deps })), user };
  };
  return {
    db,
    deps,
    userCaller: callerFor,
    adminCaller: () => callerFor({ isAdmin: true, groups: ['admin'] }),
    anonymousCaller: () => createCaller(createContextInner({ user: null, deps })),
  };
}

/**
 * A test file's harness, built once in `beforeAll`, with an administrator's and an anonymous
 * caller: `const { h, admin, anonymous } = useHarness({ clock })` at the top of the file. Each is
 * a stand-in that forwards to what the hook built, so the file needs no `let` and no hook of its
 * own; read before the hook ran (at collection time), it throws.
 */
export function useHarness(overrides: Parameters<typeof createHarness>[0] = {}) {
  let built: { h: Harness; admin: Caller; anonymous: Caller } | undefined;
  beforeAll(async () => {
    const h = await createHarness(overrides);
    built = { h, admin: (await h.adminCaller()).caller, anonymous: h.anonymousCaller() };
  });
  const late = <K extends keyof NonNullable<typeof built>>(key: K) =>
    new Proxy({} as NonNullable<typeof built>[K], {
      get: (_target, name) => {
        if (!built) throw new Error(`useHarness: ${key} was read before beforeAll built it`);
        return Reflect.get(built[key], name) as unknown;
      },
    });
  return { h: late('h'), admin: late('admin'), anonymous: late('anonymous') };
}

/** Awaits a call that must fail and returns its TRPCError, checking the code. */
export async function expectTRPCError(
  promise: Promise<unknown>,
  code: TRPCError['code'],
): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

export const validProduct = (overrides: Record<string, unknown> = {}) => ({
  name: `Widget ${randomUUID().slice(0, 6)}`,
  description: 'A useful widget',
  price: 1250,
  category: `cat-${randomUUID().slice(0, 8)}`,
  stock: 10,
  ...overrides,
});

export const validAddress = (overrides: Record<string, unknown> = {}) => ({
  street: '1 Infinite Loop',
  city: 'Cupertino',
  state: 'CA',
  zipCode: '95014',
  country: 'US',
  ...overrides,
});

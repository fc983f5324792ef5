import { randomUUID } from 'node:crypto';
import { createTestClock } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness } from './support/harness.ts';

const clock = createTestClock();

const { h } = useHarness({ clock });

describe('users.me', () => {
  it("returns the caller's own profile", async () => {
    const { caller, user } = await h.userCaller();
    const me = await caller.users.me();
    expect(me).toEqual({
      id: user.id,
      email: `${user.id}@example.com`,
      firstName: 'Test',
      lastName: 'Shopper',
      createdAt: expect.any(String) as string,
      updatedAt: expect.any(String) as string,
    });
    const other = await h.userCaller();
    expect((await other.caller.users.me()).id).toBe(other.user.id);
  });

  it('never returns a password or token', async () => {
    const { caller } = await h.userCaller();
    expect(Object.keys(await caller.users.me()).sort()).toEqual(
      ['createdAt', 'email', 'firstName', 'id', 'lastName', 'updatedAt'].sort(),
    );
  });
});

describe('users.updateMe', () => {
  it('changes the names and updatedAt, and keeps them', async () => {
    const { caller } = await h.userCaller();
    const before = await caller.users.me();
    clock.advance(1000);
    const updated = await caller.users.updateMe({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(updated).toEqual({
      ...before,
      firstName: 'Ada',
      lastName: 'Lovelace',
      updatedAt: updated.updatedAt,
    });
    expect(updated.updatedAt > before.updatedAt).toBe(true);
    expect(await caller.users.me()).toEqual(updated);
  });

  it('changes only the name that is given', async () => {
    const { caller } = await h.userCaller();
    const before = await caller.users.me();
    const updated = await caller.users.updateMe({ lastName: 'Hopper' });
    expect(updated).toEqual({ ...before, lastName: 'Hopper', updatedAt: updated.updatedAt });
  });

  it('trims the names it stores', async () => {
    const { caller } = await h.userCaller();
    const updated = await caller.users.updateMe({ firstName: '  Grace  ' });
    expect(updated.firstName).toBe('Grace');
  });

  it('returns the unchanged profile for an empty input', async () => {
    const { caller } = await h.userCaller();
    const before = await caller.users.me();
    clock.advance(1000);
    expect(await caller.users.updateMe({})).toEqual(before);
    expect(await caller.users.me()).toEqual(before);
  });

  it("changes nobody else's profile", async () => {
    const { caller } = await h.userCaller();
    const other = await h.userCaller();
    const theirs = await other.caller.users.me();
    await caller.users.updateMe({ firstName: 'Mallory' });
    expect(await other.caller.users.me()).toEqual(theirs);
  });
});

describe('users.byId', () => {
  it("returns the caller's own profile", async () => {
    const { caller, user } = await h.userCaller();
    expect(await caller.users.byId({ id: user.id })).toEqual(await caller.users.me());
  });

  it("is NOT_FOUND for another user's profile when asked by a shopper", async () => {
    const { caller } = await h.userCaller();
    const other = await h.userCaller();
    const error = await expectTRPCError(caller.users.byId({ id: other.user.id }), 'NOT_FOUND');
    expect(error.message).not.toContain(other.user.id);
  });

  it('answers a shopper the same for an existing and an unknown user', async () => {
    const { caller } = await h.userCaller();
    const other = await h.userCaller();
    const existing = await expectTRPCError(caller.users.byId({ id: other.user.id }), 'NOT_FOUND');
    const unknown = await expectTRPCError(caller.users.byId({ id: randomUUID() }), 'NOT_FOUND');
    expect(existing.message).toBe(unknown.message);
  });

  it('lets an admin read anyone', async () => {
    const admin = await h.adminCaller();
    const other = await h.userCaller();
    expect(await admin.caller.users.byId({ id: other.user.id })).toEqual(
      await other.caller.users.me(),
    );
  });

  it('is NOT_FOUND for an unknown id, also for an admin', async () => {
    const admin = await h.adminCaller();
    await expectTRPCError(admin.caller.users.byId({ id: randomUUID() }), 'NOT_FOUND');
  });
});

describe('anonymous callers', () => {
  it('are UNAUTHORIZED for me, updateMe and byId', async () => {
    const { caller, user } = await h.userCaller();
    const before = await caller.users.me();
    const anonymous = h.anonymousCaller();
    await expectTRPCError(anonymous.users.me(), 'UNAUTHORIZED');
    await expectTRPCError(anonymous.users.updateMe({ firstName: 'Eve' }), 'UNAUTHORIZED');
    await expectTRPCError(anonymous.users.byId({ id: user.id }), 'UNAUTHORIZED');
    expect(await caller.users.me()).toEqual(before);
  });
});

describe('the account procedures, without Cognito', () => {
  it('answers NOT_FOUND for a caller with neither a profile nor an account', async () => {
    const { caller, user } = await h.userCaller();
    await h.db.services.users.store.remove(user.id);
    await expectTRPCError(caller.users.me(), 'NOT_FOUND');
    await expectTRPCError(caller.users.updateMe({ firstName: 'X' }), 'NOT_FOUND');
    await expectTRPCError(caller.users.updateMe({}), 'NOT_FOUND');
  });

  it('are UNAUTHORIZED for anonymous callers and FORBIDDEN for shoppers where admin-only', async () => {
    const anonymous = h.anonymousCaller();
    await expectTRPCError(
      anonymous.users.changePassword({ currentPassword: 'x', newPassword: 'N3w-horse!' }),
      'UNAUTHORIZED',
    );
    await expectTRPCError(anonymous.users.deleteMe({ password: 'x' }), 'UNAUTHORIZED');
    await expectTRPCError(anonymous.users.adminList(), 'UNAUTHORIZED');
    const { caller, user } = await h.userCaller();
    await expectTRPCError(caller.users.adminList(), 'FORBIDDEN');
    await expectTRPCError(caller.users.setAdmin({ id: user.id, isAdmin: true }), 'FORBIDDEN');
  });

  it('refuses a self-demotion before asking Cognito', async () => {
    const { caller, user } = await h.adminCaller();
    await expectTRPCError(caller.users.setAdmin({ id: user.id, isAdmin: false }), 'CONFLICT');
  });
});

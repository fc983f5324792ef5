import { randomUUID } from 'node:crypto';
import { NO_IDENTITY_PROVIDER, type IdentityProvider } from '@shop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness } from './support/harness.ts';

/** `users.adminList` with `emailPrefix`, on this file's own tables (it sees only these profiles). */

/** No pool: nobody is in the admin group; an account looked up is not there. */
const identity: IdentityProvider = new Proxy(NO_IDENTITY_PROVIDER, {
  get: (target, name) => {
    if (name === 'groupMembers') return () => Promise.resolve(new Set<string>());
    if (name === 'getUser') return () => Promise.resolve(undefined);
    return Reflect.get(target, name) as unknown;
  },
});

const profile = (email: string) => {
  const now = new Date().toISOString();
  return h.db.services.repos.users.create({
    id: randomUUID(),
    email,
    firstName: 'A',
    lastName: 'B',
    createdAt: now,
    updatedAt: now,
  });
};

/** Every page of a listing, following the cursors. */
async function allPages(input: { emailPrefix?: string; limit?: number }) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await admin.users.adminList({ ...input, ...(cursor ? { cursor } : {}) });
    pages.push(page.items.map((u) => u.email));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

const { h, admin } = useHarness({ identity });

beforeAll(async () => {
  // 25 accounts that match nothing below, and three Adas.
  await Promise.all(Array.from({ length: 25 }, (_, i) => profile(`other${i}@example.com`)));
  await Promise.all(
    ['ada.lovelace@example.com', 'ada.byron@example.com', 'adam@example.com'].map(profile),
  );
});

describe('users.adminList with emailPrefix', () => {
  it('lists only the accounts whose e-mail starts with the prefix, given in any case', async () => {
    const pages = await allPages({ emailPrefix: ' ADA.', limit: 100 });
    expect(pages.flat().sort()).toEqual(['ada.byron@example.com', 'ada.lovelace@example.com']);
  });

  it('pages through every match with limit 1, never more than one per page', async () => {
    const pages = await allPages({ emailPrefix: 'ada', limit: 1 });
    expect(pages.every((p) => p.length <= 1)).toBe(true);
    expect(pages.flat().sort()).toEqual([
      'ada.byron@example.com',
      'ada.lovelace@example.com',
      'adam@example.com',
    ]);
  });

  it('reads a bounded number of items per page: a page with no match comes back with a cursor', async () => {
    // 28 accounts, none matching: a page of 1 reads at most 10 of them, so it cannot finish.
    const first = await admin.users.adminList({ emailPrefix: 'zzz', limit: 1 });
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    expect((await allPages({ emailPrefix: 'zzz', limit: 1 })).flat()).toEqual([]);
  });

  it('lists everyone without a prefix', async () => {
    expect((await allPages({ limit: 100 })).flat()).toHaveLength(29);
  });

  it('refuses a cursor taken with another prefix, or without one, as BAD_REQUEST', async () => {
    const page = await admin.users.adminList({ emailPrefix: 'zzz', limit: 1 });
    await expectTRPCError(
      admin.users.adminList({ emailPrefix: 'ada', cursor: page.nextCursor! }),
      'BAD_REQUEST',
    );
    const plain = await admin.users.adminList({ limit: 1 });
    await expectTRPCError(
      admin.users.adminList({ emailPrefix: 'ada', cursor: plain.nextCursor! }),
      'BAD_REQUEST',
    );
  });

  it('refuses an empty or 255-character prefix as BAD_REQUEST', async () => {
    await expectTRPCError(admin.users.adminList({ emailPrefix: '  ' }), 'BAD_REQUEST');
    await expectTRPCError(admin.users.adminList({ emailPrefix: 'a'.repeat(255) }), 'BAD_REQUEST');
  });
});

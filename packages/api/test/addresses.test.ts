import { randomUUID } from 'node:crypto';
import type { TRPCError } from '@trpc/server';
import type { Address } from '@shop/core';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  expectTRPCError,
  useHarness,
  validAddress,
  validProduct,
  type Caller,
} from './support/harness.ts';

const { h } = useHarness();

/** Races are probabilistic: each round gives the interleaving a fresh chance to go wrong. */
const ROUNDS = 30;
/** 30 rounds of sign-up and writes: ~10 s on a quiet machine, over 30 s on a busy one. */
const RACE_TIMEOUT = 120_000;

/** A fresh shopper with no addresses yet. */
const shopper = async () => (await h.userCaller()).caller;

/** The ids of the caller's default addresses (the contract allows at most one). */
const defaultsOf = async (caller: Caller) =>
  (await caller.addresses.list()).filter((a) => a.isDefault).map((a) => a.id);

/**
 * The answers of racing calls. Under contention a call may run out of its conflict-retry budget:
 * the contract's answer then is TOO_MANY_REQUESTS (never a 500), and the rule under test must
 * hold for whatever did get written. At least one call always wins.
 */
async function settleRace<T>(calls: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(calls);
  const won: T[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') won.push(result.value);
    else expect((result.reason as TRPCError).code).toBe('TOO_MANY_REQUESTS');
  }
  expect(won.length).toBeGreaterThan(0);
  return won;
}

describe('addresses.list', () => {
  it("returns only the caller's addresses", async () => {
    const { caller: alice, user: aliceUser } = await h.userCaller();
    const { caller: bob, user: bobUser } = await h.userCaller();
    const a1 = await alice.addresses.create(validAddress({ street: '1 Alice Street' }));
    const a2 = await alice.addresses.create(validAddress({ street: '2 Alice Street' }));
    const b1 = await bob.addresses.create(validAddress({ street: '1 Bob Street' }));

    const mine = await alice.addresses.list();
    expect(mine.map((a) => a.id).sort()).toEqual([a1.id, a2.id].sort());
    expect(mine.every((a) => a.userId === aliceUser.id)).toBe(true);
    expect(await bob.addresses.list()).toEqual([{ ...b1, userId: bobUser.id }]);
  });

  it('is empty for a user without addresses', async () => {
    expect(await (await shopper()).addresses.list()).toEqual([]);
  });
});

describe('addresses.create', () => {
  it('returns the stored address', async () => {
    const { caller, user } = await h.userCaller();
    const input = validAddress({ street: '10 Downing Street', country: 'GB' });
    const address = await caller.addresses.create(input);
    expect(address).toEqual({
      ...input,
      recipientName: 'Test Shopper',
      id: expect.any(String) as string,
      userId: user.id,
      isDefault: true,
    });
    expect(await caller.addresses.list()).toEqual([address]);
  });

  it.each([
    ['omitted', {}],
    ['false', { isDefault: false }],
  ])('makes the first address the default when isDefault is %s', async (_label, extra) => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress(extra));
    expect(first.isDefault).toBe(true);
    expect(await defaultsOf(caller)).toEqual([first.id]);
  });

  it.each([
    ['omitted', {}],
    ['false', { isDefault: false }],
  ])('does not make a second address the default when isDefault is %s', async (_label, extra) => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress());
    const second = await caller.addresses.create(validAddress(extra));
    expect(second.isDefault).toBe(false);
    expect(await defaultsOf(caller)).toEqual([first.id]);
  });

  it('moves the default to a new address created with isDefault true', async () => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress());
    const second = await caller.addresses.create(validAddress({ isDefault: true }));
    expect(second.isDefault).toBe(true);
    expect(await defaultsOf(caller)).toEqual([second.id]);
    const third = await caller.addresses.create(validAddress({ isDefault: true }));
    expect(await defaultsOf(caller)).toEqual([third.id]);
    expect(await caller.addresses.list()).toHaveLength(3);
    expect((await caller.addresses.list()).find((a) => a.id === first.id)?.isDefault).toBe(false);
  });

  it('makes a new address the default when the user has none', async () => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress());
    await caller.addresses.create(validAddress());
    await caller.addresses.delete({ id: first.id });
    expect(await defaultsOf(caller)).toEqual([]);

    const next = await caller.addresses.create(validAddress());
    expect(next.isDefault).toBe(true);
    expect(await defaultsOf(caller)).toEqual([next.id]);
  });

  it('normalises the country code to upper case', async () => {
    const caller = await shopper();
    const address = await caller.addresses.create(validAddress({ country: 'us' }));
    expect(address.country).toBe('US');
    expect((await caller.addresses.list())[0]?.country).toBe('US');
  });

  it('needs a signed-in user', async () => {
    await expectTRPCError(h.anonymousCaller().addresses.create(validAddress()), 'UNAUTHORIZED');
  });
});

describe('addresses.update', () => {
  it('changes the given fields and keeps the rest', async () => {
    const caller = await shopper();
    const address = await caller.addresses.create(validAddress());
    const updated = await caller.addresses.update({
      id: address.id,
      city: 'Palo Alto',
      country: 'ca',
    });
    expect(updated).toEqual({ ...address, city: 'Palo Alto', country: 'CA' });
    expect(await caller.addresses.list()).toEqual([updated]);
  });

  it('moves the default atomically when set to isDefault true', async () => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress());
    const second = await caller.addresses.create(validAddress());
    const updated = await caller.addresses.update({ id: second.id, isDefault: true });
    expect(updated.isDefault).toBe(true);
    expect(await defaultsOf(caller)).toEqual([second.id]);

    await caller.addresses.update({ id: first.id, isDefault: true });
    expect(await defaultsOf(caller)).toEqual([first.id]);
  });

  it(
    'keeps exactly one default when several addresses are made the default at once',
    { timeout: RACE_TIMEOUT },
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const caller = await shopper();
        const addresses = [];
        for (let n = 0; n < 5; n++) addresses.push(await caller.addresses.create(validAddress()));
        await settleRace(
          addresses.map((a) => caller.addresses.update({ id: a.id, isDefault: true })),
        );
        expect(await defaultsOf(caller), `round ${round}`).toHaveLength(1);
        expect(await caller.addresses.list()).toHaveLength(5);
      }
    },
  );

  it('leaves no default when the default is set to isDefault false', async () => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress());
    await caller.addresses.create(validAddress());
    const updated = await caller.addresses.update({ id: first.id, isDefault: false });
    expect(updated.isDefault).toBe(false);
    expect(await defaultsOf(caller)).toEqual([]);

    const next = await caller.addresses.create(validAddress());
    expect(await defaultsOf(caller)).toEqual([next.id]);
  });

  it("is NOT_FOUND for another user's address and leaves it unchanged", async () => {
    const owner = await shopper();
    const address = await owner.addresses.create(validAddress());
    const stranger = await shopper();
    await expectTRPCError(
      stranger.addresses.update({ id: address.id, street: 'Hijacked', isDefault: false }),
      'NOT_FOUND',
    );
    expect(await owner.addresses.list()).toEqual([address]);
    expect(await stranger.addresses.list()).toEqual([]);
  });

  it('is NOT_FOUND for an unknown id', async () => {
    const caller = await shopper();
    await expectTRPCError(
      caller.addresses.update({ id: randomUUID(), city: 'Nowhere' }),
      'NOT_FOUND',
    );
    expect(await caller.addresses.list()).toEqual([]);
  });

  it('needs a signed-in user', async () => {
    const owner = await shopper();
    const address = await owner.addresses.create(validAddress());
    await expectTRPCError(
      h.anonymousCaller().addresses.update({ id: address.id, city: 'Anon' }),
      'UNAUTHORIZED',
    );
    expect(await owner.addresses.list()).toEqual([address]);
  });
});

describe('addresses.delete', () => {
  it('deletes the address', async () => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress());
    const second = await caller.addresses.create(validAddress());
    expect(await caller.addresses.delete({ id: second.id })).toEqual({ id: second.id });
    expect(await caller.addresses.list()).toEqual([first]);
    await expectTRPCError(caller.addresses.delete({ id: second.id }), 'NOT_FOUND');
  });

  it('leaves the user with no default when the default is deleted (nothing is promoted)', async () => {
    const caller = await shopper();
    const first = await caller.addresses.create(validAddress());
    const second = await caller.addresses.create(validAddress());
    await caller.addresses.delete({ id: first.id });
    expect(await caller.addresses.list()).toEqual([second]);
    expect(await defaultsOf(caller)).toEqual([]);
  });

  it("is NOT_FOUND for another user's address and leaves it in place", async () => {
    const owner = await shopper();
    const address = await owner.addresses.create(validAddress());
    const stranger = await shopper();
    await expectTRPCError(stranger.addresses.delete({ id: address.id }), 'NOT_FOUND');
    expect(await owner.addresses.list()).toEqual([address]);
  });

  it('is NOT_FOUND for an unknown id', async () => {
    await expectTRPCError((await shopper()).addresses.delete({ id: randomUUID() }), 'NOT_FOUND');
  });

  it('needs a signed-in user', async () => {
    const owner = await shopper();
    const address = await owner.addresses.create(validAddress());
    await expectTRPCError(h.anonymousCaller().addresses.delete({ id: address.id }), 'UNAUTHORIZED');
    expect(await owner.addresses.list()).toEqual([address]);
  });
});

describe('addresses.list access', () => {
  it('needs a signed-in user', async () => {
    await expectTRPCError(h.anonymousCaller().addresses.list(), 'UNAUTHORIZED');
  });
});

describe('concurrency', () => {
  it('ends with exactly one default when 10 creates with isDefault true race', async () => {
    const caller = await shopper();
    await caller.addresses.create(validAddress());
    const created = await settleRace(
      Array.from({ length: 10 }, (_, n) =>
        caller.addresses.create(validAddress({ street: `${n} Race Street`, isDefault: true })),
      ),
    );
    const list = await caller.addresses.list();
    expect(list).toHaveLength(1 + created.length);
    const defaults = list.filter((a) => a.isDefault);
    expect(defaults).toHaveLength(1);
    expect(created.map((a) => a.id)).toContain(defaults[0]?.id);
  });

  it('ends with exactly one default when a fresh user races 10 isDefault true creates', async () => {
    const caller = await shopper();
    const created = await settleRace(
      Array.from({ length: 10 }, () => caller.addresses.create(validAddress({ isDefault: true }))),
    );
    const list = await caller.addresses.list();
    expect(list).toHaveLength(created.length);
    expect(list.filter((a) => a.isDefault)).toHaveLength(1);
  });

  it('ends with exactly one default when 10 first creates race for a fresh user', async () => {
    const caller = await shopper();
    const created = await settleRace(
      Array.from({ length: 10 }, () => caller.addresses.create(validAddress())),
    );
    const list = await caller.addresses.list();
    expect(list).toHaveLength(created.length);
    expect(list.filter((a) => a.isDefault)).toHaveLength(1);
    expect(created.map((a) => a.id).sort()).toEqual(list.map((a) => a.id).sort());
  });

  it('tells exactly one of 10 racing first creates that it is the default, and keeps it so', async () => {
    for (let round = 0; round < 5; round++) {
      const caller = await shopper();
      const created = await settleRace(
        Array.from({ length: 10 }, () => caller.addresses.create(validAddress())),
      );
      const answered = created.filter((a) => a.isDefault).map((a) => a.id);
      // No request asked for a default: the one that got it must keep it.
      expect(answered, `round ${round}`).toEqual(await defaultsOf(caller));
    }
  });

  it(
    "keeps one default when the default's fields are edited while another becomes the default",
    { timeout: RACE_TIMEOUT },
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const caller = await shopper();
        const first = await caller.addresses.create(validAddress());
        const [, second] = await Promise.all([
          caller.addresses.update({ id: first.id, city: 'Edited meanwhile' }),
          caller.addresses.create(validAddress({ isDefault: true })),
        ]);
        expect(await defaultsOf(caller), `round ${round}`).toEqual([second.id]);
      }
    },
  );

  it(
    'still lets the user choose a default after an address is deleted while it becomes the default',
    { timeout: RACE_TIMEOUT },
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const caller = await shopper();
        await caller.addresses.create(validAddress());
        const doomed = await caller.addresses.create(validAddress());
        await Promise.allSettled([
          caller.addresses.delete({ id: doomed.id }),
          caller.addresses.update({ id: doomed.id, isDefault: true }),
        ]);
        expect((await caller.addresses.list()).map((a) => a.id)).not.toContain(doomed.id);
        const chosen = await caller.addresses.create(validAddress({ isDefault: true })).then(
          (address) => address,
          (error: unknown) => `${(error as TRPCError).code}: ${(error as TRPCError).message}`,
        );
        expect(chosen, `round ${round}`).toMatchObject({ isDefault: true });
        expect(await defaultsOf(caller), `round ${round}`).toEqual([(chosen as Address).id]);
      }
    },
  );
});

describe('the recipient of an address', () => {
  it("defaults to the account's first and last name", async () => {
    const caller = await shopper();
    await caller.users.updateMe({ firstName: 'Ada', lastName: 'Lovelace' });
    const address = await caller.addresses.create(validAddress());
    expect(address.recipientName).toBe('Ada Lovelace');
    expect((await caller.addresses.list())[0]?.recipientName).toBe('Ada Lovelace');
  });

  it('keeps the name given, and an update changes it', async () => {
    const caller = await shopper();
    const address = await caller.addresses.create(
      validAddress({ recipientName: ' Grace Hopper ' }),
    );
    expect(address.recipientName).toBe('Grace Hopper');
    const updated = await caller.addresses.update({ id: address.id, recipientName: 'Alan Turing' });
    expect(updated.recipientName).toBe('Alan Turing');
    expect((await caller.addresses.list())[0]?.recipientName).toBe('Alan Turing');
  });

  it('cuts a default longer than 100 characters to 100', async () => {
    const caller = await shopper();
    await caller.users.updateMe({ firstName: 'F'.repeat(100), lastName: 'L'.repeat(100) });
    const address = await caller.addresses.create(validAddress());
    expect(address.recipientName).toBe('F'.repeat(100));
  });

  it('refuses an empty or 101-character name with BAD_REQUEST and writes nothing', async () => {
    const caller = await shopper();
    await expectTRPCError(
      caller.addresses.create(validAddress({ recipientName: '' })),
      'BAD_REQUEST',
    );
    await expectTRPCError(
      caller.addresses.create(validAddress({ recipientName: 'x'.repeat(101) })),
      'BAD_REQUEST',
    );
    expect(await caller.addresses.list()).toEqual([]);
  });

  it("reads a row stored without one with the account's name", async () => {
    const { caller, user } = await h.userCaller();
    const id = randomUUID();
    await h.db.doc.send(
      new PutCommand({
        TableName: h.db.tables.Addresses,
        Item: { id, userId: user.id, ...validAddress(), isDefault: false },
      }),
    );
    // Read by key (the row is not in the account's address list: it predates recipient names).
    const updated = await caller.addresses.update({ id, city: 'Paris' });
    expect(updated).toEqual({
      id,
      userId: user.id,
      ...validAddress(),
      recipientName: 'Test Shopper',
      city: 'Paris',
      isDefault: false,
    });
  });

  it('is copied into the shipping address of an order', async () => {
    const caller = await shopper();
    const { caller: admin } = await h.adminCaller();
    const product = await admin.products.create(validProduct());
    const address = await caller.addresses.create(validAddress({ recipientName: 'Mary Shelley' }));
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    expect(order.shippingAddress.recipientName).toBe('Mary Shelley');
    await caller.addresses.update({ id: address.id, recipientName: 'Someone Else' });
    expect((await caller.orders.byId({ id: order.id })).shippingAddress.recipientName).toBe(
      'Mary Shelley',
    );
  });
});

import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AccountRefusal,
  AccountStore,
  AuthenticationError,
  createDocumentClient,
  ThrottledError,
  type Actor,
} from '../src/index.ts';
import { FaultInjector } from '@shop/testing';
import { createTestDb, type TestDb } from '@shop/testing/vitest';

/**
 * `AccountStore` on DynamoDB Local: every read and write of an account's state (the Users row that
 * decides what its tokens may still do). The pure rules (`refusalOf`, `stateOf`) are in
 * account-rules.test.ts; the API's use of them in api/test/account.test.ts.
 */
let db: TestDb;
let accounts: AccountStore;
beforeAll(async () => {
  db = await createTestDb();
  accounts = db.services.accounts;
});

const NOW = 1_800_000_000;
const session = (id: string = randomUUID(), startedAt = NOW) => ({
  id,
  startedAt,
  expiresAt: NOW + 3600,
});
const userId = () => randomUUID();
const rowOf = async (id: string) =>
  (await db.doc.send(new GetCommand({ TableName: db.tables.Users, Key: { id } }))).Item;
const putRow = (item: Record<string, unknown>) =>
  db.doc.send(new PutCommand({ TableName: db.tables.Users, Item: item }));
const refusalOf = (actor: Actor) => accounts.authorize(actor).catch((e: unknown) => e);

/**
 * An `AccountStore` on its own client that records every request's input, and whose commands can
 * be throttled (no SDK retry: the fault reaches the store as it is).
 */
function recordedStore() {
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint: inject('dynamoEndpoint'),
    maxAttempts: 1,
  });
  const inputs: { command: string; input: Record<string, unknown> }[] = [];
  doc.middlewareStack.add(
    (next, context) => (args) => {
      inputs.push({ command: context.commandName ?? '?', input: args.input as never });
      return next(args);
    },
    { step: 'initialize', name: 'recordInputs' },
  );
  const injector = new FaultInjector('dynamodb').attach(doc);
  return { store: new AccountStore(doc, db.tables.Users), inputs, injector };
}

describe('reading an account', () => {
  it('gives a fresh state for an account nothing has changed yet', async () => {
    expect(await accounts.read(userId())).toEqual({
      deleted: false,
      sessionsValidAfter: undefined,
      revokedSessions: new Set(),
      admin: undefined,
    });
  });

  it('reads strongly consistently, also before a logout (AWS reads are eventual otherwise)', async () => {
    const { store, inputs } = recordedStore();
    const id = userId();
    await store.read(id);
    await store.revokeSession(id, 's1', NOW + 60, NOW);
    const gets = inputs.filter((i) => /^Get(Item)?Command$/.test(i.command));
    expect(gets).toHaveLength(2);
    for (const { input } of gets)
      expect(input).toMatchObject({ Key: { id }, ConsistentRead: true });
  });

  it('is TOO_MANY_REQUESTS when the read is throttled', async () => {
    const { store, injector } = recordedStore();
    injector.arm({ kind: 'throttling', when: 'before', nth: 1, command: 'GetItem' });
    const error = await store.read(userId()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as Error).message).toBe('The data store is busy, please retry');
  });
});

describe('authorize', () => {
  it("takes the token's admin right while the account has none of its own", async () => {
    const id = userId();
    expect(await accounts.authorize({ id, isAdmin: true })).toEqual({ isAdmin: true });
    expect(await accounts.authorize({ id, isAdmin: false })).toEqual({ isAdmin: false });
    // The token's word is `tokenIsAdmin` when given, whatever `isAdmin` says.
    expect(await accounts.authorize({ id, isAdmin: false, tokenIsAdmin: true })).toEqual({
      isAdmin: true,
    });
    expect(await accounts.authorize({ id, isAdmin: true, tokenIsAdmin: false })).toEqual({
      isAdmin: false,
    });
  });

  it("follows the account's own right once users.setAdmin wrote one", async () => {
    const id = userId();
    await accounts.setAdmin(id, false);
    expect(await accounts.authorize({ id, isAdmin: true, tokenIsAdmin: true })).toEqual({
      isAdmin: false,
    });
    await accounts.setAdmin(id, true);
    expect(await accounts.authorize({ id, isAdmin: false })).toEqual({ isAdmin: true });
  });

  it('refuses every token of a deleted account with the one message, the reason as cause', async () => {
    const id = userId();
    await accounts.markDeleted(id, new Date(NOW * 1000).toISOString());
    for (const actor of [
      { id, isAdmin: false },
      { id, isAdmin: true, session: session() },
    ]) {
      const error = await refusalOf(actor);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toBe('Invalid or expired token');
      expect((error as Error).cause).toBeInstanceOf(AccountRefusal);
      expect(((error as Error).cause as AccountRefusal).reason).toBe('deleted');
    }
  });
});

describe('guard', () => {
  it('puts no condition on a write of an in-process caller (no session)', () => {
    expect(accounts.guard({ id: userId(), isAdmin: false })).toEqual([]);
  });

  it("checks the account's row in the write's own transaction", () => {
    const id = userId();
    const s = session('sess-1', NOW - 10);
    expect(accounts.guard({ id, isAdmin: false, session: s })).toEqual([
      {
        tag: 'account',
        write: {
          ConditionCheck: {
            TableName: db.tables.Users,
            Key: { id },
            ConditionExpression:
              'attribute_not_exists(deletedAt) AND (attribute_not_exists(sessionsValidAfter) OR sessionsValidAfter <= :sessionStart) AND attribute_not_exists(#revoked)',
            ExpressionAttributeNames: { '#revoked': 'rs:sess-1' },
            ExpressionAttributeValues: { ':sessionStart': NOW - 10 },
          },
        },
      },
    ]);
  });
});

describe('endSessionsBefore', () => {
  it('ends the sessions started before the cut-off, and never moves it back', async () => {
    const id = userId();
    await accounts.endSessionsBefore(id, NOW);
    expect((await rowOf(id))?.sessionsValidAfter).toBe(NOW);
    expect(
      ((await refusalOf({ id, isAdmin: false, session: session('a', NOW - 1) })) as Error).cause,
    ).toMatchObject({ reason: 'password-changed' });
    expect(await accounts.authorize({ id, isAdmin: false, session: session('b', NOW) })).toEqual({
      isAdmin: false,
    });
    // An earlier cut-off (a slower request) leaves the later one; it is not an error.
    await expect(accounts.endSessionsBefore(id, NOW - 100)).resolves.toBeUndefined();
    await expect(accounts.endSessionsBefore(id, NOW)).resolves.toBeUndefined();
    expect((await rowOf(id))?.sessionsValidAfter).toBe(NOW);
    await accounts.endSessionsBefore(id, NOW + 5);
    expect((await rowOf(id))?.sessionsValidAfter).toBe(NOW + 5);
  });

  it('is TOO_MANY_REQUESTS when the write is throttled, not a silent success', async () => {
    const { store, injector } = recordedStore();
    injector.arm({ kind: 'throttling', when: 'before', nth: 1, command: 'UpdateItem' });
    const id = userId();
    const error = await store.endSessionsBefore(id, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(await rowOf(id)).toBeUndefined();
  });
});

describe('revokeSession', () => {
  it('ends that session only, until its last access token expires', async () => {
    const id = userId();
    await accounts.revokeSession(id, 'gone', NOW + 3600, NOW);
    expect(await rowOf(id)).toEqual({ id, 'rs:gone': NOW + 3600 });
    const error = await refusalOf({ id, isAdmin: false, session: session('gone') });
    expect((error as Error).cause).toMatchObject({ reason: 'signed-out' });
    expect(await accounts.authorize({ id, isAdmin: false, session: session('kept') })).toEqual({
      isAdmin: false,
    });
  });

  it('drops the entries past their time (at or before now) in the same write, nothing else', async () => {
    const id = userId();
    await putRow({
      id,
      admin: true,
      sessionsValidAfter: NOW - 500,
      'rs:old': NOW - 1,
      'rs:ending': NOW,
      'rs:live': NOW + 1,
    });
    await accounts.revokeSession(id, 'new', NOW + 3600, NOW);
    expect(await rowOf(id)).toEqual({
      id,
      admin: true,
      sessionsValidAfter: NOW - 500,
      'rs:live': NOW + 1,
      'rs:new': NOW + 3600,
    });
  });

  it('renews a session revoked before whose entry is past its time (set, not also removed)', async () => {
    const id = userId();
    await putRow({ id, 'rs:again': NOW - 10, 'rs:old': NOW - 20 });
    await accounts.revokeSession(id, 'again', NOW + 3600, NOW);
    expect(await rowOf(id)).toEqual({ id, 'rs:again': NOW + 3600 });
  });

  it('is TOO_MANY_REQUESTS when the write is throttled', async () => {
    const { store, injector } = recordedStore();
    injector.arm({ kind: 'throttling', when: 'before', nth: 1, command: 'UpdateItem' });
    const id = userId();
    const error = await store.revokeSession(id, 's', NOW + 60, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(await rowOf(id)).toBeUndefined();
  });
});

describe('setAdmin and markDeleted', () => {
  it('records the admin right, and leaves a deleted account deleted without one', async () => {
    const id = userId();
    await accounts.setAdmin(id, true);
    expect(await rowOf(id)).toEqual({ id, admin: true });
    await accounts.setAdmin(id, false);
    expect((await accounts.read(id)).admin).toBe(false);

    const at = new Date(NOW * 1000).toISOString();
    await putRow({ id, email: 'x@example.com', firstName: 'X', admin: true });
    await accounts.markDeleted(id, at);
    // The profile is gone: only the tombstone is left.
    expect(await rowOf(id)).toEqual({ id, deletedAt: at });
    await expect(accounts.setAdmin(id, true)).resolves.toBeUndefined();
    expect(await rowOf(id)).toEqual({ id, deletedAt: at });
  });

  it('is TOO_MANY_REQUESTS when either write is throttled', async () => {
    const { store, injector } = recordedStore();
    const id = userId();
    injector.arm({ kind: 'throttling', when: 'before', nth: 1, command: 'UpdateItem' });
    expect(await store.setAdmin(id, true).catch((e: unknown) => e)).toBeInstanceOf(ThrottledError);
    injector.arm({ kind: 'throttling', when: 'before', nth: 1, command: 'PutItem' });
    expect(await store.markDeleted(id, 'x').catch((e: unknown) => e)).toBeInstanceOf(
      ThrottledError,
    );
    expect(await rowOf(id)).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ConflictError,
  CorruptDataError,
  createDocumentClient,
  mapStoreError,
  NotFoundError,
  Repository,
  setExpression,
  ThrottledError,
  ValidationError,
} from '../src/index.ts';
import { FaultInjector } from '@shop/testing';
import { createTestDb, type TestDb } from '@shop/testing/vitest';

/**
 * The repository's single-item reads and writes (get, create, update, delete), their errors and
 * the mapping of the store's errors, on DynamoDB Local. Paging is in repository.test.ts.
 */
let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});

type User = { id: string; email: string; firstName: string; lastName: string };
const users = () => db.services.repos.users as unknown as Repository<User>;
const now = () => new Date().toISOString();
const newUser = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  email: `${randomUUID()}@example.com`,
  firstName: 'Ada',
  lastName: 'Lovelace',
  createdAt: now(),
  updatedAt: now(),
  ...overrides,
});

/** The users repository on a client of its own that records inputs and can be throttled. */
function recorded() {
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint: inject('dynamoEndpoint'),
    maxAttempts: 1,
  });
  const inputs: Record<string, unknown>[] = [];
  doc.middlewareStack.add(
    (next) => (args) => {
      inputs.push(args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'recordInputs' },
  );
  const injector = new FaultInjector('dynamodb').attach(doc);
  const r = users();
  return {
    repo: new Repository(doc, r.tableName, r.definition, r.schema, r.cursors),
    inputs,
    injector,
  };
}

describe('mapStoreError', () => {
  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'TransactionConflictException',
    'TransactionInProgressException',
  ])('makes %s TOO_MANY_REQUESTS, with the SDK error as cause', (name) => {
    const error = Object.assign(new Error('busy'), { name });
    let thrown: unknown;
    try {
      mapStoreError(error);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ThrottledError);
    expect((thrown as Error).message).toBe('The data store is busy, please retry');
    expect((thrown as Error).cause).toBe(error);
  });

  it('passes anything else on as it is', () => {
    for (const error of [
      Object.assign(new Error('no'), { name: 'ValidationException' }),
      new Error('ThrottlingException'),
      'ThrottlingException',
    ]) {
      expect(() => mapStoreError(error)).toThrow(error);
    }
  });
});

describe('setExpression', () => {
  it('sets every defined value, by placeholder', () => {
    expect(setExpression({ firstName: 'Grace', lastName: undefined, stock: 0 })).toEqual({
      expression: 'SET #firstName = :firstName, #stock = :stock',
      names: { '#firstName': 'firstName', '#stock': 'stock' },
      values: { ':firstName': 'Grace', ':stock': 0 },
    });
  });
});

describe('single-item reads and writes', () => {
  it('reads eventually consistent unless asked otherwise', async () => {
    const { repo, inputs } = recorded();
    const id = randomUUID();
    await repo.get(id);
    await repo.get(id, { consistent: true });
    expect(inputs.map((i) => i.ConsistentRead)).toEqual([false, true]);
  });

  it('refuses a second create of an id as CONFLICT naming it, the store error as cause', async () => {
    const item = newUser();
    await users().create(item);
    const error = await users()
      .create(newUser({ id: item.id }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(`${item.id} already exists`);
    expect((error as Error).cause).toBeInstanceOf(ConditionalCheckFailedException);
    expect((await users().get(item.id, { consistent: true }))?.email).toBe(item.email);
  });

  it('names the item in the NOT_FOUND and CONFLICT of an update or a delete', async () => {
    const item = newUser();
    await users().create(item);
    const missing = randomUUID();
    const other = { expression: '#f = :f', names: { '#f': 'firstName' }, values: { ':f': 'Bob' } };
    for (const attempt of [
      () => users().update(missing, { firstName: 'Grace' }),
      () => users().delete(missing),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe(`${missing} not found`);
      expect((error as Error).cause).toBeInstanceOf(ConditionalCheckFailedException);
    }
    for (const attempt of [
      () => users().update(item.id, { firstName: 'Grace' }, other),
      () => users().delete(item.id, other),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toBe(
        `${item.id} does not meet the condition of this change`,
      );
      expect((error as Error).cause).toBeInstanceOf(ConditionalCheckFailedException);
    }
    expect(await users().get(item.id, { consistent: true })).toMatchObject({ firstName: 'Ada' });
  });

  it('updates and deletes when the condition holds, its placeholders beside the SET ones', async () => {
    const item = newUser();
    await users().create(item);
    const ada = { expression: '#f = :f', names: { '#f': 'firstName' }, values: { ':f': 'Ada' } };
    expect(
      await users().update(item.id, { firstName: 'Ada', lastName: 'King' }, ada),
    ).toMatchObject({ firstName: 'Ada', lastName: 'King' });
    expect(await users().delete(item.id, ada)).toMatchObject({ id: item.id, lastName: 'King' });
    expect(await users().get(item.id, { consistent: true })).toBeUndefined();
  });

  it('refuses a key value DynamoDB would refuse as a validation error, writing nothing', async () => {
    const item = newUser({ email: `${'x'.repeat(2037)}@example.com` });
    const created = await users()
      .create(item)
      .catch((e: unknown) => e);
    expect(created).toBeInstanceOf(ValidationError);
    expect((created as Error).message).toBe('email is 2049 bytes, at most 2048');
    expect(await users().get(item.id, { consistent: true })).toBeUndefined();

    const kept = newUser();
    await users().create(kept);
    const updated = await users()
      .update(kept.id, { email: '' })
      .catch((e: unknown) => e);
    expect(updated).toBeInstanceOf(ValidationError);
    expect((updated as Error).message).toBe('email must not be empty');
    expect((await users().get(kept.id, { consistent: true }))?.email).toBe(kept.email);
  });

  it('names every key problem at once', async () => {
    const error = await users()
      .create(newUser({ id: '', email: '' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe('id must not be empty; email must not be empty');
  });

  it('keeps the schema error as the cause of a malformed row', async () => {
    const id = randomUUID();
    await db.doc.send(
      new PutCommand({
        TableName: db.tables.Users,
        Item: { id, email: `${id}@example.com`, firstName: 7 },
      }),
    );
    const error = await users()
      .get(id, { consistent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(((error as Error).cause as Error).message).toContain('firstName');
  });

  it('is TOO_MANY_REQUESTS when a read or a write is throttled', async () => {
    const { repo, injector } = recorded();
    const item = newUser();
    const attempts: [string, () => Promise<unknown>][] = [
      ['GetItem', () => repo.get(item.id)],
      ['PutItem', () => repo.create(item)],
      ['UpdateItem', () => repo.update(item.id, { firstName: 'Grace' })],
      ['DeleteItem', () => repo.delete(item.id)],
    ];
    for (const [command, attempt] of attempts) {
      injector.arm({ kind: 'throttling', when: 'before', nth: 1, command });
      expect(await attempt().catch((e: unknown) => e), command).toBeInstanceOf(ThrottledError);
    }
    injector.arm(undefined);
    expect(await users().get(item.id, { consistent: true })).toBeUndefined();
  });
});

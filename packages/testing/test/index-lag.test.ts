import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDocumentClient, tableNamesFor, type TableNames } from '@shop/core';
import { createLocalTables, IndexLag, indexLagMsFrom, keyCondition } from '../src/index.ts';

let tables: TableNames;
let endpoint: string;
let time = 1_000_000;
let lag: IndexLag;
let doc: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  endpoint = inject('dynamoEndpoint');
  const prefix = `lag${randomUUID().slice(0, 6)}-`;
  await createLocalTables(endpoint, prefix);
  tables = tableNamesFor(prefix);
  lag = new IndexLag(1_000, () => time);
  doc = lag.attach(createDocumentClient({ region: 'us-east-1', endpoint, maxAttempts: 3 }));
});

const addressesOf = async (userId: string) => {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: tables.Addresses,
      IndexName: 'userId-index',
      KeyConditionExpression: 'userId = :u',
      ExpressionAttributeValues: { ':u': userId },
    }),
  );
  return Items.map((i) => i.id as string).sort();
};
const ordersWith = async (status: string) => {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: tables.Orders,
      IndexName: 'status-index',
      KeyConditionExpression: '#s = :s AND orderDate BETWEEN :a AND :b',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status, ':a': '2026', ':b': '2027' },
      ScanIndexForward: false,
    }),
  );
  return Items;
};
const address = (userId: string, id = randomUUID()) => ({ id, userId, street: '1 Main St' });

describe('IndexLag', () => {
  it('hides a new item from a GSI query until the lag has passed, but not from a read by key', async () => {
    const userId = randomUUID();
    const item = address(userId);
    await doc.send(new PutCommand({ TableName: tables.Addresses, Item: item }));
    expect(await addressesOf(userId)).toEqual([]);
    const { Item } = await doc.send(
      new GetCommand({ TableName: tables.Addresses, Key: { id: item.id }, ConsistentRead: true }),
    );
    expect(Item).toEqual(item);
    time += 999;
    expect(await addressesOf(userId)).toEqual([]);
    time += 1;
    expect(await addressesOf(userId)).toEqual([item.id]);
  });

  it('shows the previous version of a changed item, in the partition it was in', async () => {
    const id = randomUUID();
    const order = {
      id,
      userId: randomUUID(),
      status: 'PENDING',
      orderDate: '2026-12-05T10:00:00Z',
    };
    await doc.send(new PutCommand({ TableName: tables.Orders, Item: order }));
    time += 1_000;
    const { Attributes } = await doc.send(
      new UpdateCommand({
        TableName: tables.Orders,
        Key: { id },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'PAID' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(Attributes?.status).toBe('PAID');
    expect((await ordersWith('PENDING')).find((o) => o.id === id)).toEqual(order);
    expect((await ordersWith('PAID')).find((o) => o.id === id)).toBeUndefined();
    time += 1_000;
    expect((await ordersWith('PENDING')).find((o) => o.id === id)).toBeUndefined();
    expect((await ordersWith('PAID')).find((o) => o.id === id)?.status).toBe('PAID');
  });

  it('keeps listing a deleted item until the lag has passed', async () => {
    const userId = randomUUID();
    const [a, b] = [address(userId), address(userId)];
    for (const item of [a, b])
      await doc.send(new PutCommand({ TableName: tables.Addresses, Item: item }));
    time += 1_000;
    const { Attributes } = await doc.send(
      new DeleteCommand({ TableName: tables.Addresses, Key: { id: a.id } }),
    );
    // The lag asked for the old item itself; the caller, who did not, gets none.
    expect(Attributes).toBeUndefined();
    expect(await addressesOf(userId)).toEqual([a.id, b.id].sort());
    time += 1_000;
    expect(await addressesOf(userId)).toEqual([b.id]);
  });

  it('lags the writes of transactions and batches, and index scans', async () => {
    const userId = randomUUID();
    const [a, b] = [address(userId), address(userId)];
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: tables.Addresses, Item: a } }],
      }),
    );
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [tables.Addresses]: [{ PutRequest: { Item: b } }] },
      }),
    );
    expect(await addressesOf(userId)).toEqual([]);
    const scanned = await doc.send(
      new ScanCommand({ TableName: tables.Addresses, IndexName: 'userId-index' }),
    );
    expect(scanned.Items?.some((i) => i.userId === userId)).toBe(false);
    time += 1_000;
    expect(await addressesOf(userId)).toEqual([a.id, b.id].sort());
  });

  it('keeps an item moved by a transaction in the partition it left', async () => {
    const id = randomUUID();
    const [from, to] = [`from-${id}`, `to-${id}`];
    const product = { id, category: from, nameKey: 'kettle', name: 'Kettle' };
    await doc.send(new PutCommand({ TableName: tables.Products, Item: product }));
    time += 1_000;
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tables.Products,
              Key: { id },
              UpdateExpression: 'SET category = :c',
              ExpressionAttributeValues: { ':c': to },
            },
          },
        ],
      }),
    );
    const inCategory = async (category: string) =>
      (
        await doc.send(
          new QueryCommand({
            TableName: tables.Products,
            IndexName: 'category-index',
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': 'category' },
            ExpressionAttributeValues: { ':pk': category },
          }),
        )
      ).Items ?? [];
    expect(await inCategory(from)).toEqual([product]);
    expect(await inCategory(to)).toEqual([]);
    time += 1_000;
    expect(await inCategory(from)).toEqual([]);
    expect((await inCategory(to)).map((p) => p.id as string)).toEqual([id]);
  });

  it('catches up at once on settle()', async () => {
    const userId = randomUUID();
    const item = address(userId);
    await doc.send(new PutCommand({ TableName: tables.Addresses, Item: item }));
    lag.settle();
    expect(await addressesOf(userId)).toEqual([item.id]);
  });

  it('answers a past version with the index projection, as DynamoDB Local answers the present one', async () => {
    // email-index projects keys only (core/src/db/tables.ts).
    const id = randomUUID();
    const email = `${id}@example.com`;
    const byEmail = async () => {
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tables.Users,
          IndexName: 'email-index',
          KeyConditionExpression: 'email = :e',
          ExpressionAttributeValues: { ':e': email },
        }),
      );
      return Items;
    };
    await doc.send(new PutCommand({ TableName: tables.Users, Item: { id, email, name: 'Old' } }));
    lag.settle();
    expect(await byEmail()).toEqual([{ id, email }]);
    await doc.send(
      new UpdateCommand({
        TableName: tables.Users,
        Key: { id },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': 'New' },
      }),
    );
    // Within the lag the previous version answers: still keys only, never the old profile.
    expect(await byEmail()).toEqual([{ id, email }]);
    await doc.send(new DeleteCommand({ TableName: tables.Users, Key: { id } }));
    expect(await byEmail()).toEqual([{ id, email }]);
    time += 1_000;
    expect(await byEmail()).toEqual([]);
  });
});

describe('keyCondition', () => {
  const when = (expression: string, values: Record<string, unknown>) =>
    keyCondition({
      KeyConditionExpression: expression,
      ExpressionAttributeNames: { '#pk': 'category', '#sk': 'nameKey' },
      ExpressionAttributeValues: values,
    });

  it('evaluates equality, begins_with, comparisons and BETWEEN', () => {
    const item = { category: 'tea', nameKey: 'green' };
    expect(when('#pk = :c', { ':c': 'tea' })(item)).toBe(true);
    expect(when('#pk = :c', { ':c': 'coffee' })(item)).toBe(false);
    expect(when('#pk = :c AND begins_with(#sk, :p)', { ':c': 'tea', ':p': 'gr' })(item)).toBe(true);
    expect(when('#pk = :c AND begins_with(#sk, :p)', { ':c': 'tea', ':p': 'bl' })(item)).toBe(
      false,
    );
    expect(when('#pk = :c AND #sk > :p', { ':c': 'tea', ':p': 'green' })(item)).toBe(false);
    expect(when('#pk = :c AND #sk >= :p', { ':c': 'tea', ':p': 'green' })(item)).toBe(true);
    expect(when('#pk = :c AND #sk < :p', { ':c': 'tea', ':p': 'h' })(item)).toBe(true);
    expect(when('#pk = :c AND #sk <= :p', { ':c': 'tea', ':p': 'f' })(item)).toBe(false);
    expect(
      when('#pk = :c AND #sk BETWEEN :a AND :b', { ':c': 'tea', ':a': 'a', ':b': 'h' })(item),
    ).toBe(true);
    expect(
      when('#pk = :c AND #sk BETWEEN :a AND :b', { ':c': 'tea', ':a': 'h', ':b': 'z' })(item),
    ).toBe(false);
  });

  it('cannot tell for a shape it does not know', () => {
    expect(when('#pk IN (:c)', { ':c': 'tea' })({ category: 'tea' })).toBeUndefined();
  });
});

describe('indexLagMsFrom', () => {
  it('defaults to 1,000 ms, reads SHOP_TEST_INDEX_LAG_MS and refuses nonsense', () => {
    expect(indexLagMsFrom({})).toBe(1_000);
    expect(indexLagMsFrom({ SHOP_TEST_INDEX_LAG_MS: '0' })).toBe(0);
    expect(indexLagMsFrom({ SHOP_TEST_INDEX_LAG_MS: '2500' })).toBe(2_500);
    expect(() => indexLagMsFrom({ SHOP_TEST_INDEX_LAG_MS: '-1' })).toThrow();
    expect(() => indexLagMsFrom({ SHOP_TEST_INDEX_LAG_MS: 'soon' })).toThrow();
  });
});

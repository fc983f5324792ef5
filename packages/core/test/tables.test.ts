import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  createTableInput,
  createTables,
  LOCAL_CREDENTIALS,
  projectItem,
  tables,
} from '../src/index.ts';

const client = new DynamoDBClient({
  endpoint: inject('dynamoEndpoint'),
  region: 'us-east-1',
  credentials: LOCAL_CREDENTIALS,
});
afterAll(() => {
  client.destroy();
});

const projections = async (tableName: string): Promise<Record<string, string | undefined>> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return Object.fromEntries(
    (Table?.GlobalSecondaryIndexes ?? []).map(
      (i) => [String(i.IndexName), i.Projection?.ProjectionType] as const,
    ),
  );
};

const included = async (tableName: string): Promise<Record<string, string[]>> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return Object.fromEntries(
    (Table?.GlobalSecondaryIndexes ?? []).map(
      (i) => [String(i.IndexName), [...(i.Projection?.NonKeyAttributes ?? [])].sort()] as const,
    ),
  );
};

describe('index projections', () => {
  it('creates email-index with keys only, the product indexes with what a listing shows and no stock, the others with all attributes', async () => {
    const prefix = `proj${randomUUID().slice(0, 6)}-`;
    await createTables(client, prefix);
    expect(await projections(`${prefix}Users`)).toEqual({ 'email-index': 'KEYS_ONLY' });
    expect(await projections(`${prefix}Products`)).toEqual({
      'category-index': 'INCLUDE',
      'search-index': 'INCLUDE',
    });
    // Contract v3.1: a listing's product, with `soldOut`; `stock` and `updatedAt` stay out, so an
    // order line rewrites no index entry.
    const listing = [
      'category',
      'createdAt',
      'description',
      'imageUrl',
      'name',
      'price',
      'soldOut',
    ];
    expect(await included(`${prefix}Products`)).toEqual({
      'category-index': listing,
      'search-index': listing,
    });
    expect(await projections(`${prefix}Orders`)).toEqual({
      'userId-index': 'ALL',
      'status-index': 'ALL',
    });
  });

  it('rebuilds an existing index whose projection differs from the definition', async () => {
    const prefix = `proj${randomUUID().slice(0, 6)}-`;
    // A Users table as an earlier release created it: email-index projecting everything.
    const old = createTableInput(tables.Users, prefix);
    await client.send(
      new CreateTableCommand({
        ...old,
        GlobalSecondaryIndexes: old.GlobalSecondaryIndexes!.map((i) => ({
          ...i,
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    expect(await projections(`${prefix}Users`)).toEqual({ 'email-index': 'ALL' });
    const changes = await createTables(client, prefix);
    expect(changes).toEqual([`${prefix}Users: rebuilt email-index`]);
    expect(await projections(`${prefix}Users`)).toEqual({ 'email-index': 'KEYS_ONLY' });
    // Up to date now: nothing more to change.
    expect(await createTables(client, prefix)).toEqual([]);
  });

  it('projects an item as the index answers it', () => {
    const user = { id: 'u1', email: 'a@example.com', name: 'Ann', state: 'active' };
    const [emailIndex] = tables.Users.indexes;
    expect(projectItem(tables.Users, emailIndex, user)).toEqual({
      id: 'u1',
      email: 'a@example.com',
    });
    // Not in a sparse index without its key.
    expect(projectItem(tables.Users, emailIndex, { id: 'u2' })).toBeUndefined();
    const product = { id: 'p1', category: 'books', nameKey: 'dune', name: 'Dune', stock: 3 };
    const [categoryIndex] = tables.Products.indexes;
    expect(projectItem(tables.Products, categoryIndex, product)).toEqual({
      id: 'p1',
      category: 'books',
      nameKey: 'dune',
      name: 'Dune',
    });
    const [userIndex] = tables.Orders.indexes;
    const order = { id: 'o1', userId: 'u1', orderDate: '2026-01-01', status: 'PAID' };
    expect(projectItem(tables.Orders, userIndex, order)).toEqual(order);
  });
});

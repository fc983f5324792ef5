import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import {
  keyAttributes,
  projectionOf,
  tableDefinitions,
  type IndexDefinition,
  type TableDefinition,
} from './tables.ts';

const attributeDefinitions = (table: TableDefinition) =>
  keyAttributes(table).map((k) => ({ AttributeName: k.name, AttributeType: k.type }));

const projectionInput = (index: IndexDefinition): GlobalSecondaryIndex['Projection'] => {
  const projection = projectionOf(index);
  return projection.type === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.attributes] }
    : { ProjectionType: projection.type };
};

const indexInput = (index: IndexDefinition): GlobalSecondaryIndex => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
    ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
  ],
  Projection: projectionInput(index),
});

/** The CreateTable input for one table of the definition (on-demand billing, each GSI projected as defined). */
export function createTableInput(table: TableDefinition, prefix: string): CreateTableCommandInput {
  return {
    TableName: `${prefix}${table.name}`,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions(table),
    KeySchema: [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: table.indexes.map(indexInput),
  };
}

/**
 * Creates the tables under `prefix` (for DynamoDB Local and tests; deployed stages get theirs from
 * SST). Tables that already exist are kept and brought up to the definition: a missing index is
 * added and an index whose keys or projection changed is rebuilt, one at a time as DynamoDB requires. So data
 * kept by `pnpm local --persist` survives a release that adds an index. Returns what changed.
 */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<string[]> {
  const changes = await Promise.all(
    tableDefinitions.map(async (table) => {
      try {
        await client.send(new CreateTableCommand(createTableInput(table, prefix)));
        return [];
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        return updateIndexes(client, table, `${prefix}${table.name}`);
      }
    }),
  );
  return changes.flat();
}

const sameProjection = (
  a: GlobalSecondaryIndex['Projection'],
  b: GlobalSecondaryIndex['Projection'],
) =>
  (a?.ProjectionType ?? 'ALL') === (b?.ProjectionType ?? 'ALL') &&
  JSON.stringify([...(a?.NonKeyAttributes ?? [])].sort()) ===
    JSON.stringify([...(b?.NonKeyAttributes ?? [])].sort());

async function indexGone(client: DynamoDBClient, tableName: string, indexName: string) {
  for (let waited = 0; waited < 60_000; waited += 200) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!(Table?.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === indexName)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${tableName}: index ${indexName} still being deleted after 60 s`);
}

async function updateIndexes(
  client: DynamoDBClient,
  table: TableDefinition,
  tableName: string,
): Promise<string[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const existing = new Map((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  const changes: string[] = [];
  for (const index of table.indexes) {
    const wanted = indexInput(index);
    const current = existing.get(index.name);
    if (
      current &&
      JSON.stringify(current.KeySchema) === JSON.stringify(wanted.KeySchema) &&
      sameProjection(current.Projection, wanted.Projection)
    ) {
      continue;
    }
    if (current) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.name } }],
        }),
      );
      // DynamoDB (Local too) deletes an index in the background; it cannot be created anew before.
      await indexGone(client, tableName, index.name);
      changes.push(`${tableName}: rebuilt ${index.name}`);
    } else {
      changes.push(`${tableName}: added ${index.name}`);
    }
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions(table),
        GlobalSecondaryIndexUpdates: [{ Create: indexInput(index) }],
      }),
    );
  }
  return changes;
}

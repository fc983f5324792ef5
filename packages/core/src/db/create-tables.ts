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
  tableDefinitions,
  type IndexDefinition,
  type TableDefinition,
} from './tables.ts';

const attributeDefinitions = (table: TableDefinition) =>
  keyAttributes(table).map((k) => ({ AttributeName: k.name, AttributeType: k.type }));

const indexInput = (index: IndexDefinition): GlobalSecondaryIndex => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
    ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
  ],
  Projection: { ProjectionType: 'ALL' },
});

/** The CreateTable input for one table of the definition (on-demand billing, all GSIs projected). */
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
 * added and an index whose keys changed is rebuilt, one at a time as DynamoDB requires. So data
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

async function updateIndexes(
  client: DynamoDBClient,
  table: TableDefinition,
  tableName: string,
): Promise<string[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const existing = new Map((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  const changes: string[] = [];
  for (const index of table.indexes) {
    const wanted = indexInput(index).KeySchema;
    const current = existing.get(index.name);
    if (current && JSON.stringify(current.KeySchema) === JSON.stringify(wanted)) continue;
    if (current) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.name } }],
        }),
      );
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

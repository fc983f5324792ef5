import {
  CreateTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { keyAttributes, tableDefinitions, type TableDefinition } from './tables.ts';

/** The CreateTable input for one table of the definition (on-demand billing, all GSIs projected). */
export function createTableInput(table: TableDefinition, prefix: string): CreateTableCommandInput {
  return {
    TableName: `${prefix}${table.name}`,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(table).map((k) => ({
      AttributeName: k.name,
      AttributeType: k.type,
    })),
    KeySchema: [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: table.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
        ...(index.sortKey
          ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }]
          : []),
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * Creates the five tables under `prefix` (for DynamoDB Local and tests; deployed stages get theirs
 * from SST). Tables that already exist are kept, so this is safe to run on every start.
 */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<void> {
  await Promise.all(
    tableDefinitions.map(async (table) => {
      try {
        await client.send(new CreateTableCommand(createTableInput(table, prefix)));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }),
  );
}

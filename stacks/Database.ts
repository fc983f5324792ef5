import { RemovalPolicy } from 'aws-cdk-lib';
import { BillingMode } from 'aws-cdk-lib/aws-dynamodb';
import { Table, type StackContext } from 'sst/constructs';
import { keyAttributes, projectionOf, tableDefinitions, type IndexDefinition } from '@shop/core';

/** The definition's projection in SST's terms: 'all', 'keys_only' or the included attributes. */
const projection = (index: IndexDefinition): 'all' | 'keys_only' | string[] => {
  const p = projectionOf(index);
  return p.type === 'INCLUDE' ? [...p.attributes] : p.type === 'ALL' ? 'all' : 'keys_only';
};

/** The five tables, built from the one table definition in @shop/core. */
export function Database({ stack, app }: StackContext) {
  const isProd = app.stage === 'prod';
  // `<stage>-shop-`, e.g. `dev-shop-Users`; the Lambda gets it as SHOP_TABLE_PREFIX.
  const prefix = `${app.stage}-${app.name}-`;
  const created = tableDefinitions.map(
    (definition) =>
      new Table(stack, definition.name, {
        fields: Object.fromEntries(
          keyAttributes(definition).map((key) => [
            key.name,
            key.type === 'S' ? 'string' : 'number',
          ]),
        ),
        primaryIndex: { partitionKey: definition.partitionKey.name },
        globalIndexes: Object.fromEntries(
          definition.indexes.map((index) => [
            index.name,
            {
              partitionKey: index.partitionKey.name,
              ...(index.sortKey ? { sortKey: index.sortKey.name } : {}),
              projection: projection(index),
            },
          ]),
        ),
        cdk: {
          table: {
            tableName: `${prefix}${definition.name}`,
            // Both explicit: SST's Table defaults PITR to on for every stage. The deprecated
            // boolean, because SST sets it and CDK refuses it alongside the newer specification.
            billingMode: BillingMode.PAY_PER_REQUEST,
            pointInTimeRecovery: isProd,
            deletionProtection: isProd,
            removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
          },
        },
      }),
  );
  return { tables: created, tablePrefix: prefix };
}

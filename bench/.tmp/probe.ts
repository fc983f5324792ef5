import { createDocumentClient } from '@shop/core';
import { createLocalTables, startDynamoDbLocal } from '@shop/testing';
import {
  TransactWriteCommand,
  BatchGetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
const d = await startDynamoDbLocal();
try {
  await createLocalTables(d.endpoint, 'p-');
  const doc = createDocumentClient({ region: 'us-east-1', endpoint: d.endpoint });
  const put = (id: string, n = 10) => ({
    Put: { TableName: 'p-OrderItems', Item: { id, orderId: 'o', x: 'y'.repeat(n) } },
  });
  for (const items of [
    [put('a')],
    [put('b'), put('c'), put('d')],
    [put('e', 3000), put('f'), put('g')],
  ]) {
    const r = await doc.send(
      new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'INDEXES' }),
    );
    console.log(items.length, JSON.stringify(r.ConsumedCapacity));
  }
  const r2 = await doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          ConditionCheck: {
            TableName: 'p-OrderItems',
            Key: { id: 'a' },
            ConditionExpression: 'attribute_exists(id)',
          },
        },
        put('h'),
      ],
      ReturnConsumedCapacity: 'INDEXES',
    }),
  );
  console.log('cc', JSON.stringify(r2.ConsumedCapacity));
  const r3 = await doc.send(
    new UpdateCommand({
      TableName: 'p-OrderItems',
      Key: { id: 'e' },
      UpdateExpression: 'SET q = :q',
      ExpressionAttributeValues: { ':q': 1 },
      ReturnConsumedCapacity: 'INDEXES',
    }),
  );
  console.log('update big', JSON.stringify(r3.ConsumedCapacity));
  const r4 = await doc.send(
    new BatchGetCommand({
      RequestItems: { 'p-OrderItems': { Keys: [{ id: 'a' }, { id: 'b' }, { id: 'e' }] } },
      ReturnConsumedCapacity: 'INDEXES',
    }),
  );
  console.log('batchget eventual', JSON.stringify(r4.ConsumedCapacity));
} finally {
  await d.stop();
}

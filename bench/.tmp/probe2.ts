import { createDocumentClient } from '@shop/core';
import { createLocalTables, startDynamoDbLocal } from '@shop/testing';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
const d = await startDynamoDbLocal();
try {
  await createLocalTables(d.endpoint, 'p-');
  const doc = createDocumentClient({ region: 'us-east-1', endpoint: d.endpoint });
  doc.middlewareStack.add(
    ((next: any, ctx: any) => async (args: any) => {
      console.log(ctx.commandName, 'in', JSON.stringify(args.input));
      const r = await next(args);
      console.log('out', JSON.stringify(r.output));
      return r;
    }) as never,
    { step: 'initialize', name: 'x' },
  );
  await doc.send(new PutCommand({ TableName: 'p-Users', Item: { id: 'u', email: 'a', n: 5 } }));
  await doc.send(new GetCommand({ TableName: 'p-Users', Key: { id: 'u' } }));
} finally {
  await d.stop();
}

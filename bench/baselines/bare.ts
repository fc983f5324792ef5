/**
 * Baseline "bare": what someone might hand-write instead of tRPC. One Lambda handler, hand-parsed
 * input, one DocumentClient call, no framework and no validation library. Same wire format as tRPC
 * (`/products.list?input=…` → `{ result: { data } }`) so the same clients and load work.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

type Doc = Pick<DynamoDBDocumentClient, 'send'>;

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export function createBareHandler(doc: Doc, table: string) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    let input: Record<string, unknown> = {};
    try {
      const raw = event.queryStringParameters?.input;
      if (raw) input = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return json(400, { error: { message: 'Bad input' } });
    }
    switch (event.rawPath) {
      case '/products.byId': {
        if (typeof input.id !== 'string') return json(400, { error: { message: 'id required' } });
        const { Item } = await doc.send(
          new GetCommand({ TableName: table, Key: { id: input.id } }),
        );
        return Item
          ? json(200, { result: { data: Item } })
          : json(404, { error: { message: 'Not found' } });
      }
      case '/products.list': {
        const limit = typeof input.limit === 'number' ? input.limit : 20;
        const { Items = [] } = await doc.send(new ScanCommand({ TableName: table, Limit: limit }));
        return json(200, { result: { data: { items: Items, nextCursor: null } } });
      }
      default:
        return json(404, { error: { message: 'Not found' } });
    }
  };
}

export const handler = createBareHandler(
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: process.env.AWS_REGION ?? 'us-east-1',
      ...(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {}),
    }),
  ),
  `${process.env.SHOP_TABLE_PREFIX ?? ''}Products`,
);

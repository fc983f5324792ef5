/**
 * Baseline "hono": Hono on Lambda with a zod validator, doing the same queries as `bare` and
 * answering in the same wire format.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { z } from 'zod';

type Doc = Pick<DynamoDBDocumentClient, 'send'>;

const inputOf = <T extends z.ZodType>(schema: T) =>
  z.object({
    input: z
      .string()
      .transform((raw) => JSON.parse(raw) as unknown)
      .pipe(schema),
  });

export function createHonoHandler(doc: Doc, table: string) {
  const app = new Hono()
    .get(
      '/products.byId',
      zValidator('query', inputOf(z.object({ id: z.string().min(1) }))),
      async (c) => {
        const { id } = c.req.valid('query').input;
        const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { id } }));
        return Item
          ? c.json({ result: { data: Item } })
          : c.json({ error: { message: 'Not found' } }, 404);
      },
    )
    .get(
      '/products.list',
      zValidator(
        'query',
        inputOf(z.object({ limit: z.number().int().min(1).max(100).default(20) })),
      ),
      async (c) => {
        const { limit } = c.req.valid('query').input;
        const { Items = [] } = await doc.send(new ScanCommand({ TableName: table, Limit: limit }));
        return c.json({ result: { data: { items: Items, nextCursor: null } } });
      },
    );
  return handle(app);
}

export const handler = createHonoHandler(
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: process.env.AWS_REGION ?? 'us-east-1',
      ...(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {}),
    }),
  ),
  `${process.env.SHOP_TABLE_PREFIX ?? ''}Products`,
);

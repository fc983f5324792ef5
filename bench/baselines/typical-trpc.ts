/**
 * Baseline "typical-trpc": what the tRPC docs and most tutorials produce for a Lambda. The stock
 * `awsLambdaRequestHandler`, zod classic schemas (`import { z } from 'zod'`), every client created
 * eagerly at import (DynamoDB + DocumentClient, Cognito, the JWT verifier), the token verified in
 * `createContext` whenever a header is present, and `products.list`/`products.byId` doing the same
 * DynamoDB calls as the shop (a Scan of the sparse `category-index`, a GetItem). Same wire format.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { initTRPC, TRPCError } from '@trpc/server';
import {
  awsLambdaRequestHandler,
  type CreateAWSLambdaContextOptions,
} from '@trpc/server/adapters/aws-lambda';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { z } from 'zod';

type Doc = Pick<DynamoDBDocumentClient, 'send'>;
export interface Verifier {
  verify(token: string): Promise<{ sub: string }>;
}

const region = process.env.AWS_REGION ?? 'us-east-1';
const dynamo = new DynamoDBClient({
  region,
  ...(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {}),
});
const docClient = DynamoDBDocumentClient.from(dynamo);
export const cognito = new CognitoIdentityProviderClient({ region });
const verifier = CognitoJwtVerifier.create({
  userPoolId: process.env.COGNITO_USER_POOL_ID ?? 'us-east-1_example',
  tokenUse: 'access',
  clientId: process.env.COGNITO_CLIENT_ID ?? 'example',
});

const productSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  price: z.number(),
  stock: z.number().int(),
  category: z.string(),
});

export function createTypicalTrpcHandler(doc: Doc, table: string, jwt: Verifier) {
  const createContext = async ({
    event,
  }: CreateAWSLambdaContextOptions<APIGatewayProxyEventV2>) => {
    const header = event.headers.authorization;
    if (!header) return { user: null };
    try {
      const payload = await jwt.verify(header.replace(/^Bearer /i, ''));
      return { user: { id: payload.sub } };
    } catch {
      return { user: null };
    }
  };
  const t = initTRPC.context<Awaited<ReturnType<typeof createContext>>>().create();

  const appRouter = t.router({
    products: t.router({
      list: t.procedure
        .input(
          z.object({
            limit: z.number().int().min(1).max(100).default(20),
            cursor: z.string().optional(),
          }),
        )
        .query(async ({ input }) => {
          const result = await doc.send(
            new ScanCommand({
              TableName: table,
              IndexName: 'category-index',
              Limit: input.limit,
              ...(input.cursor
                ? {
                    ExclusiveStartKey: JSON.parse(
                      Buffer.from(input.cursor, 'base64url').toString(),
                    ) as Record<string, unknown>,
                  }
                : {}),
            }),
          );
          return {
            // The product indexes hold no `stock` (contract v3.1).
            items: z
              .array(productSchema.omit({ stock: true }).passthrough())
              .parse(result.Items ?? []),
            nextCursor: result.LastEvaluatedKey
              ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString('base64url')
              : null,
          };
        }),
      byId: t.procedure.input(z.object({ id: z.string().min(1) })).query(async ({ input }) => {
        const result = await doc.send(new GetCommand({ TableName: table, Key: { id: input.id } }));
        if (!result.Item) throw new TRPCError({ code: 'NOT_FOUND', message: 'Product not found' });
        return productSchema.passthrough().parse(result.Item);
      }),
    }),
  });

  return awsLambdaRequestHandler({ router: appRouter, createContext });
}

export const handler = createTypicalTrpcHandler(
  docClient,
  `${process.env.SHOP_TABLE_PREFIX ?? ''}Products`,
  verifier,
);

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Answers DocumentClient commands in-process from a fixed set of rows, so warm-overhead figures
 * measure the code around the data store, not the network or DynamoDB Local.
 */
export function answerInProcess(doc: DynamoDBDocumentClient, rows: Record<string, unknown>[]) {
  const byId = new Map(rows.map((row) => [row.id as string, row]));
  const answer = (name: string, input: Record<string, unknown>): unknown => {
    switch (name) {
      case 'GetCommand':
        return { Item: byId.get((input.Key as { id: string }).id) };
      case 'BatchGetCommand': {
        const request = input.RequestItems as Record<string, { Keys: { id: string }[] }>;
        const Responses = Object.fromEntries(
          Object.entries(request).map(([table, { Keys }]) => [
            table,
            Keys.map((k) => byId.get(k.id)).filter(Boolean),
          ]),
        );
        return { Responses, UnprocessedKeys: {} };
      }
      case 'QueryCommand':
      case 'ScanCommand':
        return { Items: rows.slice(0, Number(input.Limit ?? 20)) };
      default:
        return {};
    }
  };
  // eslint-disable-next-line @typescript-eslint/require-await -- same shape as the real send
  doc.send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) =>
    answer(command.constructor.name, command.input);
  return doc;
}

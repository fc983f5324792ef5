import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One DynamoDB call as a test sees it: the command, its input, and how many items it read. */
export interface RecordedCall {
  command: string;
  input: Record<string, unknown>;
  /** Items DynamoDB examined (`ScannedCount`), for Query and Scan. */
  scanned: number | undefined;
}

/**
 * Records every call a DocumentClient makes, so a test can assert which commands a procedure used
 * (an index query, never a scan) and how many items they read. Returns the log and a way to stop.
 */
export function recordCalls(doc: DynamoDBDocumentClient) {
  const calls: RecordedCall[] = [];
  const name = `record-${Math.random().toString(36).slice(2)}`;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as { ScannedCount?: number };
      calls.push({
        command: String(context.commandName),
        input: args.input as Record<string, unknown>,
        scanned: output.ScannedCount,
      });
      return result;
    },
    { step: 'initialize', name },
  );
  return {
    calls,
    clear: () => calls.splice(0),
    stop: () => doc.middlewareStack.remove(name),
  };
}

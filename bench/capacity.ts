/**
 * Bench-only DocumentClient middleware: asks every DynamoDB call for `ReturnConsumedCapacity:
 * 'INDEXES'` and records, per call, the capacity units consumed (table and each GSI) and how many
 * items the call read or wrote. DynamoDB Local reports consumed capacity computed from the item
 * sizes by DynamoDB's rules (checked: 0.5 RRU per 4 KB eventually consistent read, 1 WRU per KB,
 * 2× in transactions, each GSI write like a table write), so the figures are its own.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CallCapacity {
  command: string;
  kind: 'read' | 'write';
  /** Units on base tables. */
  tableUnits: number;
  /** Units on global secondary indexes (writes: index maintenance; reads: index queries). */
  indexUnits: number;
  /** Items the call read (scanned/evaluated, before any filter) or wrote (incl. condition checks). */
  items: number;
}

interface Consumed {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

const READS = new Set([
  'GetCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetCommand',
  'TransactGetCommand',
]);

type Next = (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>;

/** Adds the middleware; calls are appended to `recorder.calls` (reset it between procedures). */
export function recordCapacity(doc: DynamoDBDocumentClient): { calls: CallCapacity[] } {
  const recorder = { calls: [] as CallCapacity[] };
  doc.middlewareStack.add(
    ((next: Next, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        // The DocumentClient names its commands GetCommand…; the inner client GetItemCommand…
        const command = String(context.commandName);
        args.input.ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        const output = result.output as Record<string, unknown>;
        const consumed = ([] as Consumed[]).concat(
          (output.ConsumedCapacity as Consumed | Consumed[] | undefined) ?? [],
        );
        let tableUnits = 0;
        let indexUnits = 0;
        for (const c of consumed) {
          const gsi = Object.values(c.GlobalSecondaryIndexes ?? {}).reduce(
            (sum, i) => sum + (i.CapacityUnits ?? 0),
            0,
          );
          tableUnits += c.Table?.CapacityUnits ?? (c.CapacityUnits ?? 0) - gsi;
          indexUnits += gsi;
        }
        recorder.calls.push({
          command,
          kind: READS.has(command) ? 'read' : 'write',
          tableUnits,
          indexUnits,
          items: itemsTouched(command, args.input, output),
        });
        return result;
      }) as never,
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return recorder;
}

function itemsTouched(
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): number {
  switch (command) {
    case 'GetCommand':
      return output.Item ? 1 : 0;
    case 'QueryCommand':
    case 'ScanCommand':
      return Number(output.ScannedCount ?? output.Count ?? 0);
    case 'BatchGetCommand':
      return Object.values((output.Responses ?? {}) as Record<string, unknown[]>).reduce(
        (sum, rows) => sum + rows.length,
        0,
      );
    case 'TransactWriteCommand':
    case 'TransactGetCommand':
      return (input.TransactItems as unknown[]).length;
    case 'BatchWriteCommand':
      return Object.values(input.RequestItems as Record<string, unknown[]>).reduce(
        (sum, rows) => sum + rows.length,
        0,
      );
    default:
      return 1;
  }
}

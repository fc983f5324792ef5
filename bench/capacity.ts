/**
 * Bench-only DocumentClient middleware: asks every DynamoDB call for `ReturnConsumedCapacity:
 * 'INDEXES'` and records, per call, how many items it read or wrote and the capacity units it
 * costs, two ways:
 *
 * - `reported`: what DynamoDB Local returns. It is right for single-item calls but not for
 *   TransactWriteItems, where it sizes all writes to one table as ONE item (3 small puts: 2 WRU
 *   instead of 6), so it is shown for comparison only.
 * - `units` (the figures used): computed from the item sizes the call touched, by DynamoDB's
 *   rules: a read costs 1 RRU per 4 KB strongly consistent and 0.5 eventually consistent (Query and
 *   Scan: the evaluated items summed, then rounded up; BatchGet: per item); a write 1 WRU per 1 KB
 *   of the larger of the item before and after; each global secondary index whose entry changes
 *   costs a write like a table write (a delete and a put when its key changes), sized as the entry
 *   the index projects plus 100 bytes, and only when the projected entry changed; everything in a
 *   transaction costs 2×, condition checks included (`indexesOnce`: index upkeep not doubled). Writes need the item before and after: with
 *   `snapshots` on, the middleware reads them with a separate client (bench-only, untimed runs).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { projectItem, type TableDefinition } from '@shop/core';

export interface Units {
  table: number;
  /** Global secondary indexes: index maintenance for writes, index queries for reads. */
  indexes: number;
  /**
   * Writes only: the same index upkeep billed once, not doubled inside a transaction. AWS's pages
   * say a transaction writes every item twice (prepare, commit) but not whether the asynchronous
   * index propagation is doubled too; `indexes` assumes it is (the upper bound), this the other case.
   */
  indexesOnce?: number;
}

export interface CallCapacity {
  command: string;
  kind: 'read' | 'write';
  /** Items the call read (evaluated, before any filter) or wrote (condition checks included). */
  items: number;
  /** By the rules, from item sizes (writes: only when `snapshots` was on). */
  units: Units;
  /** As DynamoDB Local reports it. */
  reported: Units;
}

interface Consumed {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

type Item = Record<string, unknown>;
type Input = Record<string, unknown>;

// The middleware sees the low-level commands the DocumentClient's commands send (values are
// still plain JavaScript at this step).
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

type Next = (args: { input: Input }) => Promise<{ output: unknown }>;

export interface CapacityRecorder {
  calls: CallCapacity[];
  /**
   * Write units of the same calls under other table definitions (say, an index projected
   * differently), computed from the same before/after images: what a design change would cost,
   * measured on the same traffic. Keyed like `alternatives` was.
   */
  alternative: Record<string, Units>[];
  /** Read items before and after each write, so write units can be computed (slower). */
  snapshots: boolean;
}

/** `tables`: the definition of every physical table name the client may touch. */
export function recordCapacity(
  doc: DynamoDBDocumentClient,
  tables: Record<string, TableDefinition>,
  imageClient: DynamoDBDocumentClient,
  alternatives: Record<string, Record<string, TableDefinition>> = {},
): CapacityRecorder {
  const recorder: CapacityRecorder = { calls: [], alternative: [], snapshots: false };
  const image = async (w: WriteOp) =>
    (
      await imageClient.send(
        new GetCommand({ TableName: w.table, Key: w.key, ConsistentRead: true }),
      )
    ).Item;
  doc.middlewareStack.add(
    ((next: Next, context: { commandName?: string }) => async (args: { input: Input }) => {
      const command = String(context.commandName);
      const kind = READS.has(command) ? 'read' : 'write';
      args.input.ReturnConsumedCapacity = 'INDEXES';
      const writes = kind === 'write' ? writeOps(command, args.input, tables) : [];
      const before = recorder.snapshots ? await Promise.all(writes.map(image)) : [];
      const result = await next(args);
      const after = recorder.snapshots ? await Promise.all(writes.map(image)) : [];
      const output = result.output as Input;
      const transactional = command === 'TransactWriteItemsCommand';
      recorder.alternative.push(
        Object.fromEntries(
          Object.entries(alternatives).map(([name, defs]) => [
            name,
            kind === 'read'
              ? { table: 0, indexes: 0 }
              : writeUnits(writes, before, after, transactional, defs),
          ]),
        ),
      );
      recorder.calls.push({
        command,
        kind,
        items: itemsTouched(command, args.input, output),
        units:
          kind === 'read'
            ? readUnits(command, args.input, output)
            : writeUnits(writes, before, after, transactional, tables),
        reported: reported(output.ConsumedCapacity as Consumed | Consumed[] | undefined),
      });
      return result;
    }) as never,
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return recorder;
}

function reported(consumed: Consumed | Consumed[] | undefined): Units {
  const units = { table: 0, indexes: 0 };
  for (const c of ([] as Consumed[]).concat(consumed ?? [])) {
    const gsi = Object.values(c.GlobalSecondaryIndexes ?? {}).reduce(
      (sum, i) => sum + (i.CapacityUnits ?? 0),
      0,
    );
    units.table += c.Table?.CapacityUnits ?? (c.CapacityUnits ?? 0) - gsi;
    units.indexes += gsi;
  }
  return units;
}

function itemsTouched(command: string, input: Input, output: Input): number {
  switch (command) {
    case 'GetItemCommand':
      return output.Item ? 1 : 0;
    case 'QueryCommand':
    case 'ScanCommand':
      return Number(output.ScannedCount ?? output.Count ?? 0);
    case 'BatchGetItemCommand':
      return Object.values((output.Responses ?? {}) as Record<string, unknown[]>).reduce(
        (sum, rows) => sum + rows.length,
        0,
      );
    case 'TransactWriteItemsCommand':
    case 'TransactGetItemsCommand':
      return (input.TransactItems as unknown[]).length;
    case 'BatchWriteItemCommand':
      return Object.values(input.RequestItems as Record<string, unknown[]>).reduce(
        (sum, rows) => sum + rows.length,
        0,
      );
    default:
      return 1;
  }
}

// ---- item sizes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function numberSize(n: number | bigint): number {
  const digits = String(n)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + valueSize(v) + 1, 3);
  return Object.entries(value as Item).reduce(
    (sum, [k, v]) => sum + bytes(k) + valueSize(v) + 1,
    3,
  );
}

/** Attribute names plus values, as DynamoDB sizes an item. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [k, v]) => sum + bytes(k) + valueSize(v), 0);
}

const KB = 1024;
/** https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.StorageConsiderations */
const INDEX_ENTRY_OVERHEAD = 100;
const roundUp = (size: number, unit: number) => Math.max(1, Math.ceil(size / unit));

function readUnits(command: string, input: Input, output: Input): Units {
  const factor = (consistent: unknown) => (consistent === true ? 1 : 0.5);
  switch (command) {
    case 'GetItemCommand': {
      const units =
        roundUp(itemSize(output.Item as Item | undefined), 4 * KB) * factor(input.ConsistentRead);
      return { table: units, indexes: 0 };
    }
    case 'QueryCommand':
    case 'ScanCommand': {
      const items = (output.Items ?? []) as Item[];
      const returned = items.reduce((sum, i) => sum + itemSize(i), 0);
      // Items a filter dropped were read too: sized like the average returned one.
      const dropped = Number(output.ScannedCount ?? items.length) - items.length;
      const average = items.length ? returned / items.length : 100;
      const units = roundUp(returned + dropped * average, 4 * KB) * factor(input.ConsistentRead);
      return input.IndexName ? { table: 0, indexes: units } : { table: units, indexes: 0 };
    }
    case 'BatchGetItemCommand': {
      let units = 0;
      const request = input.RequestItems as Record<
        string,
        { Keys: Item[]; ConsistentRead?: boolean }
      >;
      const responses = (output.Responses ?? {}) as Record<string, Item[]>;
      for (const [table, { Keys, ConsistentRead }] of Object.entries(request)) {
        const found = responses[table] ?? [];
        const missing = Math.max(0, Keys.length - found.length);
        for (const item of found) units += roundUp(itemSize(item), 4 * KB) * factor(ConsistentRead);
        units += missing * factor(ConsistentRead);
      }
      return { table: units, indexes: 0 };
    }
    default: {
      // TransactGetItems: 2 RRU per 4 KB per item (not used by the API).
      const items = ((output.Responses ?? []) as { Item?: Item }[]).map((r) => r.Item);
      return {
        table: items.reduce((sum: number, i) => sum + 2 * roundUp(itemSize(i), 4 * KB), 0),
        indexes: 0,
      };
    }
  }
}

interface WriteOp {
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  table: string;
  key: Item;
}

function writeOps(
  command: string,
  input: Input,
  tables: Record<string, TableDefinition>,
): WriteOp[] {
  const keyOfItem = (table: string, item: Item): Item => {
    const pk = tables[table]?.partitionKey.name ?? 'id';
    return { [pk]: item[pk] };
  };
  const op = (kind: WriteOp['kind'], body: Input): WriteOp => {
    const table = body.TableName as string;
    return {
      kind,
      table,
      key: (body.Key as Item | undefined) ?? keyOfItem(table, body.Item as Item),
    };
  };
  switch (command) {
    case 'PutItemCommand':
      return [op('Put', input)];
    case 'UpdateItemCommand':
      return [op('Update', input)];
    case 'DeleteItemCommand':
      return [op('Delete', input)];
    case 'TransactWriteItemsCommand':
      return (input.TransactItems as Record<string, Input>[]).map((entry) => {
        const [kind, body] = Object.entries(entry)[0] as [WriteOp['kind'], Input];
        return op(kind, body);
      });
    case 'BatchWriteItemCommand':
      return Object.entries(input.RequestItems as Record<string, Input[]>).flatMap(
        ([table, requests]) =>
          requests.map((r) =>
            r.PutRequest
              ? op('Put', { TableName: table, Item: (r.PutRequest as Input).Item })
              : op('Delete', { TableName: table, Key: (r.DeleteRequest as Input).Key }),
          ),
      );
    default:
      return [];
  }
}

/** JSON with object keys sorted, so two images compare equal whatever their attribute order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

function writeUnits(
  writes: WriteOp[],
  before: (Item | undefined)[],
  after: (Item | undefined)[],
  transactional: boolean,
  tables: Record<string, TableDefinition>,
): Units {
  if (after.length === 0) return { table: NaN, indexes: NaN, indexesOnce: NaN }; // no snapshots taken
  const factor = transactional ? 2 : 1;
  const units = { table: 0, indexes: 0, indexesOnce: 0 };
  writes.forEach((w, i) => {
    const old = before[i];
    const now = after[i];
    const size =
      w.kind === 'ConditionCheck' || w.kind === 'Delete'
        ? itemSize(old)
        : Math.max(itemSize(old), itemSize(now));
    units.table += factor * roundUp(size, KB);
    if (w.kind === 'ConditionCheck') return;
    const definition = tables[w.table];
    for (const index of definition?.indexes ?? []) {
      // The entry is what the index projects (keys, table key, projected attributes) plus
      // DynamoDB's 100 bytes of overhead per index item; it is written only if that changed.
      const entry = (item: Item | undefined) => projectItem(definition!, index, item);
      const entrySize = (e: Item | undefined) => itemSize(e) + INDEX_ENTRY_OVERHEAD;
      const was = entry(old);
      const is = entry(now);
      const keys = [index.partitionKey.name, ...(index.sortKey ? [index.sortKey.name] : [])];
      let writesToIndex = 0;
      if (was && is) {
        const keyChanged = keys.some((k) => !same(was[k], is[k]));
        if (keyChanged) writesToIndex = roundUp(entrySize(was), KB) + roundUp(entrySize(is), KB);
        else if (!same(was, is))
          writesToIndex = roundUp(Math.max(entrySize(was), entrySize(is)), KB);
      } else if (was) writesToIndex = roundUp(entrySize(was), KB);
      else if (is) writesToIndex = roundUp(entrySize(is), KB);
      units.indexesOnce += writesToIndex;
      units.indexes += factor * writesToIndex;
    }
  });
  return units;
}

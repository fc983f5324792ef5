import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  projectItem,
  tableDefinitions,
  type IndexDefinition,
  type TableDefinition,
} from '@shop/core';

/**
 * The "AWS-like" test mode: DynamoDB Local's global secondary indexes are immediately consistent,
 * AWS's are not (a write usually reaches the index within a second, under load later). An
 * `IndexLag` is one middleware on a DocumentClient's stack that makes every `Query` and `Scan` of
 * a GSI answer as the index was `lagMs` ago: an item written more recently is missing (it did not
 * exist then), shows its previous version (it was changed), or is still there (it was deleted or
 * moved out of the queried partition). Base-table reads (`GetItem`, `BatchGetItem`, `Query`
 * without `IndexName`) are untouched, so code that reads its own writes by key keeps working, as
 * on AWS with `ConsistentRead`.
 *
 * It keeps, per item written through this client, when each write succeeded and the item before
 * it: `PutItem`/`DeleteItem` (and `UpdateItem` without its own `ReturnValues`) ask for `ALL_OLD`
 * and drop it from the answer; an `UpdateItem` returning new values, `TransactWriteItems` and
 * `BatchWriteItem` read the old items first (consistently). A past version is answered with the
 * index's projection (keys only, included attributes or all, as `tables.ts` defines it), as
 * DynamoDB Local answers the present one. Writes made by another client (another
 * process) are not seen. Limits: a deleted or moved item comes back only in a `Query` whose key
 * condition it can evaluate and without a `FilterExpression`; such a page may hold more than
 * `Limit` items.
 */
export const DEFAULT_INDEX_LAG_MS = 1_000;

/** `SHOP_TEST_INDEX_LAG_MS` (default 1,000; `0` turns the mode off). */
export function indexLagMsFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SHOP_TEST_INDEX_LAG_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_INDEX_LAG_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new Error(`SHOP_TEST_INDEX_LAG_MS must be a whole number of milliseconds, not ${raw}`);
  }
  return ms;
}

type Item = Record<string, unknown>;
interface Write {
  at: number;
  before: Item | undefined;
}
type Args = { input: unknown };
type Handler = (args: Args) => Promise<{ output: unknown }>;
interface StackLike {
  add(
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: 'initialize'; name: string; priority: 'low'; override: boolean },
  ): void;
}
interface QueryInput {
  TableName?: string;
  IndexName?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  ScanIndexForward?: boolean;
  ExclusiveStartKey?: Item;
}

const definitionOf = (table: string | undefined): TableDefinition | undefined =>
  table === undefined
    ? undefined
    : tableDefinitions.find((d) => table === d.name || table.endsWith(`-${d.name}`));

/** DynamoDB's order of key values: numbers numerically, strings by their UTF-8 bytes. */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

export class IndexLag {
  /** table → item key → writes within the lag, oldest first. */
  private readonly writes = new Map<string, Map<string, Write[]>>();
  private doc: DynamoDBDocumentClient | undefined;

  constructor(
    readonly lagMs: number = indexLagMsFrom(),
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds the middleware to a DocumentClient (it shares its client's stack). */
  attach<D extends DynamoDBDocumentClient>(doc: D): D {
    if (this.lagMs <= 0) return doc;
    this.doc = doc;
    (doc.middlewareStack as unknown as StackLike).add(
      (next, context) => (args) =>
        this.handle((context.commandName ?? '').replace(/Command$/, ''), args, next),
      { step: 'initialize', name: 'shopIndexLag', priority: 'low', override: true },
    );
    return doc;
  }

  /** The indexes catch up at once: what a test does instead of sleeping past the lag. */
  settle(): void {
    this.writes.clear();
  }

  private async handle(command: string, args: Args, next: Handler) {
    const input = args.input as Item;
    switch (command) {
      case 'PutItem':
      case 'DeleteItem':
      case 'UpdateItem':
        return this.single(input, args, next);
      case 'TransactWriteItems': {
        const keys = ((input.TransactItems ?? []) as Item[]).flatMap((entry) => {
          const [kind, body] = Object.entries(entry)[0] as [string, Item];
          if (kind === 'ConditionCheck') return [];
          // A Put on the condition that the item does not exist had no previous version: no read.
          const absent =
            kind === 'Put' && /attribute_not_exists\(/.test(String(body.ConditionExpression));
          return [
            { table: body.TableName as string, key: (body.Key ?? body.Item) as Item, absent },
          ];
        });
        return this.many(keys, args, next);
      }
      case 'BatchWriteItem': {
        const requests = (input.RequestItems ?? {}) as Record<string, Item[]>;
        const keys = Object.entries(requests).flatMap(([table, list]) =>
          list.map((r) => {
            const put = r.PutRequest as { Item: Item } | undefined;
            const del = r.DeleteRequest as { Key: Item } | undefined;
            return { table, key: put ? put.Item : del!.Key, absent: false };
          }),
        );
        return this.many(keys, args, next);
      }
      case 'Query':
      case 'Scan': {
        const result = await next(args);
        if (input.IndexName !== undefined) {
          const output = result.output as { Items?: Item[]; LastEvaluatedKey?: Item };
          if (output.Items) output.Items = this.lagged(command, input, output);
        }
        return result;
      }
      default:
        return next(args);
    }
  }

  private async single(input: Item, args: Args, next: Handler) {
    const table = input.TableName as string;
    const definition = definitionOf(table);
    if (!definition) return next(args);
    const asked = input.ReturnValues as string | undefined;
    const key = (input.Key ?? input.Item) as Item;
    let before: Item | undefined;
    let strip = false;
    if (asked === undefined || asked === 'NONE') {
      strip = true;
      args = { ...args, input: { ...input, ReturnValues: 'ALL_OLD' } };
    } else if (asked !== 'ALL_OLD') {
      const read = new GetCommand({
        TableName: table,
        Key: this.keyOf(definition, key),
        ConsistentRead: true,
      });
      before = (await this.doc!.send(read)).Item;
    }
    const result = await next(args);
    const output = result.output as { Attributes?: Item };
    if (asked === undefined || asked === 'NONE' || asked === 'ALL_OLD') before = output.Attributes;
    if (strip) delete output.Attributes;
    this.record(table, definition, key, before);
    return result;
  }

  private async many(
    keys: { table: string; key: Item; absent: boolean }[],
    args: Args,
    next: Handler,
  ) {
    const known = keys.flatMap(({ table, key, absent }) => {
      const definition = definitionOf(table);
      return definition ? [{ table, definition, key: this.keyOf(definition, key), absent }] : [];
    });
    const before = new Map<string, Item>();
    let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> = {};
    for (const { table, key, absent } of known) {
      if (!absent) (request[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
    }
    while (Object.keys(request).length > 0) {
      const read = await this.doc!.send(new BatchGetCommand({ RequestItems: request }));
      for (const [table, rows] of Object.entries(read.Responses ?? {})) {
        const definition = definitionOf(table)!;
        for (const row of rows) before.set(`${table}\0${this.id(definition, row)}`, row);
      }
      request = (read.UnprocessedKeys ?? {}) as typeof request;
    }
    const result = await next(args);
    const unprocessed = (result.output as { UnprocessedItems?: Record<string, Item[]> })
      .UnprocessedItems;
    for (const { table, definition, key } of known) {
      const left = (unprocessed?.[table] ?? []).some((r) => {
        const k = ((r.PutRequest as Item | undefined)?.Item ??
          (r.DeleteRequest as Item | undefined)?.Key) as Item;
        return this.id(definition, k) === this.id(definition, key);
      });
      if (!left)
        this.record(table, definition, key, before.get(`${table}\0${this.id(definition, key)}`));
    }
    return result;
  }

  private keyOf(definition: TableDefinition, item: Item): Item {
    const name = definition.partitionKey.name;
    return { [name]: item[name] };
  }

  private id(definition: TableDefinition, item: Item): string {
    return JSON.stringify(item[definition.partitionKey.name]);
  }

  private record(table: string, definition: TableDefinition, key: Item, before: Item | undefined) {
    const at = this.now();
    const byKey = this.writes.get(table) ?? new Map<string, Write[]>();
    this.writes.set(table, byKey);
    const id = this.id(definition, key);
    const list = (byKey.get(id) ?? []).filter((w) => w.at > at - this.lagMs);
    list.push({ at, before: before ? structuredClone(before) : undefined });
    byKey.set(id, list);
  }

  /** The item as the index saw it `lagMs` ago: `undefined` if unchanged since, else `{ item }`. */
  private past(table: string, id: string): { item: Item | undefined } | undefined {
    const list = this.writes.get(table)?.get(id);
    const first = list?.find((w) => w.at > this.now() - this.lagMs);
    return first ? { item: first.before } : undefined;
  }

  private lagged(
    command: string,
    input: QueryInput,
    output: { Items?: Item[]; LastEvaluatedKey?: Item },
  ): Item[] {
    const table = input.TableName!;
    const definition = definitionOf(table);
    const index = definition?.indexes.find((i) => i.name === input.IndexName);
    if (!definition || !index) return output.Items!;
    const matches = command === 'Query' ? keyCondition(input) : () => true;
    const inIndex = (item: Item | undefined): item is Item =>
      item !== undefined &&
      item[index.partitionKey.name] !== undefined &&
      (index.sortKey === undefined || item[index.sortKey.name] !== undefined) &&
      matches(item) === true;
    const seen = new Set<string>();
    const items: Item[] = [];
    for (const item of output.Items!) {
      const id = this.id(definition, item);
      seen.add(id);
      const then = this.past(table, id);
      if (!then) items.push(item);
      else if (inIndex(then.item)) items.push(projectItem(definition, index, then.item)!);
    }
    // Deleted or moved since: still in the index's past, if the page covers where it sorts.
    const canReAdd = command === 'Query' && input.FilterExpression === undefined;
    for (const id of canReAdd ? (this.writes.get(table)?.keys() ?? []) : []) {
      if (seen.has(id)) continue;
      const then = this.past(table, id);
      if (!then || !inIndex(then.item)) continue;
      if (covers(index, input, output, then.item)) {
        items.push(projectItem(definition, index, then.item)!);
      }
    }
    if (!index.sortKey) return items;
    const sortKey = index.sortKey.name;
    const direction = input.ScanIndexForward === false ? -1 : 1;
    return items.sort((a, b) => direction * compare(a[sortKey], b[sortKey]));
  }
}

/** Whether a page read from `ExclusiveStartKey` to `LastEvaluatedKey` would include `item`. */
function covers(
  index: IndexDefinition,
  input: QueryInput,
  output: { LastEvaluatedKey?: Item },
  item: Item,
): boolean {
  const start = input.ExclusiveStartKey;
  const end = output.LastEvaluatedKey;
  if (!index.sortKey) return !start && !end;
  const name = index.sortKey.name;
  const direction = input.ScanIndexForward === false ? -1 : 1;
  const afterStart = !start || direction * compare(item[name], start[name]) > 0;
  const beforeEnd = !end || direction * compare(item[name], end[name]) <= 0;
  return afterStart && beforeEnd;
}

const CLAUSE =
  /begins_with\s*\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)|([#\w]+)\s+BETWEEN\s+(:\w+)\s+AND\s+(:\w+)|([#\w]+)\s*(<=|>=|=|<|>)\s*(:\w+)/giy;

/**
 * A key condition as a predicate. It answers `undefined` ("cannot tell") for a shape it does not
 * know, and the caller then leaves the item out: the lag only ever hides, never invents.
 */
export function keyCondition(input: QueryInput): (item: Item) => boolean | undefined {
  const text = input.KeyConditionExpression ?? '';
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const attr = (token: string) => names[token] ?? token;
  const tests: ((item: Item) => boolean)[] = [];
  const parts = text.trim().split(/\s+AND\s+/i);
  // BETWEEN's own AND was split too: glue `x BETWEEN :a` back to `:b`.
  const clauses: string[] = [];
  for (const part of parts) {
    const last = clauses.at(-1);
    if (last && /BETWEEN\s+:\w+$/i.test(last)) clauses[clauses.length - 1] = `${last} AND ${part}`;
    else clauses.push(part);
  }
  for (const clause of clauses) {
    CLAUSE.lastIndex = 0;
    const m = CLAUSE.exec(clause.trim());
    if (!m || CLAUSE.lastIndex !== clause.trim().length) return () => undefined;
    if (m[1] && m[2]) {
      const [name, prefix] = [attr(m[1]), values[m[2]]];
      tests.push((item) => typeof item[name] === 'string' && item[name].startsWith(String(prefix)));
    } else if (m[3] && m[4] && m[5]) {
      const [name, low, high] = [attr(m[3]), values[m[4]], values[m[5]]];
      tests.push((item) => compare(item[name], low) >= 0 && compare(item[name], high) <= 0);
    } else {
      const [name, op, value] = [attr(m[6]!), m[7]!, values[m[8]!]];
      tests.push((item) => {
        if (item[name] === undefined) return false;
        const c = compare(item[name], value);
        return op === '='
          ? c === 0
          : op === '<'
            ? c < 0
            : op === '<='
              ? c <= 0
              : op === '>'
                ? c > 0
                : c >= 0;
      });
    }
  }
  return (item) => tests.every((t) => t(item));
}

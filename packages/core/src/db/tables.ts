/**
 * The ONE definition of the five DynamoDB tables. The SST stacks (`stacks/Database.ts`), the local
 * runtime and the tests all build their tables from this, so names, keys and indexes cannot drift.
 */
export type AttributeType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: AttributeType;
}

/**
 * What an index holds besides its keys and the table's key: `ALL` attributes (the default),
 * `KEYS_ONLY`, or `INCLUDE` the listed ones. An index entry is rewritten (and billed) only when a
 * key or a projected attribute of the item changes, so what changes often is best left out.
 */
export type Projection =
  | { readonly type: 'ALL' }
  | { readonly type: 'KEYS_ONLY' }
  | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  /** `ALL` when absent. */
  readonly projection?: Projection;
}

export interface TableDefinition {
  /** Logical name; the physical name is `<prefix><name>`. */
  readonly name: string;
  readonly partitionKey: KeyDefinition;
  readonly indexes: readonly IndexDefinition[];
}

/**
 * What the product indexes project besides their keys and `id`: a listing's `ListedProduct`
 * (products/schema.ts). `stock` and `updatedAt` are left out on purpose.
 */
export const LISTED_PRODUCT_ATTRIBUTES = [
  'name',
  'description',
  'price',
  'imageUrl',
  'category',
  'soldOut',
  'createdAt',
] as const;

export const tables = {
  Users: {
    name: 'Users',
    partitionKey: { name: 'id', type: 'S' },
    // Keys only: nothing on the request path queries it (users are read by id, the Cognito `sub`;
    // the admin's e-mail search is a filtered Scan, see users/store.ts), so holding the profile
    // here would only bill a rewrite of the entry on every profile or account-state change. A
    // future lookup by e-mail gets the id from the index, then the row by key (one GetItem more:
    // fine off the hot path).
    indexes: [
      {
        name: 'email-index',
        partitionKey: { name: 'email', type: 'S' },
        projection: { type: 'KEYS_ONLY' },
      },
    ],
  },
  Products: {
    name: 'Products',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [
      // Both product indexes hold what a listing shows (LISTED_PRODUCT_ATTRIBUTES) and not `stock`
      // or `updatedAt`, which every order line changes: a stock decrement then rewrites no index
      // entry, unless it sells the last unit and flips `soldOut` (see products/stock.ts).
      // Listings answer `soldOut`, the exact count is read by key (`byId`, quotes, the admin's
      // list). bench/README.md, "Write cost of an order", has the figures.
      {
        name: 'category-index',
        partitionKey: { name: 'category', type: 'S' },
        sortKey: { name: 'nameKey', type: 'S' },
        projection: { type: 'INCLUDE', attributes: LISTED_PRODUCT_ATTRIBUTES },
      },
      // `products.search` without a category: the partition is the folded name's first character,
      // so a prefix query reads one partition in name order and writes spread over ~40 of them.
      {
        name: 'search-index',
        partitionKey: { name: 'nameBucket', type: 'S' },
        sortKey: { name: 'nameKey', type: 'S' },
        projection: { type: 'INCLUDE', attributes: LISTED_PRODUCT_ATTRIBUTES },
      },
    ],
  },
  Orders: {
    name: 'Orders',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [
      {
        name: 'userId-index',
        partitionKey: { name: 'userId', type: 'S' },
        sortKey: { name: 'orderDate', type: 'S' },
      },
      // The admin queue: one status newest first, or all five merged (see orders/store.ts).
      {
        name: 'status-index',
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'orderDate', type: 'S' },
      },
    ],
  },
  OrderItems: {
    name: 'OrderItems',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [{ name: 'orderId-index', partitionKey: { name: 'orderId', type: 'S' } }],
  },
  Addresses: {
    name: 'Addresses',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [{ name: 'userId-index', partitionKey: { name: 'userId', type: 'S' } }],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof tables;
/** The same five definitions, as a list to iterate. */
export const tableDefinitions: readonly TableDefinition[] = Object.values(tables);
export const tableNames = Object.keys(tables) as TableName[];

export type TableNames = Record<TableName, string>;

/** Physical table names for a prefix, e.g. `shop-dev-` → `shop-dev-Users`. */
export function tableNamesFor(prefix: string): TableNames {
  return Object.fromEntries(tableNames.map((t) => [t, `${prefix}${t}`])) as TableNames;
}

/** The key attributes of the table, or of one of its indexes (index keys plus the table's key). */
export function keyOf(table: TableDefinition, indexName?: string): KeyDefinition[] {
  if (!indexName) return [table.partitionKey];
  const index = table.indexes.find((i) => i.name === indexName);
  if (!index) throw new Error(`${table.name} has no index ${indexName}`);
  const keys = [index.partitionKey, ...(index.sortKey ? [index.sortKey] : []), table.partitionKey];
  return keys.filter((k, i) => keys.findIndex((o) => o.name === k.name) === i);
}

/** `ALL` unless the index says otherwise. */
export function projectionOf(index: IndexDefinition): Projection {
  return index.projection ?? { type: 'ALL' };
}

/**
 * What a Query/Scan of the index returns for `item` (the index keys, the table's key and the
 * projected attributes), or `undefined` if the item is not in the (sparse) index.
 */
export function projectItem(
  table: TableDefinition,
  index: IndexDefinition,
  item: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!item) return undefined;
  const keys = [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])];
  if (keys.some((k) => item[k.name] === undefined)) return undefined;
  const projection = projectionOf(index);
  if (projection.type === 'ALL') return item;
  const names = new Set([
    ...keyOf(table, index.name).map((k) => k.name),
    ...(projection.type === 'INCLUDE' ? projection.attributes : []),
  ]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

/** Every attribute used as a key of the table or one of its indexes. */
export function keyAttributes(table: TableDefinition): KeyDefinition[] {
  const all = [table.partitionKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  const seen = new Map<string, KeyDefinition>();
  for (const k of all) if (k) seen.set(k.name, k);
  return [...seen.values()];
}

/** DynamoDB's limits on key values, in UTF-8 bytes (and a string key may not be empty). */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/**
 * Every key attribute of `item` (the table's or one of its indexes') that DynamoDB would refuse:
 * an empty string, or one longer than its limit. Checked before a write is sent, so a bad key is
 * a clear `BAD_REQUEST` and never a `ValidationException` (a 500).
 */
export function keySizeProblems(table: TableDefinition, item: Record<string, unknown>): string[] {
  const sortKeys = new Set(table.indexes.flatMap((i) => (i.sortKey ? [i.sortKey.name] : [])));
  const problems: string[] = [];
  for (const key of keyAttributes(table)) {
    const value = item[key.name];
    if (key.type !== 'S' || typeof value !== 'string') continue;
    const limit = sortKeys.has(key.name) ? MAX_SORT_KEY_BYTES : MAX_PARTITION_KEY_BYTES;
    const bytes = Buffer.byteLength(value);
    if (bytes === 0) problems.push(`${key.name} must not be empty`);
    else if (bytes > limit) problems.push(`${key.name} is ${bytes} bytes, at most ${limit}`);
  }
  return problems;
}

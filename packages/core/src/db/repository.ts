import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import {
  ConflictError,
  CorruptDataError,
  NotFoundError,
  ThrottledError,
  ValidationError,
} from '../errors.ts';
import { DEFAULT_PAGE_SIZE } from '../rules.ts';
import type { CursorCodec } from './cursor.ts';
import {
  keyOf,
  keySizeProblems,
  projectionOf,
  type KeyDefinition,
  type TableDefinition,
} from './tables.ts';

export interface PageRequest {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export { DEFAULT_PAGE_SIZE };

/** A condition expression with its placeholders, ANDed onto the repository's own. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  // A single-item write on an item a transaction holds; retrying later succeeds.
  'TransactionConflictException',
  // A TransactWriteItems with the same ClientRequestToken is still running.
  'TransactionInProgressException',
]);

/**
 * Turns the SDK's throttling and conflict errors (after its own retries) into a domain error: the
 * contract's TOO_MANY_REQUESTS, "retry later". Anything else stays a 500.
 */
export function mapStoreError(error: unknown): never {
  if (error instanceof Error && THROTTLING.has(error.name)) {
    throw new ThrottledError('The data store is busy, please retry', { cause: error });
  }
  throw error;
}

/** `SET #a = :a, ...` for every defined value of `changes`. */
export function setExpression(changes: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    parts.push(`#${key} = :${key}`);
  }
  return { expression: `SET ${parts.join(', ')}`, names, values };
}

/**
 * One DynamoDB table holding one entity. Every item read back is parsed with the entity's schema,
 * so a malformed row fails here with a clear error instead of somewhere later.
 */
export class Repository<T extends { id: string }> {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly definition: TableDefinition,
    readonly schema: z.ZodMiniType<T>,
    readonly cursors: CursorCodec,
  ) {}

  /**
   * The start key a cursor stands for. Beyond its signature, the key must have exactly the shape
   * of this table's or index's keys and the caller's partition value, so even a cursor signed with
   * the right key cannot reach DynamoDB with a start key from elsewhere.
   */
  startKey(
    cursor: string | undefined,
    scope: string,
    indexName?: string,
    partition?: { attribute: string; value: string },
  ): Record<string, unknown> | undefined {
    const key = this.cursors.decode(cursor, scope);
    if (!key) return undefined;
    const expected = keyOf(this.definition, indexName);
    const names = Object.keys(key);
    const fits =
      names.length === expected.length &&
      expected.every((k) => isKeyValue(key[k.name], k)) &&
      (!partition || key[partition.attribute] === partition.value);
    if (!fits) throw new ValidationError('Invalid cursor', ['cursor']);
    return key;
  }

  parse(item: object): T {
    const result = this.schema.safeParse(item);
    if (!result.success) {
      throw new CorruptDataError(
        `Malformed item in ${this.tableName} (id ${String((item as { id?: unknown }).id)}): ${result.error.message}`,
        { cause: result.error },
      );
    }
    return result.data;
  }

  async get(id: string, options: { consistent?: boolean } = {}): Promise<T | undefined> {
    const { Item } = await this.doc
      .send(
        new GetCommand({
          TableName: this.tableName,
          Key: { id },
          ConsistentRead: options.consistent ?? false,
        }),
      )
      .catch(mapStoreError);
    return Item ? this.parse(Item) : undefined;
  }

  /** Writes a new item; an item with the same id is a `ConflictError`. */
  async create(item: T & Record<string, unknown>): Promise<T> {
    this.checkKeys(item);
    await this.doc
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof ConditionalCheckFailedException) {
          throw new ConflictError(`${item.id} already exists`, { cause: error });
        }
        return mapStoreError(error);
      });
    return this.parse(item);
  }

  /**
   * Sets the defined fields of `changes` on an existing item and returns the new item. A missing
   * item is a `NotFoundError`; an existing one failing `condition` is a `ConflictError`.
   */
  async update(id: string, changes: Partial<T>, condition?: Condition): Promise<T> {
    this.checkKeys(changes);
    const set = setExpression(changes);
    const { Attributes } = await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: set.expression,
          ConditionExpression: ['attribute_exists(id)', condition?.expression]
            .filter(Boolean)
            .join(' AND '),
          ExpressionAttributeNames: { ...set.names, ...condition?.names },
          ExpressionAttributeValues: { ...set.values, ...condition?.values },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => this.conditionFailed(id, error));
    return this.parse(Attributes ?? {});
  }

  /** Deletes an existing item and returns it; see `update` for the errors. */
  async delete(id: string, condition?: Condition): Promise<T> {
    const { Attributes } = await this.doc
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id },
          ConditionExpression: ['attribute_exists(id)', condition?.expression]
            .filter(Boolean)
            .join(' AND '),
          ExpressionAttributeNames: condition?.names,
          ExpressionAttributeValues: condition?.values,
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => this.conditionFailed(id, error));
    return this.parse(Attributes ?? {});
  }

  /**
   * One page of a GSI query on `attribute = value`, optionally newest (highest sort key) first, or
   * only sort keys starting with `sortKeyPrefix`.
   */
  async queryIndex(
    indexName: string,
    attribute: string,
    value: string,
    page: PageRequest & { descending?: boolean; sortKeyPrefix?: string } = {},
  ): Promise<Page<T>> {
    const sortKey = this.definition.indexes.find((i) => i.name === indexName)?.sortKey;
    const prefix = page.sortKeyPrefix !== undefined && sortKey ? page.sortKeyPrefix : undefined;
    const scope = `${this.tableName}/${indexName}/${value}/${prefix ?? ''}`;
    const { Items = [], LastEvaluatedKey } = await this.doc
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression:
            prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: {
            '#pk': attribute,
            ...(prefix === undefined ? {} : { '#sk': sortKey!.name }),
          },
          ExpressionAttributeValues: {
            ':pk': value,
            ...(prefix === undefined ? {} : { ':prefix': prefix }),
          },
          Limit: page.limit ?? DEFAULT_PAGE_SIZE,
          ScanIndexForward: !page.descending,
          ExclusiveStartKey: this.startKey(page.cursor, scope, indexName, { attribute, value }),
        }),
      )
      .catch(mapStoreError);
    return {
      items: await this.rows(indexName, Items),
      nextCursor: this.cursors.encode(LastEvaluatedKey, scope),
    };
  }

  /**
   * The page's rows, parsed with the repository's schema, which must fit what the index projects
   * (the product indexes project a `ListedProduct`: see products/store.ts). A keys-only index
   * (`email-index`, see tables.ts) answers keys, so each row is then read by key: one GetItem per
   * item, on paths that are not hot (nothing on the request path queries such an index today). A
   * row gone since the index saw it is left out.
   */
  private async rows(
    indexName: string | undefined,
    items: Record<string, unknown>[],
  ): Promise<T[]> {
    const index = this.definition.indexes.find((i) => i.name === indexName);
    if (!index || projectionOf(index).type !== 'KEYS_ONLY') {
      return items.map((item) => this.parse(item));
    }
    const rows = (await Promise.all(items.map((item) => this.get(String(item.id))))) as (
      T | undefined
    )[];
    return rows.filter((row): row is T => row !== undefined);
  }

  /**
   * One page of the whole table, or of one of its global secondary indexes (unordered). An index
   * is sparse: it holds only the rows that have its key attributes, so scanning one leaves out
   * the bookkeeping rows some tables keep beside their entities with no filter and no short page.
   */
  async scan(
    page: PageRequest & { indexName?: string; filter?: Condition } = {},
  ): Promise<Page<T>> {
    const scope = `${this.tableName}/${page.indexName ? `${page.indexName}/` : ''}scan`;
    const { Items = [], LastEvaluatedKey } = await this.doc
      .send(
        new ScanCommand({
          TableName: this.tableName,
          IndexName: page.indexName,
          // A filter may leave a page short of `limit`; the cursor still goes on from there.
          FilterExpression: page.filter?.expression,
          ExpressionAttributeNames: page.filter?.names,
          ExpressionAttributeValues: page.filter?.values,
          Limit: page.limit ?? DEFAULT_PAGE_SIZE,
          ExclusiveStartKey: this.startKey(page.cursor, scope, page.indexName),
        }),
      )
      .catch(mapStoreError);
    return {
      items: await this.rows(page.indexName, Items),
      nextCursor: this.cursors.encode(LastEvaluatedKey, scope),
    };
  }

  /**
   * A page of the table's items that pass `filter`, reading at most `maxRead` items (DynamoDB
   * charges for items read, not returned). A Scan's `Limit` counts items read before the filter,
   * so each call asks for no more than the matches still wanted: a page never overshoots `limit`,
   * and its cursor resumes exactly after the last item read. The page may be short (even empty)
   * with a cursor when matches are sparse; the caller pages on.
   */
  async scanWhere(
    filter: Condition,
    filterScope: string,
    page: PageRequest & { maxRead: number },
  ): Promise<Page<T>> {
    const scope = `${this.tableName}/scan/${filterScope}`;
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const items: T[] = [];
    let startKey = this.startKey(page.cursor, scope);
    let read = 0;
    do {
      const want = Math.min(limit - items.length, page.maxRead - read);
      const {
        Items = [],
        LastEvaluatedKey,
        ScannedCount = 0,
      } = await this.doc
        .send(
          new ScanCommand({
            TableName: this.tableName,
            Limit: want,
            ExclusiveStartKey: startKey,
            FilterExpression: filter.expression,
            ExpressionAttributeNames: filter.names,
            ExpressionAttributeValues: filter.values,
          }),
        )
        .catch(mapStoreError);
      items.push(...Items.map((item) => this.parse(item)));
      read += ScannedCount;
      startKey = LastEvaluatedKey;
    } while (startKey && items.length < limit && read < page.maxRead);
    return { items, nextCursor: this.cursors.encode(startKey, scope) };
  }

  /** Key attributes DynamoDB would refuse (see `keySizeProblems`) are a `ValidationError`. */
  checkKeys(item: object): void {
    const problems = keySizeProblems(this.definition, item as Record<string, unknown>);
    if (problems.length > 0) throw new ValidationError(problems.join('; '));
  }

  private conditionFailed(id: string, error: unknown): never {
    if (error instanceof ConditionalCheckFailedException) {
      if (!error.Item) throw new NotFoundError(`${id} not found`, { cause: error });
      throw new ConflictError(`${id} does not meet the condition of this change`, {
        cause: error,
      });
    }
    return mapStoreError(error);
  }
}

/** DynamoDB's own limits on key values: non-empty strings up to 1 KB, finite numbers. */
function isKeyValue(value: unknown, key: KeyDefinition): boolean {
  if (key.type === 'N') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === 'string' && value.length > 0 && Buffer.byteLength(value) <= 1024;
}

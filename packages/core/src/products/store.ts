import {
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError, NotFoundError, ThrottledError } from '../errors.ts';
import {
  mapStoreError,
  setExpression,
  type Page,
  type PageRequest,
  Repository,
} from '../db/repository.ts';
import { transactWrite, TransactionCancelled, type TaggedWrite } from '../db/transactions.ts';
import { batchGet } from '../db/batch-get.ts';
import {
  foldName,
  listedProductSchema,
  MAX_STOCK,
  nameBucket,
  type CategoryCount,
  type ListedProduct,
  type Product,
} from './schema.ts';
import { stockMove, stockOf } from './stock.ts';

/**
 * The Products table: product rows (with `nameKey`/`nameBucket`, the folded name the indexes sort
 * and search on) and one bookkeeping row, `#categories`, holding a counter attribute per category
 * (`c:<category>`). The counter moves in the same transaction as the product it counts, so
 * `categories()` is one GetItem and never a scan. `#` cannot start a product id.
 */
const CATEGORIES_ID = '#categories';
const counter = (category: string) => `c:${category}`;
/** `f:<folded>` holds the spelling a category is filed under (matching ignores case and accents). */
const spellingOf = (category: string) => `f:${foldName(category)}`;

/** What a write files the product under, and the `f:` value it read (its condition). */
interface Filing {
  category: string;
  read: string | undefined;
}

type Tag = 'product' | 'categories';

/** How often `adjustStock` asks again when the stock crossed 0 between its attempts. */
const ADJUST_ATTEMPTS = 4;

export class ProductStore {
  /** The product indexes, which project a `ListedProduct` (no `stock`: see db/tables.ts). */
  private readonly listed: Repository<ListedProduct>;

  constructor(
    private readonly repo: Repository<Product>,
    private readonly doc: DynamoDBDocumentClient,
  ) {
    this.listed = new Repository(
      repo.doc,
      repo.tableName,
      repo.definition,
      listedProductSchema,
      repo.cursors,
    );
  }

  private get table() {
    return this.repo.tableName;
  }

  get(id: string, consistent = false): Promise<Product | undefined> {
    return this.repo.get(id, { consistent });
  }

  /**
   * A category in name order through `category-index`; else the whole catalogue, unordered, by a
   * Scan of that same index: every product has a category and `#categories` has none, so the
   * index holds exactly the products and a page is `limit` of them in one request.
   */
  async page(category: string | undefined, page: PageRequest): Promise<Page<ListedProduct>> {
    return category
      ? this.listed.queryIndex('category-index', 'category', await this.spelling(category), page)
      : this.listed.scan({ ...page, indexName: 'category-index' });
  }

  /**
   * The products of a listing page as stored, with their exact stock, in the page's order: one
   * strongly consistent BatchGetItem (for the admin's list; public listings never pay it). A
   * product deleted since the index listed it is left out.
   */
  async byKeys(ids: string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const found = await batchGet(this.doc, {
      [this.table]: { Keys: ids.map((id) => ({ id })), ConsistentRead: true },
    });
    const byId = new Map(
      (found[this.table] ?? []).map((row) => {
        const product = this.repo.parse(row);
        return [product.id, product] as const;
      }),
    );
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Names starting with `folded` (already folded), in name order; reads O(limit) items. */
  async search(
    folded: string,
    category: string | undefined,
    page: PageRequest,
  ): Promise<Page<ListedProduct>> {
    return category
      ? this.listed.queryIndex('category-index', 'category', await this.spelling(category), {
          ...page,
          sortKeyPrefix: folded,
        })
      : this.listed.queryIndex('search-index', 'nameBucket', nameBucket(folded), {
          ...page,
          sortKeyPrefix: folded,
        });
  }

  /** Files the product under an existing category that matches its own (whose spelling wins). */
  async create(input: Product): Promise<Product> {
    const filing = await this.filing(input.category);
    const product = { ...input, category: filing.category };
    this.repo.checkKeys(withSearchKeys(product));
    await this.write(
      [
        {
          tag: 'product',
          write: {
            Put: {
              TableName: this.table,
              Item: { ...withSearchKeys(product), soldOut: product.stock === 0 },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
        },
        this.count([[product.category, 1]], filing),
      ],
      () => new ConflictError(`Product ${product.id} already exists`),
    );
    return product;
  }

  /**
   * Applies `changes` to the product as it was read (`before`): conditioned on its category still
   * being `before.category`, so the category counters move exactly once.
   */
  async update(before: Product, input: Partial<Product>): Promise<Product> {
    const filing = input.category === undefined ? undefined : await this.filing(input.category);
    const changes = filing ? { ...input, category: filing.category } : input;
    const after: Product = { ...before, ...changes };
    const set = setExpression({
      ...changes,
      ...(changes.name === undefined ? {} : searchKeys(changes.name)),
    });
    this.repo.checkKeys(withSearchKeys(after));
    const moved = after.category !== before.category;
    await this.write([
      {
        tag: 'product',
        write: {
          Update: {
            TableName: this.table,
            Key: { id: before.id },
            UpdateExpression: set.expression,
            ConditionExpression: '#category = :before',
            ExpressionAttributeNames: { ...set.names, '#category': 'category' },
            ExpressionAttributeValues: { ...set.values, ':before': before.category },
          },
        },
      },
      ...(moved
        ? [
            this.count(
              [
                [before.category, -1],
                [after.category, 1],
              ],
              filing,
            ),
          ]
        : []),
    ]);
    return after;
  }

  async delete(product: Product): Promise<void> {
    await this.write([
      {
        tag: 'product',
        write: {
          Delete: {
            TableName: this.table,
            Key: { id: product.id },
            ConditionExpression: '#category = :category',
            ExpressionAttributeNames: { '#category': 'category' },
            ExpressionAttributeValues: { ':category': product.category },
          },
        },
      },
      this.count([[product.category, -1]]),
    ]);
  }

  /**
   * `stock + delta` as one atomic update, kept within 0..MAX_STOCK by its condition: racing orders
   * and adjustments never lose each other's change. The first attempt assumes the product has
   * stock before and after (the common case: `soldOut` is not written); when the row says
   * otherwise, it is asked again from the stock the row had, setting or clearing `soldOut` (see
   * `products/stock.ts`). Each call writes its own `stockRequest` token and refuses a row that
   * already carries it, so when the SDK retries after a lost response (timeout, reset) the delta
   * is not added twice: the retry finds its token and answers with the row. (Residual: another
   * adjustment of the same product landing between the lost attempt and the SDK's retry, well
   * under a second, replaces the token.)
   */
  async adjustStock(id: string, delta: number, updatedAt: string): Promise<Product> {
    const token = randomUUID();
    // Some stock before and after, unless the row says otherwise.
    let seen = delta < 0 ? 1 - delta : 1;
    for (let attempt = 1; ; attempt++) {
      const move = stockMove(delta, seen);
      try {
        const { Attributes } = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { id },
            UpdateExpression: `${move.update}, updatedAt = :now, stockRequest = :token`,
            ConditionExpression: `${move.condition} AND (attribute_not_exists(stockRequest) OR stockRequest <> :token)`,
            ExpressionAttributeValues: { ...move.values, ':now': updatedAt, ':token': token },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return this.repo.parse(Attributes ?? {});
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) return mapStoreError(error);
        const row = error.Item ? unmarshall(error.Item) : undefined;
        const stock = stockOf(row);
        if (!row || stock === undefined) {
          throw new NotFoundError('Product not found', { cause: error });
        }
        // Our own earlier attempt (its response was lost) already applied the delta.
        if (row.stockRequest === token) return this.repo.parse(row);
        if (stock + delta < 0 || stock + delta > MAX_STOCK) {
          throw new ConflictError(`Stock must stay between 0 and ${MAX_STOCK}`, { cause: error });
        }
        if (attempt >= ADJUST_ATTEMPTS) {
          throw new ThrottledError('Too many concurrent changes, please retry', { cause: error });
        }
        seen = stock;
      }
    }
  }

  /** Every category with at least one product, in name order. One GetItem. */
  async categories(): Promise<CategoryCount[]> {
    return this.counts(await this.categoriesRow(false));
  }

  private async categoriesRow(consistent: boolean): Promise<Record<string, unknown>> {
    const { Item = {} } = await this.doc
      .send(
        new GetCommand({
          TableName: this.table,
          Key: { id: CATEGORIES_ID },
          ConsistentRead: consistent,
        }),
      )
      .catch(mapStoreError);
    return Item;
  }

  private counts(row: Record<string, unknown>): CategoryCount[] {
    return Object.entries(row)
      .filter(([name, count]) => name.startsWith('c:') && typeof count === 'number' && count > 0)
      .map(([name, count]) => ({ category: name.slice(2), productCount: count as number }))
      .sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  }

  /**
   * Brings rows written by an earlier release up to this one: search keys on products that lack
   * them, and the category counters when they were never kept. Safe to run on every start.
   */
  async migrate(): Promise<{ searchKeys: number; categories: boolean }> {
    const counts = new Map<string, number>();
    let searchKeysAdded = 0;
    let hasCounters = false;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc
        .send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start }))
        .catch(mapStoreError);
      for (const row of page.Items ?? []) {
        if (row.id === CATEGORIES_ID) {
          hasCounters = true;
          continue;
        }
        const product = this.repo.parse(row);
        counts.set(product.category, (counts.get(product.category) ?? 0) + 1);
        // A name whose folded form no index could hold keeps no search keys (it was never
        // searchable); the input schemas refuse such names since.
        const addKeys = row.nameKey === undefined && !keySizeProblemsOf(this.repo, product);
        // `soldOut` (contract v3.1) on rows written before it existed.
        const addFlag = row.soldOut === undefined;
        if (!addKeys && !addFlag) continue;
        const keys = setExpression({
          ...(addKeys ? searchKeys(product.name) : {}),
          ...(addFlag ? { soldOut: product.stock === 0 } : {}),
        });
        const written = await this.doc
          .send(
            new UpdateCommand({
              TableName: this.table,
              Key: { id: product.id },
              UpdateExpression: keys.expression,
              // The flag is right only for the stock it was computed from.
              ConditionExpression: 'stock = :migratedStock',
              ExpressionAttributeNames: keys.names,
              ExpressionAttributeValues: { ...keys.values, ':migratedStock': product.stock },
            }),
          )
          .then(
            () => true,
            (error: unknown) => {
              // An order moved the stock meanwhile: the next start migrates this row.
              if (error instanceof ConditionalCheckFailedException) return false;
              return mapStoreError(error);
            },
          );
        if (addKeys && written) searchKeysAdded++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    if (!hasCounters) {
      await this.doc
        .send(
          new PutCommand({
            TableName: this.table,
            Item: {
              id: CATEGORIES_ID,
              ...Object.fromEntries([...counts].map(([c, n]) => [counter(c), n])),
            },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        )
        .catch(mapStoreError);
    }
    return { searchKeys: searchKeysAdded, categories: !hasCounters };
  }

  /**
   * The spelling `category` is filed under: the existing category (with products) whose folded
   * form is the same, else `category` as given. Rows from before `f:` existed match by their
   * counters. One GetItem.
   */
  private async filing(category: string, consistent = true): Promise<Filing> {
    const row = await this.categoriesRow(consistent);
    const read = row[spellingOf(category)];
    const live = this.counts(row);
    const claimed = typeof read === 'string' ? live.find((c) => c.category === read) : undefined;
    const folded = foldName(category);
    const match = claimed ?? live.find((c) => foldName(c.category) === folded);
    return {
      category: match?.category ?? category,
      read: typeof read === 'string' ? read : undefined,
    };
  }

  private async spelling(category: string): Promise<string> {
    return (await this.filing(category, false)).category;
  }

  /**
   * One write for all counter changes: a transaction may touch the `#categories` row once. With a
   * `filing`, it also claims the folded name for that spelling, conditioned on the value read: a
   * concurrent write under another spelling of the same category fails it, and the retry joins.
   */
  private count(deltas: [category: string, delta: 1 | -1][], filing?: Filing): TaggedWrite<Tag> {
    const names: Record<string, string> = Object.fromEntries(
      deltas.map(([category], i) => [`#c${i}`, counter(category)]),
    );
    const values: Record<string, unknown> = Object.fromEntries(
      deltas.map(([, d], i) => [`:d${i}`, d]),
    );
    let update = `ADD ${deltas.map((_, i) => `#c${i} :d${i}`).join(', ')}`;
    let condition: string | undefined;
    if (filing) {
      names['#f'] = spellingOf(filing.category);
      values[':spelling'] = filing.category;
      update += ' SET #f = :spelling';
      if (filing.read === undefined) condition = 'attribute_not_exists(#f)';
      else {
        condition = '#f = :read';
        values[':read'] = filing.read;
      }
    }
    return {
      tag: 'categories',
      write: {
        Update: {
          TableName: this.table,
          Key: { id: CATEGORIES_ID },
          UpdateExpression: update,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    };
  }

  /**
   * A failed product condition: gone (`NotFoundError`), or changed by someone else since we read it
   * (retried as a conflict, from a new read), unless `existing` says what an existing row means.
   */
  private async write(writes: TaggedWrite<Tag>[], existing?: () => Error): Promise<void> {
    try {
      await transactWrite(this.doc, writes);
    } catch (error) {
      if (!(error instanceof TransactionCancelled) || error.isConflict) throw error;
      // Another spelling of the category was filed meanwhile: retried, and joins it.
      if ((error as TransactionCancelled<Tag>).failure('categories')) {
        throw new TransactionCancelled([], true, { cause: error });
      }
      const failed = (error as TransactionCancelled<Tag>).failure('product');
      if (failed && !failed.item) throw new NotFoundError('Product not found', { cause: error });
      if (failed && existing) throw existing();
      if (failed) throw new TransactionCancelled([], true, { cause: error });
      throw error;
    }
  }
}

function searchKeys(name: string) {
  const nameKey = foldName(name);
  return { nameKey, nameBucket: nameBucket(nameKey) };
}

function withSearchKeys(product: Product) {
  return { ...product, ...searchKeys(product.name) };
}

function keySizeProblemsOf(repo: Repository<Product>, product: Product): boolean {
  try {
    repo.checkKeys(withSearchKeys(product));
    return false;
  } catch {
    return true;
  }
}

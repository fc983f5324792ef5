import { randomUUID } from 'node:crypto';
import type { Clock } from '../common.ts';
import { NotFoundError } from '../errors.ts';
import type { Page } from '../db/repository.ts';
import { retryOnConflict } from '../db/transactions.ts';
import {
  foldName,
  type AdminListProductsInput,
  type AdjustStockInput,
  type CategoryCount,
  type CreateProductInput,
  type ListedProduct,
  type ListProductsInput,
  type Product,
  type SearchProductsInput,
  type UpdateProductInput,
} from './schema.ts';
import type { ProductStore } from './store.ts';

export class ProductService {
  constructor(
    private readonly store: ProductStore,
    private readonly clock: Clock,
  ) {}

  /** A page of the catalogue from the product indexes: `soldOut`, not the exact stock. */
  list(input: ListProductsInput = {}): Promise<Page<ListedProduct>> {
    return this.store.page(input.category, { limit: input.limit, cursor: input.cursor });
  }

  /** Names starting with the query, ignoring case and accents ("cafe" finds "Café Crème"). */
  search(input: SearchProductsInput): Promise<Page<ListedProduct>> {
    return this.store.search(foldName(input.query), input.category, {
      limit: input.limit,
      cursor: input.cursor,
    });
  }

  /**
   * The admin's list: the same page as `search` (with a query) or `list`, each product then read
   * by key with its exact stock (one BatchGetItem more; only admins pay it).
   */
  async adminList({ query, ...input }: AdminListProductsInput): Promise<Page<Product>> {
    const page = query ? await this.search({ ...input, query }) : await this.list(input);
    return {
      items: await this.store.byKeys(page.items.map((p) => p.id)),
      nextCursor: page.nextCursor,
    };
  }

  categories(): Promise<CategoryCount[]> {
    return this.store.categories();
  }

  async byId(id: string): Promise<Product> {
    const product = await this.store.get(id);
    if (!product) throw new NotFoundError('Product not found');
    return product;
  }

  /** `id` only for fixed catalogues (seed data): an existing id is a `ConflictError`. */
  create(input: CreateProductInput, id: string = randomUUID()): Promise<Product> {
    const now = this.clock.now().toISOString();
    // Retried when another spelling of a new category is filed at the same moment.
    return retryOnConflict(() =>
      this.store.create({
        id,
        ...input,
        imageUrl: input.imageUrl ?? null,
        createdAt: now,
        updatedAt: now,
      }),
    );
  }

  update({ id, ...changes }: UpdateProductInput): Promise<Product> {
    return retryOnConflict(async () => {
      const before = await this.store.get(id, true);
      if (!before) throw new NotFoundError('Product not found');
      const defined = Object.fromEntries(
        Object.entries(changes).filter(([, value]) => value !== undefined),
      ) as Partial<Product>;
      return this.store.update(before, { ...defined, updatedAt: this.clock.now().toISOString() });
    });
  }

  adjustStock({ id, delta }: AdjustStockInput): Promise<Product> {
    return this.store.adjustStock(id, delta, this.clock.now().toISOString());
  }

  /** Past orders keep their own copy of name and price, so deleting a product is safe. */
  delete(id: string): Promise<{ id: string }> {
    return retryOnConflict(async () => {
      const product = await this.store.get(id, true);
      if (!product) throw new NotFoundError('Product not found');
      await this.store.delete(product);
      return { id };
    });
  }
}

import { randomUUID } from 'node:crypto';
import type { Clock } from '../common.ts';
import { NotFoundError } from '../errors.ts';
import type { Page } from '../db/repository.ts';
import { retryOnConflict } from '../db/transactions.ts';
import {
  foldName,
  type AdjustStockInput,
  type CategoryCount,
  type CreateProductInput,
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

  list(input: ListProductsInput = {}): Promise<Page<Product>> {
    return this.store.page(input.category, { limit: input.limit, cursor: input.cursor });
  }

  /** Names starting with the query, ignoring case and accents ("cafe" finds "Café Crème"). */
  search(input: SearchProductsInput): Promise<Page<Product>> {
    return this.store.search(foldName(input.query), input.category, {
      limit: input.limit,
      cursor: input.cursor,
    });
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

import { randomUUID } from 'node:crypto';
import { nowIso } from '../common.ts';
import { NotFoundError } from '../errors.ts';
import type { Page, Repository } from '../db/repository.ts';
import type {
  CreateProductInput,
  ListProductsInput,
  Product,
  UpdateProductInput,
} from './schema.ts';

export class ProductService {
  constructor(readonly repo: Repository<Product>) {}

  /** A category pages alphabetically through `category-index`; without one, the whole catalogue. */
  list(input: ListProductsInput = {}): Promise<Page<Product>> {
    const page = { limit: input.limit, cursor: input.cursor };
    return input.category
      ? this.repo.queryIndex('category-index', 'category', input.category, page)
      : this.repo.scan(page);
  }

  async byId(id: string): Promise<Product> {
    const product = await this.repo.get(id);
    if (!product) throw new NotFoundError('Product not found');
    return product;
  }

  create(input: CreateProductInput): Promise<Product> {
    const now = nowIso();
    return this.repo.create({
      id: randomUUID(),
      ...input,
      imageUrl: input.imageUrl ?? null,
      createdAt: now,
      updatedAt: now,
    });
  }

  async update({ id, ...changes }: UpdateProductInput): Promise<Product> {
    try {
      return await this.repo.update(id, { ...changes, updatedAt: nowIso() });
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new NotFoundError('Product not found', { cause: error });
      throw error;
    }
  }

  /** Past orders keep their own copy of name and price, so deleting a product is safe. */
  async delete(id: string): Promise<{ id: string }> {
    try {
      await this.repo.delete(id);
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new NotFoundError('Product not found', { cause: error });
      throw error;
    }
    return { id };
  }
}

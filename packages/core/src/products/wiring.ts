import { clockOf, repositoryOf, type Wire } from '../wiring.ts';
import type { Repository } from '../db/repository.ts';
import { productSchema, type Product } from './schema.ts';
import { ProductService } from './service.ts';
import { ProductStore } from './store.ts';

export const productRepository: Wire<Repository<Product>> = (s) =>
  repositoryOf(s, 'Products', productSchema);
export const productStore: Wire<ProductStore> = (s) =>
  new ProductStore(s.get(productRepository), s.config.doc);
export const productService: Wire<ProductService> = (s) =>
  new ProductService(s.get(productStore), clockOf(s));

import {
  centsSchema,
  idSchema,
  integer,
  pageInputSchema,
  safeText,
  text,
  timestampSchema,
} from '../common.ts';
import * as z from 'zod/mini';
import { MAX_SORT_KEY_BYTES } from '../db/tables.ts';

export const MAX_PRODUCT_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;
export const MAX_CATEGORY_LENGTH = 100;
export const MAX_STOCK = 1_000_000;
export const MAX_IMAGE_URL_LENGTH = 2048;
export const MAX_SEARCH_QUERY_LENGTH = 100;

export const productNameSchema = text(1, MAX_PRODUCT_NAME_LENGTH);

/**
 * The folded form (`foldName`) is the sort key of the search indexes: it must keep at least one
 * character, and fit DynamoDB's 1,024 bytes for a sort key (folding can grow a name: U+FDFA is
 * one character and 33 bytes once folded).
 */
const foldsIntoIndex = (what: string) =>
  z.superRefine<string>((value, ctx) => {
    if (value === '') return; // the length check says so already
    const folded = foldName(value);
    if (folded === '') {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must keep at least one character once case and accents are ignored`,
      });
    } else if (new TextEncoder().encode(folded).length > MAX_SORT_KEY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `is too long for the search index once case and accents are ignored (${what} of at most ${MAX_SORT_KEY_BYTES} bytes of UTF-8)`,
      });
    }
  });

/** A product name as clients send it: the text rules, and a folded form the indexes can hold. */
export const productNameInputSchema = productNameSchema.check(foldsIntoIndex('a name'));
export const descriptionSchema = z
  .string()
  .check(z.maxLength(MAX_DESCRIPTION_LENGTH), safeText(true));
export const categorySchema = text(1, MAX_CATEGORY_LENGTH);
export const stockSchema = integer(0, MAX_STOCK);
/**
 * An https URL, kept to the text rules, stored in its normalized form (WHATWG `new URL(…).href`:
 * `https:evil.example/x` becomes `https://evil.example/x`, `"` and `<` are percent-encoded).
 */
export const imageUrlSchema = z.string().check(
  z.maxLength(MAX_IMAGE_URL_LENGTH),
  safeText(),
  z.refine((value) => normalizeHttpsUrl(value) !== undefined, 'Must be an https URL'),
  z.overwrite((value) => normalizeHttpsUrl(value) ?? value),
  z.maxLength(
    MAX_IMAGE_URL_LENGTH,
    `must have at most ${MAX_IMAGE_URL_LENGTH} characters once normalized`,
  ),
);

/** `value` as a normalized https URL with a host, or `undefined`. */
export function normalizeHttpsUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password) return undefined;
  return url.href;
}

export const productSchema = z.object({
  id: idSchema,
  name: productNameSchema,
  description: descriptionSchema,
  price: centsSchema,
  imageUrl: z.nullable(imageUrlSchema),
  category: categorySchema,
  stock: stockSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Product = z.infer<typeof productSchema>;

/**
 * A product as public listings (`products.list`, `products.search`) answer it (contract v3.1):
 * what the product indexes project, with `soldOut` (no unit left) instead of the exact `stock`,
 * which changes with every order and is read by key where it is needed (`products.byId`, quotes,
 * the admin's list). A row written before `soldOut` existed, until `migrate` runs, reads as
 * available: the order itself still checks the stock.
 */
export const listedProductSchema = z.extend(
  z.omit(productSchema, { stock: true, updatedAt: true }),
  { soldOut: z._default(z.boolean(), false) },
);
export type ListedProduct = z.infer<typeof listedProductSchema>;

export const createProductInputSchema = z.object({
  name: productNameInputSchema,
  description: descriptionSchema,
  price: centsSchema,
  imageUrl: z.optional(z.nullable(imageUrlSchema)),
  category: categorySchema,
  stock: stockSchema,
});
export type CreateProductInput = z.infer<typeof createProductInputSchema>;

/**
 * Stock is not set here: only `adjustStock` changes it, atomically. Strict, so a client still
 * sending `stock` learns it instead of seeing it ignored.
 */
export const updateProductInputSchema = z.strictObject({
  id: idSchema,
  name: z.optional(productNameInputSchema),
  description: z.optional(descriptionSchema),
  price: z.optional(centsSchema),
  imageUrl: z.optional(z.nullable(imageUrlSchema)),
  category: z.optional(categorySchema),
});
export type UpdateProductInput = z.infer<typeof updateProductInputSchema>;

export const listProductsInputSchema = z.extend(pageInputSchema, {
  category: z.optional(categorySchema),
});
export type ListProductsInput = z.infer<typeof listProductsInputSchema>;

export const adjustStockInputSchema = z.object({
  id: idSchema,
  delta: z.int().check(
    z.gte(-MAX_STOCK),
    z.lte(MAX_STOCK),
    z.refine((delta) => delta !== 0, 'Must not be 0'),
  ),
});
export type AdjustStockInput = z.infer<typeof adjustStockInputSchema>;

export const searchProductsInputSchema = z.extend(pageInputSchema, {
  query: text(1, MAX_SEARCH_QUERY_LENGTH).check(foldsIntoIndex('a prefix')),
  category: z.optional(categorySchema),
});
export type SearchProductsInput = z.infer<typeof searchProductsInputSchema>;

/** The admin's product list: a search with `query`, else a page (of a category) as in `list`. */
export const adminListProductsInputSchema = z.extend(pageInputSchema, {
  query: z.optional(searchProductsInputSchema.shape.query),
  category: z.optional(categorySchema),
});
export type AdminListProductsInput = z.infer<typeof adminListProductsInputSchema>;

export interface CategoryCount {
  category: string;
  productCount: number;
}

/**
 * A name folded for search: accents removed (NFKD, combining marks dropped), lower case, runs of
 * white space as one space. "Café  Crème" → "cafe creme".
 */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** The `search-index` partition of a folded name: its first letter or digit, else `#`. */
export function nameBucket(folded: string): string {
  const first = [...folded][0] ?? '';
  return /^[\p{L}\p{N}]$/u.test(first) ? first : '#';
}

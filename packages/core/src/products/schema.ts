import {
  centsSchema,
  idSchema,
  integer,
  pageInputSchema,
  text,
  timestampSchema,
} from '../common.ts';
import * as z from 'zod/mini';

export const productNameSchema = text(1, 200);
export const descriptionSchema = z.string().check(z.maxLength(5000));
export const categorySchema = text(1, 100);
export const stockSchema = integer(0, 1_000_000);
export const imageUrlSchema = z
  .url({ protocol: /^https$/, error: 'Must be an https URL' })
  .check(z.maxLength(2048));

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

export const createProductInputSchema = z.object({
  name: productNameSchema,
  description: descriptionSchema,
  price: centsSchema,
  imageUrl: z.optional(z.nullable(imageUrlSchema)),
  category: categorySchema,
  stock: stockSchema,
});
export type CreateProductInput = z.infer<typeof createProductInputSchema>;

export const updateProductInputSchema = z.extend(z.partial(createProductInputSchema), {
  id: idSchema,
});
export type UpdateProductInput = z.infer<typeof updateProductInputSchema>;

export const listProductsInputSchema = z.extend(pageInputSchema, {
  category: z.optional(categorySchema),
});
export type ListProductsInput = z.infer<typeof listProductsInputSchema>;

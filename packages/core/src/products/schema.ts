import { z } from 'zod';
import { centsSchema, idSchema, pageInputSchema, timestampSchema } from '../common.ts';

export const productNameSchema = z.string().trim().min(1).max(200);
export const descriptionSchema = z.string().max(5000);
export const categorySchema = z.string().trim().min(1).max(100);
export const stockSchema = z.number().int().min(0).max(1_000_000);
export const imageUrlSchema = z
  .url({ protocol: /^https$/, error: 'Must be an https URL' })
  .max(2048);

export const productSchema = z.object({
  id: idSchema,
  name: productNameSchema,
  description: descriptionSchema,
  price: centsSchema,
  imageUrl: imageUrlSchema.nullable(),
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
  imageUrl: imageUrlSchema.nullable().optional(),
  category: categorySchema,
  stock: stockSchema,
});
export type CreateProductInput = z.infer<typeof createProductInputSchema>;

export const updateProductInputSchema = createProductInputSchema.partial().extend({ id: idSchema });
export type UpdateProductInput = z.infer<typeof updateProductInputSchema>;

export const listProductsInputSchema = pageInputSchema.extend({
  category: categorySchema.optional(),
});
export type ListProductsInput = z.infer<typeof listProductsInputSchema>;

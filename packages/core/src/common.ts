import { z } from 'zod';

/** Opaque ids: we generate UUIDs, Cognito `sub`s are UUIDs; anything URL-safe up to 128 is fine. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'Invalid id');

export const timestampSchema = z.iso.datetime();

/** Money is always an integer number of cents. */
export const centsSchema = z.number().int().min(0).max(100_000_000);

export const pageInputSchema = z.object({
  limit: z.number().int().min(1).max(100).optional(),
  cursor: z.string().min(1).max(2048).optional(),
});
export type PageInput = z.infer<typeof pageInputSchema>;

export const nowIso = () => new Date().toISOString();

import * as z from 'zod/mini';
import './zod.ts';

/** Opaque ids: we generate UUIDs, Cognito `sub`s are UUIDs; anything URL-safe up to 128 is fine. */
export const idSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9_-]+$/, 'Invalid id'));

export const timestampSchema = z.iso.datetime();

/** A trimmed string of `min`..`max` characters. */
export const text = (min: number, max: number) =>
  z.string().check(z.trim(), z.minLength(min), z.maxLength(max));

/** An integer in `min`..`max`. */
export const integer = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

/** Money is always an integer number of cents. */
export const centsSchema = integer(0, 100_000_000);

export const pageInputSchema = z.object({
  limit: z.optional(integer(1, 100)),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export type PageInput = z.infer<typeof pageInputSchema>;

export const nowIso = () => new Date().toISOString();

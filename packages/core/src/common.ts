import * as z from 'zod/mini';
import './zod.ts';

/** Opaque ids: we generate UUIDs, Cognito `sub`s are UUIDs; anything URL-safe up to 128 is fine. */
export const MAX_ID_LENGTH = 128;
export const idSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(MAX_ID_LENGTH), z.regex(/^[A-Za-z0-9_-]+$/, 'Invalid id'));

export const timestampSchema = z.iso.datetime();

/**
 * What no text field may hold: control characters (C0, DEL, C1), bidirectional embeddings,
 * overrides and isolates (they can make text display in another order than it is stored).
 * Lone UTF-16 surrogates are refused by `isWellFormed`.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const FORBIDDEN_MULTILINE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** The text rules of the contract; `multiline` keeps line breaks and tabs (descriptions). */
export const safeText = (multiline = false) =>
  z.refine<string>(
    (value) => value.isWellFormed() && !(multiline ? FORBIDDEN_MULTILINE : FORBIDDEN).test(value),
    multiline
      ? 'must not contain control characters (other than line breaks and tabs), lone surrogates or bidirectional overrides'
      : 'must not contain control characters, lone surrogates or bidirectional overrides',
  );

/** A trimmed string of `min`..`max` characters that keeps the text rules. */
export const text = (min: number, max: number) =>
  z.string().check(z.trim(), z.minLength(min), z.maxLength(max), safeText());

/** An integer in `min`..`max`. */
export const integer = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

/** Money is always an integer number of cents. */
export const MAX_CENTS = 100_000_000;
export const centsSchema = integer(0, MAX_CENTS);

import { MAX_PAGE_LIMIT } from './rules.ts';

export { MAX_PAGE_LIMIT };
export const MAX_CURSOR_LENGTH = 2048;
export const pageInputSchema = z.object({
  limit: z.optional(integer(1, MAX_PAGE_LIMIT)),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_CURSOR_LENGTH))),
});

/** Where services get the time and new ids; tests inject fixed ones instead of sleeping. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

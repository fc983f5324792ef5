/**
 * react-hook-form over the server's own zod schemas (`@shop/core/browser`): the form's strings
 * become the procedure's input, the schema checks it, and every field's message shows at once.
 */
import {
  useForm,
  type DefaultValues,
  type FieldErrors,
  type FieldValues,
  type Path,
  type Resolver,
} from 'react-hook-form';
import type { $ZodRawIssue } from 'zod/v4/core';
import { fieldErrors } from '../api.ts';

/** Plain words for the common rules; a schema's own message (e.g. the https rule) wins. */
function plainMessage(issue: $ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'Enter a whole number.';
      return issue.expected === 'number' ? 'Enter a number.' : 'Please fill this in.';
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string')
        return n <= 1 ? 'Please fill this in.' : `Use at least ${n} characters.`;
      return `Enter ${n.toLocaleString('en-US')} or more.`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') return `Use at most ${n.toLocaleString('en-US')} characters.`;
      return `Enter ${n.toLocaleString('en-US')} or less.`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter an e-mail address such as name@example.com.';
      if (issue.format === 'url') return 'Enter a web address starting with https://.';
      return undefined;
    default:
      return undefined;
  }
}

interface Schema {
  safeParse(
    input: unknown,
    params?: { error?: (issue: $ZodRawIssue) => string | undefined },
  ):
    | { success: true }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/**
 * A resolver checking `toInput(values)` against `schema`; `messages` may reword a field's message
 * (e.g. "Enter a price such as 34.50." for a price that is not one).
 */
export function schemaResolver<V extends FieldValues>(
  schema: Schema,
  toInput: (values: V) => unknown,
  messages: Partial<Record<keyof V & string, string>> = {},
): Resolver<V> {
  return (values) => {
    const result = schema.safeParse(toInput(values), { error: plainMessage });
    if (result.success) return { values, errors: {} };
    const errors: Record<string, { type: string; message: string }> = {};
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? 'root');
      errors[key] ??= {
        type: 'schema',
        message: messages[key as keyof V & string] ?? issue.message,
      };
    }
    return { values: {}, errors: errors as FieldErrors<V> };
  };
}

/**
 * Money as people type it: "34.50", "$34.50", "1,299", " 34.5 " → cents; NaN when it is not a
 * price (the schema then refuses it).
 */
export function parseMoney(text: string): number {
  const match = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match || (match[1] === undefined && match[2] === undefined)) return Number.NaN;
  const dollars = Number((match[1] ?? '0').replace(/,/g, ''));
  const cents = Number((match[2] ?? '0').padEnd(2, '0'));
  return dollars * 100 + cents;
}

/** The message of a field: the form's own check first, then the API's. */
export const messageOf = (
  errors: FieldErrors,
  server: Record<string, string>,
  name: string,
): string | undefined => (errors[name]?.message as string | undefined) ?? server[name];

/**
 * A form over `resolver` (see `schemaResolver`): react-hook-form's own API, plus `field(name)`,
 * which gives a `<Field>` its registration and its message (the form's check first, then the
 * API's for that field from `serverError`), and `invalid` (some field failed the check).
 */
export function useSchemaForm<V extends FieldValues>(
  resolver: Resolver<V>,
  defaultValues: DefaultValues<V>,
  serverError: unknown,
) {
  const form = useForm<V>({ resolver, defaultValues });
  const server = fieldErrors(serverError);
  const field = (name: Path<V>) => ({
    ...form.register(name),
    error: messageOf(form.formState.errors, server, name),
  });
  const invalid = Object.keys(form.formState.errors).length > 0;
  return { ...form, field, invalid };
}

/**
 * Schemas use zod's tree-shakable `mini` API (`import * as z from 'zod/mini'`, never 'zod'): the
 * classic API bundles ~450 KB into the Lambda whatever is used, mini with one locale ~25 KB (see
 * README, Performance). Never re-export the `z` namespace as a value: that defeats tree-shaking.
 * Importing this module installs short, human messages ("must have at least 1 character"), with
 * zod's English locale for the rarer cases.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { $ZodRawIssue } from 'zod/v4/core';

const plural = (n: number | bigint, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const UNITS: Record<string, string> = { string: 'character', array: 'item', set: 'item' };

/** A short sentence for the common issues; `undefined` lets the English locale answer. */
function humanMessage(issue: $ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    case 'too_small': {
      const unit = UNITS[issue.origin];
      const n = issue.minimum as number;
      if (unit) return `must have at least ${plural(n, unit)}`;
      return issue.inclusive === false ? `must be greater than ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const unit = UNITS[issue.origin];
      const n = issue.maximum as number;
      if (unit) return `must have at most ${plural(n, unit)}`;
      return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' ? 'has an invalid format' : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`;
    default:
      return undefined;
  }
}

config({ ...en(), customError: humanMessage });

/** The error every failed parse throws, mini or classic. */
export { $ZodError as SchemaError } from 'zod/v4/core';

/** One line for a list of issues: `street: must have at least 1 character; price: …`. */
export function summarizeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * Schemas use zod's tree-shakable `mini` API (`import * as z from 'zod/mini'`, never 'zod'): the
 * classic API bundles ~450 KB into the Lambda whatever is used, mini with one locale ~25 KB (see
 * README, Performance). Never re-export the `z` namespace as a value: that defeats tree-shaking.
 * Importing this module installs English error messages.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

/** The error every failed parse throws, mini or classic. */
export { $ZodError as SchemaError } from 'zod/v4/core';

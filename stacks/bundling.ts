/**
 * How the API Lambda is bundled (SST `Function` `nodejs` props). Shared with `pnpm bench`, which
 * rebuilds the artifact the same way to measure what ships.
 */
export const API_NODEJS_BUNDLING = {
  format: 'esm',
  minify: true,
  // Lazy `import()`s (the Cognito SDK) become their own chunks, off the cold-start path.
  splitting: true,
} as const;

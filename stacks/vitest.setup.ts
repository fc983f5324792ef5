import { join } from 'node:path';

// SST finds handlers from the working directory, and its esbuild fixes its own working directory
// when first loaded; the `sst` CLI runs from the repository root, so the tests do too.
process.chdir(join(import.meta.dirname, '..'));

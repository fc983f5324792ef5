import { createHandler } from './app.ts';
import { depsFromEnvironment } from './environment.ts';

// The only module that reads `process.env`. Module scope: config is validated and clients (with the JWKS cache) are built once per container.
const deps = depsFromEnvironment(process.env);

/** The Lambda entry point behind the function URL. */
export const handler = createHandler(deps);

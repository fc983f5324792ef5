/**
 * What every package's tests share, and what the local runtime and the bench reuse: the emulators
 * (DynamoDB Local, cognito-local) and their process harness, the one function-URL event builder,
 * token helpers and the `pnpm local` runner. Nothing here imports Vitest (see `./vitest`).
 */
export * from './emulators/process.ts';
export * from './emulators/dynamodb.ts';
export * from './emulators/cognito.ts';
export * from './emulators/stripe.ts';
export * from './events.ts';
export * from './jwt.ts';
export * from './faults.ts';
export * from './local-cli.ts';
export * from './clock.ts';
export * from './index-lag.ts';
export { LOCAL_CREDENTIALS } from '@shop/core';
export * from './record.ts';
export * from './fixtures.ts';

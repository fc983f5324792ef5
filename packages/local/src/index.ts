export * from './function-url.ts';
export * from './seed.ts';
export * from './stack.ts';

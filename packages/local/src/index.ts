export * from './emulators/process.ts';
export * from './emulators/dynamodb.ts';
export * from './emulators/cognito.ts';

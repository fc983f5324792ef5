/** Serves a bundled handler behind the same HTTP shim as `pnpm local`, for the HTTP load test. */
import { createServer } from 'node:http';
import { functionUrlListener, type FunctionUrlHandler } from '@shop/local';

const [bundle, port] = process.argv.slice(2);
if (!bundle || !port) throw new Error('usage: serve.ts <bundle.mjs> <port>');
const { handler } = (await import(bundle)) as { handler: FunctionUrlHandler };
createServer(functionUrlListener(handler)).listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
// Die with the bench, whatever happens to it.
process.stdin.on('end', () => process.exit(0)).resume();

/**
 * Serves a bundled handler behind the same HTTP shim as `pnpm local`, for the HTTP load test.
 * Commands on stdin (one per line): `profile-start`, `profile-stop <file>` (a CPU profile of the
 * steady state only, via the inspector: answers `profile-written`). End of stdin: exit.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { corsPolicy } from '@shop/core';
import { functionUrlListener, type FunctionUrlHandler } from '@shop/local';

const [bundle, port] = process.argv.slice(2);
if (!bundle || !port) throw new Error('usage: serve.ts <bundle.mjs> <port>');
const { handler } = (await import(bundle)) as { handler: FunctionUrlHandler };
// Browser origins as `pnpm local` takes them (the web budget serves the built app on :4173).
const cors = corsPolicy('local', process.env.SHOP_CORS_ORIGINS);
createServer(functionUrlListener(handler, { cors })).listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});

let session: Session | undefined;
let cpuAtStart: NodeJS.CpuUsage | undefined;
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (async () => {
    const [command, file] = line.trim().split(' ');
    if (command === 'profile-start') {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      cpuAtStart = process.cpuUsage();
      console.log('profile-started');
    } else if (command === 'profile-stop' && session && file) {
      const cpu = process.cpuUsage(cpuAtStart);
      const { profile } = await session.post('Profiler.stop');
      // `cpuUs`: CPU time this process really got (the samples are taken on wall time).
      writeFileSync(file, JSON.stringify({ ...profile, cpuUs: cpu.user + cpu.system }));
      session.disconnect();
      console.log('profile-written');
    }
  })();
});
// Die with the bench, whatever happens to it.
lines.on('close', () => process.exit(0));

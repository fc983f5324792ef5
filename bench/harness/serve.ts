/** Serves a bundle over HTTP in its own node process (`bench/serve.ts`), for load and profiles. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@shop/testing';
import { ROOT } from '../common.ts';

export interface Served {
  url: string;
  /** Sends a command line to serve.ts and waits for the line that answers it. */
  command(line: string, answer: string): Promise<void>;
  /** Ends the server and waits for it to exit. */
  stop(): Promise<void>;
}

export async function serveBundle(
  bundle: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<Served> {
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', join(ROOT, 'bench/serve.ts'), bundle, String(port)],
    { env, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    server.on('exit', (code) => reject(new Error(`serve.ts exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    command: (line, answer) =>
      new Promise<void>((resolve) => {
        const listener = (chunk: Buffer) => {
          if (!chunk.toString().includes(answer)) return;
          server.stdout.off('data', listener);
          resolve();
        };
        server.stdout.on('data', listener);
        server.stdin.write(`${line}\n`);
      }),
    async stop() {
      server.stdin.end(); // serve.ts exits on end of stdin
      const timer = setTimeout(() => server.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

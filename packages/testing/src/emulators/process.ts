import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Runs `command` so that it cannot outlive this process: a tiny shell keeps the child and watches
 * a pipe from us; when we exit for any reason (even SIGKILL) the pipe closes and the shell kills
 * the child. `stop()` does the same on purpose.
 */
const WATCHDOG = `
"$@" 3<&- &
child=$!
trap 'kill $child 2>/dev/null' TERM INT HUP
(cat <&3 >/dev/null; kill $child 2>/dev/null) &
wait $child
`;

export interface TiedProcess {
  readonly child: ChildProcess;
  /** Everything the child printed so far, for error messages. */
  output(): string;
  /** Resolves once the child has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function spawnTied(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): TiedProcess {
  const child = spawn('/bin/sh', ['-c', `exec 3<&0\n${WATCHDOG}`, 'sh', command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop the child in
    // order. Sharing the group let the child die first, which looked like a crash (exit 1).
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not find a free port'));
      });
    });
  });
}

/** True when something already listens on the port. */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** Polls `probe` until it succeeds, the process dies, or the timeout passes. */
export async function waitUntilReady(
  name: string,
  proc: TiedProcess,
  probe: () => Promise<unknown>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void proc.exited.then(() => (died = true));
  for (;;) {
    if (died) {
      throw new Error(`${name} exited while starting. Its output:\n${proc.output()}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        await proc.stop();
        throw new Error(`${name} did not become ready in ${timeoutMs} ms: ${String(error)}`, {
          cause: error,
        });
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

import { randomInt } from 'node:crypto';
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

/**
 * Below Linux's ephemeral range (32768–60999), which the OS hands to outgoing connections: the
 * suite opens thousands, and one of them took a port between its lookup here and its use.
 */
const FREE_PORT_RANGE = { from: 20_000, to: 32_767 } as const;

/** A TCP port that was free a moment ago, drawn at random where no outgoing connection lands. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = FREE_PORT_RANGE.from + randomInt(FREE_PORT_RANGE.to - FREE_PORT_RANGE.from + 1);
    if (!(await portInUse(port))) return port;
  }
  throw new Error(`No free port in ${FREE_PORT_RANGE.from}–${FREE_PORT_RANGE.to} after 50 tries`);
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

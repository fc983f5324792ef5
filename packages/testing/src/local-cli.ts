import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningLocal {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exitCode: Promise<number | null>;
  /** Ctrl-C, as a terminal sends it: SIGINT to the whole process group. */
  interrupt(): Promise<number | null>;
}

const ROOT = new URL('../../..', import.meta.url).pathname;

/** The admin account `pnpm local` creates unless SHOP_ADMIN_EMAIL/SHOP_ADMIN_PASSWORD say else. */
export const LOCAL_ADMIN = { email: 'admin@shop.local', password: 'Admin123!' } as const;

/** Runs `pnpm local …` in its own process group and resolves once it prints `API ready at`. */
export function startLocal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningLocal> {
  const proc = spawn('pnpm', ['local', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const exitCode = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-proc.pid!, 'SIGKILL');
      reject(new Error(`pnpm local did not start:\n${output}`));
    }, 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API ready at (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          proc,
          url: match[1],
          output: () => output,
          exitCode,
          interrupt: () => {
            process.kill(-proc.pid!, 'SIGINT');
            return exitCode;
          },
        });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exitCode.then((code) => {
      clearTimeout(timer);
      reject(
        Object.assign(new Error(`pnpm local exited with ${code}:\n${output}`), { output, code }),
      );
    });
  });
}

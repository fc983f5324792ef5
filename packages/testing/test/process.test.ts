import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, portInUse } from '../src/emulators/process.ts';

const alive = (pid: number) => spawnSync('kill', ['-0', String(pid)]).status === 0;

describe('a tied child process', () => {
  it('dies when its parent is killed with SIGKILL, so no emulator is ever orphaned', async () => {
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('fixtures/tied-parent.ts', import.meta.url).pathname],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const sleepPid = await new Promise<number>((resolve) =>
      parent.stdout.on('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    expect(alive(sleepPid)).toBe(true);
    parent.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 40 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = !alive(sleepPid);
    }
    expect(gone).toBe(true);
  });
});

describe('freePort', () => {
  it('never draws from the ephemeral range, where outgoing connections take ports unasked', async () => {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) expect(port < low! || port > high!, `port ${port}`).toBe(true);
    // Free indeed: something can listen there.
    const server = createServer();
    await new Promise<void>((ok) => server.listen(ports[0], '127.0.0.1', ok));
    expect(await portInUse(ports[0]!)).toBe(true);
    await new Promise((ok) => server.close(ok));
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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

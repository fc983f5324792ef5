import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopClient } from '@shop/client';
import { freePort, startLocal, type RunningLocal } from '@shop/testing';

/**
 * Offline, no e-mail is sent: `pnpm local` prints every code on a line of its own. A newcomer
 * resets a password by reading that line, as this test does.
 */
let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal(['--port', String(await freePort()), '--no-seed']);
}, 150_000);

afterAll(async () => {
  if (local.proc.exitCode === null) expect(await local.interrupt(), local.output()).toBe(0);
});

/** Waits for `code for <email>: <code>` in pnpm local's output. */
async function printedCode(email: string, operation: string): Promise<string> {
  const pattern = new RegExp(
    `^\\[local\\] ${operation} code for ${email.replace(/[.]/g, '\\.')}: (\\S+)$`,
    'm',
  );
  for (let i = 0; i < 100; i++) {
    const match = pattern.exec(local.output());
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${operation} code for ${email} in:\n${local.output()}`);
}

describe('pnpm local prints the codes it would e-mail', () => {
  it('forgotPassword → the printed code → confirmForgotPassword → login with the new password', async () => {
    const client = createShopClient({ url: local.url });
    const email = `reset-${randomUUID().slice(0, 8)}@example.com`;
    await client.users.signUp.mutate({
      email,
      password: 'Old-pass-w0rd!',
      firstName: 'Rita',
      lastName: 'Reset',
    });

    expect(await client.users.forgotPassword.mutate({ email })).toEqual({ ok: true });
    const code = await printedCode(email, 'ForgotPassword');
    expect(code).toMatch(/^\d{6}$/);

    expect(
      await client.users.confirmForgotPassword.mutate({
        email,
        code,
        newPassword: 'N3w-pass-word!',
      }),
    ).toEqual({ ok: true });
    const tokens = await client.users.login.mutate({ email, password: 'N3w-pass-word!' });
    expect(tokens.tokenType).toBe('Bearer');
    await expect(
      client.users.login.mutate({ email, password: 'Old-pass-w0rd!' }),
    ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });
});

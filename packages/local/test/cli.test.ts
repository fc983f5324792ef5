import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createShopClient } from '@shop/client';
import { checkJava } from '@shop/testing';
import { freePort, LOCAL_ADMIN, startLocal } from '@shop/testing';

describe('pnpm local fails fast', () => {
  it('when the port is taken, saying so', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      const error = (await startLocal(['--port', String(port)]).catch((e: unknown) => e)) as {
        code: number;
        output: string;
      };
      expect(error.code).toBe(1);
      expect(error.output).toContain(`Port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('when Java is missing, saying how to install it', () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'no-java-'));
    try {
      expect(() => checkJava()).toThrow(/apt-get install -y default-jre-headless/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('pnpm local --persist', () => {
  it('keeps data across restarts and reuses the pool, admin and catalogue', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shop-persist-'));
    const env = { SHOP_LOCAL_DATA_DIR: dataDir };
    const login = async (url: string) => {
      const anonymous = createShopClient({ url });
      const { accessToken } = await anonymous.users.login.mutate(LOCAL_ADMIN);
      return createShopClient({ url, getToken: () => accessToken });
    };

    const first = await startLocal(['--persist', '--port', String(await freePort())], env);
    const admin = await login(first.url);
    const lamp = await admin.products.create.mutate({
      name: 'Persisted lamp',
      description: '',
      price: 100,
      category: 'persist',
      stock: 2,
    });
    expect(first.output()).toContain('32 of 32 products created');
    expect(await first.interrupt(), first.output()).toBe(0);

    const second = await startLocal(['--persist', '--port', String(await freePort())], env);
    try {
      expect(second.output()).toContain('0 of 32 products created');
      const again = await login(second.url); // the same pool, client and admin
      expect(await again.products.byId.query({ id: lamp.id })).toMatchObject({
        name: 'Persisted lamp',
      });
    } finally {
      expect(await second.interrupt(), second.output()).toBe(0);
    }
  });
});

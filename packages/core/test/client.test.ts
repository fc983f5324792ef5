import { createServer, type Server, type Socket } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetOptions, createDocumentClient, DYNAMODB_BUDGET } from '../src/db/client.ts';

/** The SDK's standard retry strategy, configured: what bounds one DynamoDB call. */

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  // Accepts connections and never answers: every attempt runs into its request timeout.
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('the DynamoDB call budget', () => {
  it('retries a hung call 3 times and gives up within 1.2 s', async () => {
    const doc = createDocumentClient({
      region: 'us-east-1',
      endpoint,
      maxAttempts: 3,
      budget: DYNAMODB_BUDGET,
    });
    const started = performance.now();
    const error = (await doc
      .send(new GetCommand({ TableName: 'Anything', Key: { id: 'a' } }))
      .catch((e: unknown) => e)) as { name: string; $metadata?: { attempts?: number } };
    const elapsed = performance.now() - started;
    doc.destroy();
    expect(error.name).toMatch(/Timeout/);
    expect(error.$metadata?.attempts).toBe(3);
    // 1.2 s by the arithmetic; the rest is room for timers on a loaded machine.
    expect(elapsed).toBeLessThan(1_200 + 400);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 350 - 50);
  });

  it('refuses a budget whose attempts and pauses add up to more than the call budget', () => {
    expect(() =>
      budgetOptions(3, { ...DYNAMODB_BUDGET, requestTimeoutMs: 400, callBudgetMs: 1_200 }),
    ).toThrow(/over the call budget/);
    expect(() => budgetOptions(3, DYNAMODB_BUDGET)).not.toThrow();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startLocal, type RunningLocal } from '@shop/testing';

import {
  fuzzCase,
  random,
  send,
  sendRaw,
  type RawCase,
  type RawOutcome,
} from './support/raw-http.ts';

/**
 * `pnpm local` must answer whatever reaches it, as a function URL does, and never die of a
 * request: fuzzed raw HTTP over plain sockets, the URL that used to kill it, and a browser's
 * cross-origin call.
 */
const TOTAL = Number(process.env.SHOP_FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 40;
const SEED = Number(process.env.SHOP_FUZZ_SEED ?? 20_240_601);
const APP_ORIGIN = 'http://localhost:5173';

let local: RunningLocal;
let url: string;
let port: number;

beforeAll(async () => {
  port = await freePort();
  local = await startLocal(['--port', String(port), '--no-seed']);
  url = local.url;
}, 120_000);

afterAll(async () => {
  if (local.proc.exitCode === null) expect(await local.interrupt(), local.output()).toBe(0);
});

async function expectHealthy() {
  expect(local.proc.exitCode, local.output()).toBeNull();
  const health = await send(`${url}/health`);
  expect(health.status).toBe(200);
  expect(JSON.parse(health.body)).toMatchObject({ result: { data: { status: 'ok' } } });
}

const accessControl = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('pnpm local under hostile input', () => {
  it('answers GET // (and other URLs Node refuses to parse) and stays up', async () => {
    for (const target of ['//', '///', '//:99999', 'http://evil.example:99999/x']) {
      const outcome = await sendRaw(
        port,
        { kind: target, chunks: [`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`], complete: true },
        5_000,
      );
      expect(outcome, target).toBe('answered');
      await expectHealthy();
    }
    const answer = await send(`${url}//`);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  });

  it('answers CONNECT, an oversized header and an oversized body with an HTTP error', async () => {
    const status = async (chunks: (string | Buffer)[]) => {
      const got: string[] = [];
      const { connect } = await import('node:net');
      return new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          for (const chunk of chunks) socket.write(chunk);
        });
        socket.on('data', (d: Buffer) => {
          got.push(d.toString('latin1'));
          if (got.join('').includes('\r\n')) {
            resolve(got.join('').split('\r\n')[0]!);
            socket.destroy();
          }
        });
        socket.on('error', () => resolve(got.join('').split('\r\n')[0] ?? ''));
      });
    };
    expect(await status(['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n'])).toMatch(
      /^HTTP\/1\.1 405 /,
    );
    expect(
      await status([`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(70_000)}\r\n\r\n`]),
    ).toMatch(/^HTTP\/1\.1 431 /);
    const body = Buffer.alloc(6 * 1024 * 1024 + 10, 'a');
    expect(
      await status([
        `POST /users.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
      ]),
    ).toMatch(/^HTTP\/1\.1 413 /);
    await expectHealthy();
  });

  it(`survives ${TOTAL} fuzzed raw requests and answers every complete one`, async () => {
    const r = random(SEED);
    const counts: Record<RawOutcome, number> = { answered: 0, cut: 0, 'no-answer': 0, timeout: 0 };
    const unanswered: { kind: string; outcome: RawOutcome; head: string }[] = [];
    const started = Date.now();
    const cases: RawCase[] = Array.from({ length: TOTAL }, () => fuzzCase(r));
    let next = 0;
    let sent = 0;
    let healthChecks = 0;
    const checks: Promise<void>[] = [];
    // A pool, not batches: a request the server answers only after its body-idle timeout (5 s)
    // holds one slot, not the whole batch.
    const worker = async () => {
      while (next < cases.length) {
        const rawCase = cases[next++]!;
        // A request the server rightly waits on (announced body never sent) needs less time.
        const outcome = await sendRaw(port, rawCase, rawCase.complete ? 8_000 : 1_000);
        counts[outcome]++;
        sent++;
        if (rawCase.complete && outcome !== 'answered') {
          unanswered.push({
            kind: rawCase.kind,
            outcome,
            head: Buffer.concat(rawCase.chunks.map((c) => Buffer.from(c)))
              .subarray(0, 160)
              .toString('latin1'),
          });
        }
        if (sent % 1000 === 0) {
          checks.push(expectHealthy().then(() => void healthChecks++));
          await checks.at(-1);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await Promise.all(checks);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[robustness] ${sent} fuzzed requests in ${seconds.toFixed(1)} s (seed ${SEED}): ` +
        `${counts.answered} answered, ${counts.cut} cut off by the client, ` +
        `${counts.timeout} left waiting (incomplete), ${counts['no-answer']} closed without answer; ` +
        `${unanswered.length} complete requests unanswered; healthy after each 1000 (${healthChecks} checks)`,
    );
    expect(sent).toBe(TOTAL);
    expect(healthChecks).toBe(Math.floor(TOTAL / 1000));
    expect(unanswered, JSON.stringify(unanswered.slice(0, 10), null, 1)).toEqual([]);
    // The shim itself never fails; the function may (answered 502, as a function URL does).
    const crashes = local.output().match(/handler crashed .*/g) ?? [];
    if (crashes.length)
      console.log(`[robustness] handler errors: ${[...new Set(crashes)].join('; ')}`);
    expect(
      local
        .output()
        .match(/.*(TypeError: Invalid URL|uncaught|unhandled|\[local\] request failed).*/i)?.[0],
    ).toBeUndefined();
  }, 75_000);
});

describe('a browser on another origin', () => {
  it('gets a preflight answer and CORS headers on the actual call, as from the function URL', async () => {
    const preflight = await send(`${url}/users.login`, {
      method: 'OPTIONS',
      headers: {
        Origin: APP_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,authorization,trpc-accept',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.body).toBe('');
    expect(preflight.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    const allowedHeaders = String(preflight.headers['access-control-allow-headers']).split(',');
    expect(allowedHeaders).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'trpc-accept']),
    );
    expect(String(preflight.headers['access-control-allow-methods']).split(',')).toContain('POST');
    expect(Number(preflight.headers['access-control-max-age'])).toBeGreaterThan(0);

    // The actual call: a mutation with a JSON body, from the page's origin.
    const actual = await send(`${url}/users.login`, {
      method: 'POST',
      headers: {
        Origin: APP_ORIGIN,
        'content-type': 'application/json',
        'trpc-accept': 'application/json',
        authorization: 'Bearer not-a-token',
      },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'x' }),
    });
    expect(actual.status).toBeGreaterThanOrEqual(400);
    expect(actual.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(actual.headers['access-control-expose-headers']).toContain('x-amzn-requestid');
    expect(String(actual.headers.vary)).toMatch(/\bOrigin\b/);

    const query = await send(`${url}/health`, { headers: { Origin: 'http://127.0.0.1:5173' } });
    expect(query.status).toBe(200);
    expect(query.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
  });

  it('gives a disallowed origin no CORS header at all', async () => {
    const preflight = await send(`${url}/users.login`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(accessControl(preflight.headers)).toEqual([]);
    const actual = await send(`${url}/health`, { headers: { Origin: 'https://evil.example' } });
    expect(actual.status).toBe(200);
    expect(accessControl(actual.headers)).toEqual([]);
    await expectHealthy();
  });
});

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** One raw HTTP exchange: bytes written in pieces, optionally slowly, optionally cut off. */
export interface RawCase {
  kind: string;
  chunks: (string | Buffer)[];
  /** Pause between chunks (a slow client). */
  delayMs?: number;
  /** Close the connection after this many chunks, without waiting for an answer. */
  cutAfter?: number;
  /** Whether the request is complete, so that the server owes it an answer. */
  complete: boolean;
}

export type RawOutcome = 'answered' | 'cut' | 'no-answer' | 'timeout';

const STATUS_LINE = /^HTTP\/1\.[01] \d{3} /;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one raw case over a fresh `net.Socket`; resolves with what came back, never rejects. */
export function sendRaw(port: number, rawCase: RawCase, timeoutMs: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let done = false;
    const finish = (outcome: RawOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const answered = () => STATUS_LINE.test(received);
    const timer = setTimeout(() => finish(answered() ? 'answered' : 'timeout'), timeoutMs);
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (answered() && received.includes('\r\n\r\n')) finish('answered');
    });
    socket.on('error', () => finish(answered() ? 'answered' : 'no-answer'));
    socket.on('close', () => finish(answered() ? 'answered' : 'no-answer'));
    socket.on('connect', () => {
      void (async () => {
        for (const [index, chunk] of rawCase.chunks.entries()) {
          if (done) return;
          if (rawCase.cutAfter === index) return finish('cut');
          socket.write(chunk);
          if (rawCase.delayMs) await sleep(rawCase.delayMs);
        }
        if (rawCase.cutAfter !== undefined) finish('cut');
      })();
    });
  });
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP request through node:http, which (unlike fetch) sends `Origin` as given. */
export function send(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, chance, bytes };
}

type Random = ReturnType<typeof random>;

const METHODS = [
  'GET',
  'GET',
  'GET',
  'POST',
  'POST',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
  'PATCH',
  'TRACE',
  'CONNECT',
  'PRI',
  'get',
  'FOO',
  'G\tET',
  '',
];
const TARGETS = [
  '/',
  '//',
  '///',
  '//:99999',
  '//health',
  '//evil.example/health',
  '/health',
  '/health?',
  '/health?a=1&a=2&b',
  '/health?%zz=%',
  '/%',
  '/%zz',
  '/%00',
  '/%E0%A4%A',
  '/a/../../../etc/passwd',
  '/./health',
  '/health#frag',
  '/products.list?input=%7B%22limit%22%3A2%7D',
  '/products.list?input=%7B',
  '/products.list?batch=1&input=%7B%220%22%3A%7B%7D%7D',
  '/products.get?input=null',
  '/users.me',
  '/users.login',
  '/health,products.list?batch=1&input={}',
  'http://localhost/health',
  'http://evil.example:99999/health',
  'https://[::1]/products.list',
  'ftp://x/',
  'http://',
  '*',
  '',
  'health',
  '?a=b',
  '/\u00e9\u00e8',
  '/\u0000',
  '/ spaced',
];
const VERSIONS = [
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/9.9',
  'FOO/1.1',
  '',
];
const EOLS = ['\r\n', '\r\n', '\r\n', '\n'];

function target(r: Random): string {
  if (r.chance(0.03)) return '/' + 'a'.repeat(r.int(20_000));
  if (r.chance(0.05)) return '/' + r.bytes(r.int(40)).toString('latin1');
  return r.pick(TARGETS);
}

/** One random request: its request line, headers and body may each be broken in many ways. */
export function fuzzCase(r: Random): RawCase {
  const method = r.pick(METHODS);
  const eol = r.pick(EOLS);
  const lines: string[] = [];
  let complete = true;
  const requestLine = r.chance(0.02)
    ? r.bytes(r.int(60)).toString('latin1')
    : r.chance(0.03)
      ? `${method} ${target(r)}`
      : `${method} ${target(r)} ${r.pick(VERSIONS)}`;
  lines.push(requestLine);
  if (!r.chance(0.05))
    lines.push(`Host: ${r.pick(['localhost', '127.0.0.1:3000', '', 'a b', 'x'.repeat(300)])}`);
  if (r.chance(0.1)) lines.push('Host: duplicate.example');
  if (r.chance(0.2))
    lines.push(`Origin: ${r.pick(['http://localhost:5173', 'http://evil.example', 'null', ''])}`);
  if (r.chance(0.1)) lines.push('Access-Control-Request-Method: POST');
  if (r.chance(0.2))
    lines.push(
      `Authorization: ${r.pick(['Bearer x', 'Bearer ', 'Basic Zm9v', 'Bearer a.b.c', ''])}`,
    );
  if (r.chance(0.1)) lines.push('Authorization: Bearer second');
  if (r.chance(0.2)) lines.push(`trpc-accept: ${r.pick(['application/jsonl', 'x', ''])}`);
  if (r.chance(0.1)) lines.push(`Cookie: ${r.pick(['a=1; b=2', ';;;', '=', 'x'.repeat(1000)])}`);
  if (r.chance(0.05)) lines.push('Expect: 100-continue');
  if (r.chance(0.05)) lines.push('Connection: Upgrade', 'Upgrade: websocket');
  if (r.chance(0.03)) lines.push(`X-Big: ${'b'.repeat(r.pick([8_000, 20_000, 70_000]))}`);
  if (r.chance(0.02)) for (let i = 0; i < 150; i++) lines.push(`X-Many-${i}: ${i}`);
  if (r.chance(0.03))
    lines.push(
      r.pick(['NoColonHeader', ': empty-name', 'Bad Name: x', 'X-Nul: a\u0000b', ' folded']),
    );
  if (r.chance(0.02)) lines.push(`X-Bytes: ${r.bytes(30).toString('latin1')}`);

  // The body, and how its length is announced.
  let body: Buffer = Buffer.alloc(0);
  const bodyKind = r.pick([
    'none',
    'none',
    'json',
    'json',
    'junk',
    'chunked',
    'bad-chunked',
    'short',
    'long',
    'both',
  ]);
  const json = Buffer.from(
    r.pick([
      '{}',
      '{"email":"a@b.c","password":"x"}',
      '{"0":{"limit":2}}',
      '[',
      'null',
      '{"a":' + '1'.repeat(5000) + '}',
    ]),
  );
  if (bodyKind !== 'none' && r.chance(0.7)) {
    lines.push(
      `Content-Type: ${r.pick(['application/json', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', ''])}`,
    );
  }
  switch (bodyKind) {
    case 'json':
      body = json;
      lines.push(`Content-Length: ${body.length}`);
      break;
    case 'junk':
      body = r.bytes(r.int(2000));
      lines.push(`Content-Length: ${body.length}`);
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      body = Buffer.from(`${json.length.toString(16)}\r\n${json.toString()}\r\n0\r\n\r\n`);
      break;
    case 'bad-chunked':
      lines.push('Transfer-Encoding: chunked');
      body = Buffer.from(
        r.pick(['zz\r\nabc\r\n0\r\n\r\n', '3\r\nabcdef\r\n0\r\n\r\n', '-1\r\n\r\n']),
      );
      break;
    case 'short':
      // Announces less than is sent: the rest is read as the next request.
      body = json;
      lines.push(`Content-Length: ${Math.max(0, body.length - 1)}`);
      break;
    case 'long':
      // Announces more than is sent: the server rightly waits, so no answer is owed.
      body = json;
      lines.push(`Content-Length: ${body.length + 10}`);
      complete = false;
      break;
    case 'both':
      body = json;
      lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
      break;
  }
  if (r.chance(0.05))
    lines.push(`Content-Length: ${r.pick(['-1', 'abc', '1e3', '99999999999999999999'])}`);
  if (r.chance(0.5)) lines.push('Connection: close');

  const head = Buffer.from(lines.join(eol) + eol + eol, 'latin1');
  const whole = Buffer.concat([head, body]);
  const rawCase: RawCase = { kind: bodyKind, chunks: [whole], complete };
  if (r.chance(0.08)) {
    // A slow client: the same bytes in small pieces with pauses.
    const pieces: Buffer[] = [];
    for (let at = 0; at < whole.length;) {
      const size = 1 + r.int(Math.max(1, Math.ceil(whole.length / 4)));
      pieces.push(whole.subarray(at, at + size));
      at += size;
    }
    rawCase.chunks = pieces;
    rawCase.delayMs = 5 + r.int(20);
    rawCase.kind = 'slow';
  }
  if (r.chance(0.08)) {
    // Cut off: the connection closes after a prefix of the bytes.
    const at = r.int(Math.max(1, whole.length));
    rawCase.chunks = [whole.subarray(0, at), whole.subarray(at)];
    rawCase.cutAfter = 1;
    rawCase.complete = false;
    rawCase.kind = 'cut';
  }
  // The parser only reads the body of a request whose head it accepted; a request the server
  // answers early is answered. Requests it cannot even read are refused with 400.
  return rawCase;
}

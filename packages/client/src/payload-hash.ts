/**
 * The deployed API sits behind CloudFront with an origin access control for Lambda, which signs
 * each request to the function URL. For a `POST` AWS requires the viewer to send the body's
 * SHA-256, hex-encoded, as `x-amz-content-sha256`; without it (or with a wrong one) the function
 * URL answers 403 and the function never runs. `pnpm local` checks it the same way.
 */
export const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Hex SHA-256 with Web Crypto (`crypto.subtle`: browsers in secure contexts, Node 20+). */
export async function sha256Hex(body: string | Uint8Array): Promise<string> {
  const view = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  // A copy backed by a plain ArrayBuffer, as `digest` takes (a view may share memory).
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(view);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += HEX[byte];
  return hex;
}

const HASHED_METHODS = new Set(['POST', 'PUT']);

/**
 * Wraps `fetch` (the given one, else the global one at call time) so that every `POST` carries
 * `x-amz-content-sha256` of its body. tRPC's links send string bodies; an absent body hashes as
 * empty. Other methods pass through untouched.
 */
export function withPayloadHash(fetchImpl?: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const method = (
      init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')
    ).toUpperCase();
    if (HASHED_METHODS.has(method)) {
      const body = init?.body ?? '';
      let bytes: string | Uint8Array;
      if (typeof body === 'string' || body instanceof Uint8Array) bytes = body;
      else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body);
      else if (ArrayBuffer.isView(body)) {
        bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      } else throw new TypeError(`@shop/client cannot hash a ${method} body of this kind`);
      const headers = new Headers(init?.headers);
      headers.set(PAYLOAD_HASH_HEADER, await sha256Hex(bytes));
      init = { ...init, headers };
    }
    return fetchImpl ? fetchImpl(input, init) : globalThis.fetch(input, init);
  };
}

import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createCursorCodec, ValidationError } from '@shop/core';

// Pure (no emulator): the contract's cursor rules. Any malformed, altered or forged cursor is a
// BAD_REQUEST (`ValidationError` on the `cursor` field); at most 2048 characters.
const codec = createCursorCodec('test-secret');
const key = { pk: 'USER#1', sk: 'ORDER#2026-12-05#a' };

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('Invalid cursor');
    expect((error as ValidationError).path).toEqual(['cursor']);
    return error as ValidationError;
  }
  throw new Error('expected the cursor to be refused');
}

describe('cursor codec', () => {
  it('round-trips a key within its scope', () => {
    const cursor = codec.encode(key, 'orders#USER#1');
    expect(typeof cursor).toBe('string');
    expect(codec.decode(cursor!, 'orders#USER#1')).toEqual(key);
  });

  it('has no cursor after the last page, and no key without a cursor', () => {
    expect(codec.encode(undefined, 's')).toBeNull();
    expect(codec.decode(undefined, 's')).toBeUndefined();
  });

  it('is payload.mac in base64url', () => {
    const cursor = codec.encode(key, 's')!;
    const [payload, mac, ...rest] = cursor.split('.');
    expect(rest).toEqual([]);
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toEqual(key);
    expect(Buffer.from(mac!, 'base64url')).toHaveLength(32);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a cursor of another scope or signed with another secret', () => {
    const cursor = codec.encode(key, 'orders#USER#1')!;
    refusal(() => codec.decode(cursor, 'orders#USER#2'));
    refusal(() => createCursorCodec('other-secret').decode(cursor, 'orders#USER#1'));
  });

  it('separates scope from payload in the signature', () => {
    // The MAC covers scope, a NUL, then the payload: a cursor of scope `sICAg` must not verify
    // as scope `s` with `ICAg` (three spaces in base64url) moved onto its payload, which would
    // still decode to the same JSON object.
    const cursor = codec.encode(key, 'sICAg')!;
    const shifted = `ICAg${cursor}`;
    expect(JSON.parse(Buffer.from(shifted.split('.')[0]!, 'base64url').toString())).toEqual(key);
    refusal(() => codec.decode(shifted, 's'));
    expect(codec.decode(cursor, 'sICAg')).toEqual(key);
  });

  it('refuses an altered payload or mac', () => {
    const cursor = codec.encode(key, 's')!;
    const [payload, mac] = cursor.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ ...key, sk: 'x' })).toString('base64url');
    refusal(() => codec.decode(`${other}.${mac}`, 's'));
    refusal(() => codec.decode(`${payload}.${mac.slice(0, -2)}`, 's'));
    refusal(() => codec.decode(`${payload}.${mac}AA`, 's'));
  });

  it('refuses malformed shapes', () => {
    const cursor = codec.encode(key, 's')!;
    const [payload, mac] = cursor.split('.') as [string, string];
    refusal(() => codec.decode('', 's'));
    refusal(() => codec.decode(payload, 's'));
    refusal(() => codec.decode(`${payload}.`, 's'));
    refusal(() => codec.decode(`.${mac}`, 's'));
    refusal(() => codec.decode(`${cursor}.${mac}`, 's'));
    refusal(() => codec.decode(`${cursor}.`, 's'));
  });

  it('refuses a validly signed payload that is not a JSON object', () => {
    for (const value of ['not json', '[1,2]', 'null', '42', '"text"']) {
      const payload = Buffer.from(value).toString('base64url');
      // Signed as the codec would (someone who knows the key): still a BAD_REQUEST.
      const mac = signLike('test-secret', 's', payload);
      refusal(() => codec.decode(`${payload}.${mac}`, 's'));
    }
  });

  it('accepts a validly signed cursor of 2048 characters and refuses one longer', () => {
    const exact = codec.encode({ k: 'x'.repeat(1495) }, 's')!;
    expect(exact).toHaveLength(2048);
    expect(codec.decode(exact, 's')).toEqual({ k: 'x'.repeat(1495) });
    const longer = codec.encode({ k: 'x'.repeat(1496) }, 's')!;
    expect(longer.length).toBeGreaterThan(2048);
    refusal(() => codec.decode(longer, 's'));
  });
});

function signLike(secret: string, scope: string, payload: string): string {
  return createHmac('sha256', secret)
    .update(scope)
    .update('\0')
    .update(payload)
    .digest()
    .toString('base64url');
}

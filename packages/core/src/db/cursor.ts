import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_CURSOR_LENGTH } from '../common.ts';
import { ValidationError } from '../errors.ts';

type Key = Record<string, unknown>;

/**
 * Opaque, tamper-proof page cursors: `base64url(json(LastEvaluatedKey)).base64url(hmac)`.
 * The HMAC also covers a `scope` (table, index and partition value), so a cursor taken from one
 * listing cannot be replayed against another user's or another category's listing.
 */
export interface CursorCodec {
  encode(key: Key | undefined, scope: string): string | null;
  decode(cursor: string | undefined, scope: string): Key | undefined;
}

export function createCursorCodec(secret: string): CursorCodec {
  const sign = (payload: string, scope: string) =>
    createHmac('sha256', secret).update(scope).update('\0').update(payload).digest();

  return {
    encode(key, scope) {
      if (!key) return null;
      const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
      return `${payload}.${sign(payload, scope).toString('base64url')}`;
    },
    decode(cursor, scope) {
      if (cursor === undefined) return undefined;
      const invalid = () => new ValidationError('Invalid cursor', ['cursor']);
      if (cursor.length > MAX_CURSOR_LENGTH) throw invalid();
      const [payload, mac, extra] = cursor.split('.');
      if (!payload || !mac || extra !== undefined) throw invalid();
      const expected = sign(payload, scope);
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      try {
        const key: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
        return key as Key;
      } catch (error) {
        throw new ValidationError('Invalid cursor', ['cursor'], { cause: error });
      }
    },
  };
}

import { describe, expect, it } from 'vitest';
import {
  isAdminNow,
  refusalOf,
  sessionOfClaims,
  sessionOfToken,
  stateOf,
  type AccountState,
} from '@shop/core';

// Pure (no emulator): what the account's row decides about a token, on every call.
const fresh: AccountState = stateOf(undefined);
const session = { id: 'sess-1', startedAt: 1_000, expiresAt: 4_600 };

describe('stateOf', () => {
  it('reads a missing row as an account nothing has changed', () => {
    expect(fresh).toEqual({
      deleted: false,
      sessionsValidAfter: undefined,
      revokedSessions: new Set(),
      admin: undefined,
    });
  });

  it('reads the tombstone, the cut-off, ended sessions and the admin right', () => {
    const state = stateOf({
      id: 'u1',
      deletedAt: '2026-12-05T00:00:00.000Z',
      sessionsValidAfter: 900,
      'rs:a': 5_000,
      'rs:b-2': 6_000,
      rsx: 1,
      admin: false,
      email: 'a@example.com',
    });
    expect(state.deleted).toBe(true);
    expect(state.sessionsValidAfter).toBe(900);
    expect([...state.revokedSessions].sort()).toEqual(['a', 'b-2']);
    expect(state.admin).toBe(false);
    expect(stateOf({ id: 'u1', admin: true }).admin).toBe(true);
  });

  it('ignores attributes of the wrong type', () => {
    const state = stateOf({ id: 'u1', sessionsValidAfter: '900', admin: 'true' });
    expect(state.sessionsValidAfter).toBeUndefined();
    expect(state.admin).toBeUndefined();
    expect(state.deleted).toBe(false);
  });
});

describe('refusalOf', () => {
  it('accepts a token of an unchanged account, with or without a session', () => {
    expect(refusalOf(fresh, session)).toBeUndefined();
    expect(refusalOf(fresh, undefined)).toBeUndefined();
  });

  it('refuses every token of a deleted account, even an in-process one', () => {
    const deleted = stateOf({ id: 'u1', deletedAt: 'x' });
    expect(refusalOf(deleted, session)).toBe('deleted');
    expect(refusalOf(deleted, undefined)).toBe('deleted');
  });

  it('ends sessions that started before the cut-off, not the one starting at it', () => {
    expect(refusalOf(stateOf({ sessionsValidAfter: 1_001 }), session)).toBe('password-changed');
    expect(refusalOf(stateOf({ sessionsValidAfter: 1_000 }), session)).toBeUndefined();
    expect(refusalOf(stateOf({ sessionsValidAfter: 999 }), session)).toBeUndefined();
  });

  it('refuses a session ended by logout, and only that one', () => {
    const state = stateOf({ 'rs:sess-1': 9_999 });
    expect(refusalOf(state, session)).toBe('signed-out');
    expect(refusalOf(state, { ...session, id: 'sess-2' })).toBeUndefined();
  });
});

describe('isAdminNow', () => {
  it('follows the row where users.setAdmin wrote it, else the token', () => {
    expect(isAdminNow(stateOf({ admin: false }), true)).toBe(false);
    expect(isAdminNow(stateOf({ admin: true }), false)).toBe(true);
    expect(isAdminNow(fresh, true)).toBe(true);
    expect(isAdminNow(fresh, false)).toBe(false);
  });
});

describe('sessionOfClaims', () => {
  const claims = { sub: 'u1', jti: 'j-1', iat: 100, exp: 3_700 };

  it('takes origin_jti and auth_time over jti and iat', () => {
    expect(sessionOfClaims({ ...claims, origin_jti: 'o-1', auth_time: 50 })).toEqual({
      sub: 'u1',
      id: 'o-1',
      startedAt: 50,
      expiresAt: 3_700,
    });
    expect(sessionOfClaims(claims)).toEqual({
      sub: 'u1',
      id: 'j-1',
      startedAt: 100,
      expiresAt: 3_700,
    });
  });

  it('refuses claims without a subject, an id, a start or an expiry', () => {
    expect(sessionOfClaims({ ...claims, sub: 1 })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, jti: undefined })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, jti: '' })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, jti: 12345 })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, iat: '100' })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, exp: '3700' })).toBeUndefined();
  });

  it('takes session ids of 1..128 word characters or dashes only', () => {
    expect(sessionOfClaims({ ...claims, jti: 'a'.repeat(128) })?.id).toBe('a'.repeat(128));
    expect(sessionOfClaims({ ...claims, jti: 'a'.repeat(129) })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, jti: 'a.b' })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, jti: 'x a' })).toBeUndefined();
    expect(sessionOfClaims({ ...claims, jti: 'ab\n' })).toBeUndefined();
  });
});

describe('sessionOfToken', () => {
  const token = (payload: unknown) =>
    `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;

  it('reads the session from the payload segment', () => {
    expect(sessionOfToken(token({ sub: 'u1', jti: 'j', iat: 1, exp: 2 }))).toEqual({
      sub: 'u1',
      id: 'j',
      startedAt: 1,
      expiresAt: 2,
    });
  });

  it('answers nothing for a token that is not a JWT', () => {
    expect(sessionOfToken('not-a-token')).toBeUndefined();
    expect(sessionOfToken('h.!!!.s')).toBeUndefined();
  });
});

/** The tokens a session keeps. `expiresAt` is the access token's expiry, in epoch milliseconds. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

/** Where a session keeps its tokens between page loads (memory by default). */
export interface SessionStorage {
  load(): SessionTokens | null;
  save(tokens: SessionTokens | null): void;
}

/** Keeps the tokens in memory only: a reload signs the user out. */
export function memoryStorage(): SessionStorage {
  let tokens: SessionTokens | null = null;
  return {
    load: () => tokens,
    save: (next) => {
      tokens = next;
    },
  };
}

/** Keeps the tokens in `localStorage` (or any Web Storage) under `key`. */
export function localStorageAdapter(
  key: string,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = globalThis.localStorage,
): SessionStorage {
  return {
    load() {
      try {
        const raw = storage.getItem(key);
        if (!raw) return null;
        const parsed = JSON.parse(raw) as Partial<SessionTokens>;
        return typeof parsed.accessToken === 'string' &&
          typeof parsed.refreshToken === 'string' &&
          typeof parsed.expiresAt === 'number'
          ? {
              accessToken: parsed.accessToken,
              refreshToken: parsed.refreshToken,
              expiresAt: parsed.expiresAt,
            }
          : null;
      } catch {
        return null;
      }
    },
    save(tokens) {
      if (tokens) storage.setItem(key, JSON.stringify(tokens));
      else storage.removeItem(key);
    },
  };
}

/** What `users.refresh` answers. */
export interface RefreshedTokens {
  accessToken: string;
  expiresIn: number;
}

/** Calls `users.refresh`; `createShopClient({ session })` provides it. */
export type Refresher = (refreshToken: string) => Promise<RefreshedTokens>;

export type SignOutReason = 'signOut' | 'refreshRefused';

export interface SessionOptions {
  /** Defaults to memory; `localStorageAdapter('shop.session')` in a browser. */
  storage?: SessionStorage;
  /** Called once each time the session ends: `signOut()`, or a refused refresh token. */
  onSignOut?: (reason: SignOutReason) => void;
  /** Refresh this many seconds before the access token expires (default 30). */
  refreshSkewSeconds?: number;
  /** The clock, in epoch milliseconds (tests). */
  now?: () => number;
}

/** What `users.login` answers (extra fields are ignored). */
export interface SignInTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives, as `users.login` answers. */
  expiresIn?: number;
  /** Or its expiry in epoch milliseconds; without either, the token's `exp` claim. */
  expiresAt?: number;
}

export interface Session {
  /** The current access token, if signed in. */
  readonly accessToken: string | null;
  readonly tokens: SessionTokens | null;
  readonly signedIn: boolean;
  /** Stores the tokens from `users.login`. */
  signIn(tokens: SignInTokens): void;
  /** Forgets the tokens (call `users.logout` first to revoke the refresh token). */
  signOut(): void;
  /** Called with every change of tokens; returns an unsubscribe function. */
  subscribe(listener: (tokens: SessionTokens | null) => void): () => void;
  /**
   * The token to send now: refreshes first (once, shared by every caller) if it expires within
   * the skew. Resolves `null` when signed out.
   */
  getAccessToken(): Promise<string | null>;
  /**
   * After an UNAUTHORIZED answer to a request sent with `rejected`: refreshes unless another call
   * already did. Resolves whether a retry can succeed (false once signed out).
   */
  recover(rejected: string): Promise<boolean>;
  /** Used by `createShopClient({ session })`; the last client attached does the refreshing. */
  attach(refresher: Refresher): void;
}

/** Reads a JWT's `exp` claim (seconds) without verifying it; the server does that. */
function jwtExpiry(token: string): number | undefined {
  try {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A refresh token the server refused (as opposed to a network failure while refreshing). */
function isRefused(error: unknown): boolean {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return data?.code === 'UNAUTHORIZED' || data?.code === 'BAD_REQUEST';
}

/**
 * Keeps the user's tokens, attaches the access token to calls (through `createShopClient`),
 * refreshes it shortly before expiry or once after an UNAUTHORIZED answer, never two refreshes at
 * once, and signs out when the refresh token is refused.
 */
export function createSession(options: SessionOptions = {}): Session {
  const storage = options.storage ?? memoryStorage();
  const now = options.now ?? Date.now;
  const skew = (options.refreshSkewSeconds ?? 30) * 1000;
  const listeners = new Set<(tokens: SessionTokens | null) => void>();
  let tokens = storage.load();
  let refresher: Refresher | undefined;
  let refreshing: Promise<void> | null = null;

  const set = (next: SessionTokens | null) => {
    tokens = next;
    storage.save(next);
    for (const listener of listeners) listener(next);
  };
  const end = (reason: SignOutReason) => {
    const had = tokens !== null;
    set(null);
    if (had) options.onSignOut?.(reason);
  };

  /** One refresh at a time: concurrent callers share the one in flight. */
  const refresh = (): Promise<void> => {
    if (refreshing) return refreshing;
    const current = tokens;
    if (!current) return Promise.resolve();
    if (!refresher) return Promise.reject(new Error('The session is not attached to a client'));
    const run = async () => {
      try {
        const fresh = await refresher!(current.refreshToken);
        // Signed out or in again meanwhile: keep what is there now.
        if (tokens?.refreshToken !== current.refreshToken) return;
        set({
          accessToken: fresh.accessToken,
          refreshToken: current.refreshToken,
          expiresAt: now() + fresh.expiresIn * 1000,
        });
      } catch (error) {
        if (isRefused(error) && tokens?.refreshToken === current.refreshToken) {
          end('refreshRefused');
          return;
        }
        throw error;
      }
    };
    refreshing = run().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  return {
    get accessToken() {
      return tokens?.accessToken ?? null;
    },
    get tokens() {
      return tokens;
    },
    get signedIn() {
      return tokens !== null;
    },
    signIn(input) {
      const expiresAt =
        input.expiresAt ??
        (input.expiresIn !== undefined ? now() + input.expiresIn * 1000 : undefined) ??
        jwtExpiry(input.accessToken) ??
        now() + 3600_000;
      set({ accessToken: input.accessToken, refreshToken: input.refreshToken, expiresAt });
    },
    signOut() {
      end('signOut');
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async getAccessToken() {
      if (refreshing) await refreshing.catch(() => undefined);
      if (tokens && refresher && tokens.expiresAt - skew <= now()) {
        // A network failure here is not fatal: the call goes out and may still be accepted.
        await refresh().catch(() => undefined);
      }
      return tokens?.accessToken ?? null;
    },
    async recover(rejected) {
      if (refreshing) await refreshing.catch(() => undefined);
      if (!tokens) return false;
      if (tokens.accessToken !== rejected) return true; // someone refreshed already
      try {
        await refresh();
      } catch {
        return false;
      }
      return tokens !== null && tokens.accessToken !== rejected;
    },
    attach(next) {
      refresher = next;
    },
  };
}

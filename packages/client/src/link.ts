import { TRPCClientError, type Operation, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import type { AppRouter } from './generated/app-router.ts';
import type { Session } from './session.ts';

/** Procedures that answer UNAUTHORIZED for a wrong password or refresh token, not a stale token. */
const CREDENTIAL_PATHS = new Set([
  'users.login',
  'users.refresh',
  'users.signUp',
  'users.confirmSignUp',
]);

function isUnauthorized(error: unknown): boolean {
  return (
    error instanceof TRPCClientError &&
    (error.data as { code?: unknown } | undefined)?.code === 'UNAUTHORIZED'
  );
}

/**
 * No answer from the API (the connection failed, or a gateway answered without a tRPC error):
 * the call may or may not have run.
 */
function isNetworkError(error: unknown): boolean {
  return error instanceof TRPCClientError && error.shape === undefined && error.data === undefined;
}

function hasIdempotencyKey(input: unknown): boolean {
  const key = (input as { idempotencyKey?: unknown } | null | undefined)?.idempotencyKey;
  return typeof key === 'string' && key.length > 0;
}

/** A query, or a mutation the server deduplicates by its `idempotencyKey`. */
export function isSafeToRetry(op: Pick<Operation, 'type' | 'input'>): boolean {
  return op.type === 'query' || (op.type === 'mutation' && hasIdempotencyKey(op.input));
}

/**
 * Goes before the HTTP link. Waits for a fresh access token (the HTTP link's `headers` reads it
 * from the session), and retries a call once:
 * - after UNAUTHORIZED, having refreshed the token (or found it refreshed by a concurrent call).
 *   The server refuses a token before any resolver runs, so even a mutation did not run;
 * - after a network failure, only for queries and mutations carrying an `idempotencyKey`: any other
 *   mutation may have run, so its error reaches the caller.
 */
export function sessionLink(session: Session): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) => {
      if (op.type === 'subscription') return next(op);
      return observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let stopped = false;
        const attempt = async (retried: boolean) => {
          const token = CREDENTIAL_PATHS.has(op.path)
            ? session.accessToken
            : await session.getAccessToken();
          if (stopped) return;
          subscription = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              void (async () => {
                if (!retried && !stopped) {
                  if (token && isUnauthorized(error) && !CREDENTIAL_PATHS.has(op.path)) {
                    if (await session.recover(token)) return attempt(true);
                  } else if (isNetworkError(error) && isSafeToRetry(op)) {
                    return attempt(true);
                  }
                }
                observer.error(error);
              })().catch((unexpected: unknown) =>
                observer.error(TRPCClientError.from(unexpected as Error)),
              );
            },
          });
        };
        attempt(false).catch((unexpected: unknown) =>
          observer.error(TRPCClientError.from(unexpected as Error)),
        );
        return () => {
          stopped = true;
          subscription?.unsubscribe();
        };
      });
    };
}

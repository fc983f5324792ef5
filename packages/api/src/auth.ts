import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { sessionOfClaims, type Session } from '@shop/core';
import { ADMIN_GROUP } from '@shop/core/browser';
import type { Config } from './config.ts';

/** The verified caller, from a Cognito access token. */
export interface AuthUser {
  id: string;
  username: string;
  groups: string[];
  /** What the token says; the account's state may say otherwise (see `trpc.ts`). */
  isAdmin: boolean;
  /** The sign-in this token belongs to (`origin_jti`/`jti`, `auth_time`, `exp`). */
  session?: Session | undefined;
}

export interface TokenVerifier {
  /** Resolves to the caller, or rejects with `InvalidTokenError`. */
  verify(token: string): Promise<AuthUser>;
}

/** Every refusal looks the same to the client; the reason stays in `cause` for the logs. */
export class InvalidTokenError extends Error {
  constructor(cause: unknown) {
    super('Invalid or expired token', { cause });
    this.name = 'InvalidTokenError';
  }
}

export { ADMIN_GROUP };

type VerifierConfig = Pick<
  Config,
  'stage' | 'isLocal' | 'region' | 'userPoolId' | 'clientId' | 'cognitoEndpoint'
>;

/**
 * The caller of a verified token. aws-jwt-verify accepts a JWT without `exp`: `sessionOfClaims`
 * refuses it (and a `sub` that is not a string, a token without a session id or start), so an
 * access token that never expires is refused here.
 */
function toUser(payload: JwtPayload): AuthUser {
  const session = sessionOfClaims(payload);
  if (!session?.sub) throw new Error('Token has no sub or no session claims (jti, auth_time, exp)');
  const groups = Array.isArray(payload['cognito:groups'])
    ? payload['cognito:groups'].filter((g): g is string => typeof g === 'string')
    : [];
  return {
    id: session.sub,
    username: typeof payload.username === 'string' ? payload.username : session.sub,
    groups,
    isAdmin: groups.includes(ADMIN_GROUP),
    session: { id: session.id, startedAt: session.startedAt, expiresAt: session.expiresAt },
  };
}

/**
 * One verifier per process, created at module scope so its JWKS cache survives warm invocations.
 * aws-jwt-verify itself is imported on the first token, so public procedures never load it, and
 * creating the verifier makes no network call.
 * - Deployed stages: `CognitoJwtVerifier` for access tokens of this pool and client.
 * - `local`: the same checks against cognito-local's http issuer. aws-jwt-verify fetches JWKS over
 *   https only, so the local JWKS is fetched once over http and handed over with `cacheJwks`.
 */
export function createTokenVerifier(config: VerifierConfig): TokenVerifier {
  if (!config.isLocal && config.cognitoEndpoint) {
    throw new Error('COGNITO_ENDPOINT (an emulator issuer) is only allowed in the local stage');
  }
  if (config.isLocal && !config.cognitoEndpoint) {
    throw new Error('The local stage needs COGNITO_ENDPOINT');
  }
  let ready: Promise<(token: string) => Promise<JwtPayload>> | undefined;
  const load = () =>
    (ready ??= buildVerify(config).catch((error: unknown) => {
      ready = undefined; // e.g. the local JWKS was unreachable: try again next request
      throw error;
    }));
  return {
    async verify(token) {
      try {
        const verify = await load();
        return toUser(await verify(token));
      } catch (error) {
        throw new InvalidTokenError(error);
      }
    },
  };
}

async function buildVerify(
  config: VerifierConfig,
): Promise<(token: string) => Promise<JwtPayload>> {
  const [{ CognitoJwtVerifier, JwtVerifier }, { validateCognitoJwtFields }] = await Promise.all([
    import('aws-jwt-verify'),
    import('aws-jwt-verify/cognito-verifier'),
  ]);
  if (!config.isLocal) {
    const verifier = CognitoJwtVerifier.create({
      userPoolId: config.userPoolId,
      tokenUse: 'access',
      clientId: config.clientId,
    });
    return (token) => verifier.verify(token);
  }
  const issuer = `${config.cognitoEndpoint!.replace(/\/$/, '')}/${config.userPoolId}`;
  const jwksUri = `${issuer}/.well-known/jwks.json`;
  const verifier = JwtVerifier.create({
    issuer,
    jwksUri,
    audience: null,
    // CognitoJwtVerifier cannot take an http issuer, so run its own claim checks here.
    customJwtCheck: ({ payload }) =>
      validateCognitoJwtFields(payload, { tokenUse: 'access', clientId: config.clientId }),
  });
  // A hung emulator must not hang every request; a failure is retried on the next token.
  const response = await fetch(jwksUri, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`JWKS fetch failed: ${response.status}`);
  verifier.cacheJwks((await response.json()) as Parameters<typeof verifier.cacheJwks>[0]);
  return (token) => verifier.verify(token);
}

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  SHOP_AUTHORIZATION_HEADER,
  VIEWER_ADDRESS_HEADER,
  type PaymentProvider,
  type ServiceScope,
  type UserContext,
} from '@shop/core';
import type { AuthUser, TokenVerifier } from './auth.ts';
import type { Config } from './config.ts';

/** Everything a procedure needs from outside; tests build their own. */
export interface Deps {
  config: Pick<Config, 'stage' | 'isLocal' | 'version'> & { logLevel?: Config['logLevel'] };
  /** Each service is built on first use (`scope.get(wire)`); tests may pass `createServices`'s. */
  services: ServiceScope;
  verifier: TokenVerifier;
  /** The provider the services use; the webhook entry verifies events with it. */
  paymentProvider?: PaymentProvider;
}

export interface Context {
  user: AuthUser | null;
  /** The caller's raw access token once verified (Cognito's `ChangePassword` needs it). */
  accessToken: string | null;
  /** A token was sent but refused: user procedures answer UNAUTHORIZED, public ones ignore it. */
  tokenRejected: boolean;
  requestId: string | undefined;
  /**
   * The caller as the edge saw them (`cloudfront-viewer-address`), handed to Cognito on sign-up,
   * sign-in and reset calls; `undefined` when the request did not come through the edge.
   */
  viewer: UserContext | undefined;
  deps: Deps;
}

/** The pure part of the context; router tests call this with the user they want. */
export function createContextInner(opts: {
  user: AuthUser | null;
  deps: Deps;
  accessToken?: string | null;
  tokenRejected?: boolean;
  requestId?: string;
  viewer?: UserContext;
}): Context {
  return {
    viewer: opts.viewer,
    user: opts.user,
    accessToken: opts.user ? (opts.accessToken ?? null) : null,
    deps: opts.deps,
    tokenRejected: opts.tokenRejected ?? false,
    requestId: opts.requestId,
  };
}

/**
 * The viewer's `Authorization` value. Behind the edge, origin access control replaced
 * `Authorization` with its own SigV4 signature and the edge carried the viewer's value in
 * `x-shop-authorization` (having deleted any value a client sent under that name); called
 * directly (`pnpm local`'s API port), `Authorization` is the viewer's. A signature is never the
 * viewer's: an anonymous call through the edge has none. Either way the token is verified by
 * `createContext`: the header only carries it.
 */
export function viewerAuthorization(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): string | undefined {
  const carried = headers?.[SHOP_AUTHORIZATION_HEADER];
  if (carried !== undefined) return carried;
  const own = headers?.authorization ?? headers?.Authorization;
  return own === undefined || /^AWS4-HMAC-SHA256 /.test(own) ? undefined : own;
}

/**
 * The viewer's IP from CloudFront's `cloudfront-viewer-address` (`ip:port`; an IPv6 address is
 * not bracketed, so the port is whatever follows the last colon). CloudFront sets the header
 * itself, and in production the function URL answers only the distribution.
 */
export function viewerContext(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): UserContext | undefined {
  const address = headers?.[VIEWER_ADDRESS_HEADER]?.trim();
  const colon = address?.lastIndexOf(':') ?? -1;
  if (!address || colon <= 0) return undefined;
  const ipAddress = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return ipAddress ? { ipAddress } : undefined;
}

/** Reads the viewer's `Authorization: Bearer <token>` from a function-URL (payload 2.0) event. */
export async function createContext(
  event: APIGatewayProxyEventV2,
  deps: Deps,
  requestId?: string,
): Promise<Context> {
  const base = { deps, requestId, viewer: viewerContext(event.headers) };
  const header = viewerAuthorization(event.headers);
  if (!header) return createContextInner({ ...base, user: null });
  // The scheme is case-insensitive (RFC 7235); exactly one space, one token.
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match?.[1]) return createContextInner({ ...base, user: null, tokenRejected: true });
  try {
    const user = await deps.verifier.verify(match[1]);
    return createContextInner({ ...base, user, accessToken: match[1] });
  } catch {
    return createContextInner({ ...base, user: null, tokenRejected: true });
  }
}

/**
 * What the deployed edge (one CloudFront distribution, `stacks/Edge.ts`) does to a request and a
 * response, shared with `pnpm local`, which answers the web origin's `/api/*` the same way.
 *
 * Plain data and source text only: imported by the stacks, the Lambda bundle and the local runtime.
 */
import { CORS_ALLOW_HEADERS } from './cors.ts';

/** The API's path prefix on the site's own origin: `https://<site>/api/products.list`. */
export const API_PATH_PREFIX = '/api';

/**
 * Where the edge carries the viewer's `Authorization` to the handler. Origin access control signs
 * the request to the function URL and so REPLACES `Authorization` with its SigV4 signature; the
 * edge copies the viewer's value here first, and deletes any value a client sent under this name.
 * The handler still verifies the token it finds here (a JWT signature check), so the header grants
 * nothing a client could not already send as `Authorization`.
 */
export const SHOP_AUTHORIZATION_HEADER = 'x-shop-authorization';

/** The viewer's `ip:port` as CloudFront saw it (added by CloudFront when the policy asks for it). */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/** The body hash origin access control for Lambda requires on `POST` (and `PUT`). */
export const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';

/**
 * The headers the `/api/*` behaviour forwards to the function URL (its origin request policy);
 * `pnpm local` forwards the same. `Authorization` cannot be among them (origin access control
 * signs with it): the viewer's value arrives as `x-shop-authorization`.
 */
export const API_FORWARDED_HEADERS: readonly string[] = [
  SHOP_AUTHORIZATION_HEADER,
  PAYLOAD_HASH_HEADER,
  VIEWER_ADDRESS_HEADER,
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
  ...CORS_ALLOW_HEADERS.filter((h) => h !== 'authorization' && h !== PAYLOAD_HASH_HEADER),
];

/**
 * The viewer-request CloudFront Function of `/api/*` (runtime `cloudfront-js-2.0`), as source.
 * `pnpm local` runs this same text (see packages/local/src/edge.ts), and tests run it in Node.
 * - deletes any client-sent `x-shop-authorization`, then copies `Authorization` into it;
 * - strips the `/api` prefix, so the handler sees `/products.list` as on its function URL.
 */
export const API_VIEWER_REQUEST_FUNCTION = `function handler(event) {
  var request = event.request;
  var headers = request.headers;
  delete headers['${SHOP_AUTHORIZATION_HEADER}'];
  if (headers.authorization && headers.authorization.value) {
    headers['${SHOP_AUTHORIZATION_HEADER}'] = { value: headers.authorization.value };
  }
  var uri = request.uri;
  if (uri === '${API_PATH_PREFIX}' || uri.indexOf('${API_PATH_PREFIX}/') === 0) {
    request.uri = uri.substring(${API_PATH_PREFIX.length}) || '/';
  }
  return request;
}
`;

/**
 * The site's Content Security Policy: scripts, styles, fonts and API calls from the site's own
 * origin only (no `unsafe-inline`, no `unsafe-eval`), product images from any https host, no
 * plugins, no framing.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'https:', 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * The policy as a header value. `nonce` is for `pnpm local`'s Vite dev server only, whose hot
 * reload injects one inline script and its styles at run time (carrying that nonce); the deployed
 * site, a static build, has no inline script or style at all.
 */
export function contentSecurityPolicy({ nonce }: { nonce?: string } = {}): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([name, values]) => {
      const all =
        nonce && (name === 'script-src' || name === 'style-src')
          ? [...values, `'nonce-${nonce}'`]
          : values;
      return `${name} ${all.join(' ')}`;
    })
    .join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** HSTS: two years, subdomains included. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

export const REFERRER_POLICY = 'strict-origin-when-cross-origin';

/** Every security header of the distribution's response headers policy, as HTTP headers. */
export function securityHeaders(options: { nonce?: string } = {}): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(options),
    'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': REFERRER_POLICY,
    'x-frame-options': 'DENY',
  };
}

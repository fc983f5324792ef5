import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** What a function-URL request is made of, before AWS turns it into a payload 2.0 event. */
export interface FunctionUrlRequest {
  method: string;
  /** The raw path, as sent (`/products.list`). */
  path: string;
  /** The raw query string (without `?`), or parameters to encode into one. */
  query?: string | Record<string, string>;
  /** Lower-case names. A `cookie` header is moved to `cookies`, as AWS does. */
  headers?: Record<string, string>;
  /** A text body, or bytes that are sent base64-encoded. */
  body?: string | Buffer;
  requestId?: string;
  sourceIp?: string;
  protocol?: string;
}

/**
 * The ONE builder of Lambda function-URL (payload format 2.0) events, shaped as AWS delivers them:
 * `queryStringParameters` joins repeated keys with commas, cookies are split out of the headers,
 * binary bodies are base64. Used by the local runtime's HTTP shim, the tests and the bench.
 */
export function functionUrlEvent(request: FunctionUrlRequest): APIGatewayProxyEventV2 {
  const rawQueryString =
    typeof request.query === 'string'
      ? request.query
      : new URLSearchParams(request.query ?? {}).toString();
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  const { cookie, ...headers } = request.headers ?? {};
  const cookies = cookie?.split(/;\s*/).filter(Boolean);
  const binary = Buffer.isBuffer(request.body);
  const body = binary ? (request.body as Buffer).toString('base64') : (request.body as string);
  const domainName = headers.host ?? 'abc123.lambda-url.us-east-1.on.aws';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: domainName.split('.')[0] ?? 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? 'local',
      http: {
        method: request.method,
        path: request.path,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId ?? randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined && body !== '' ? { body } : {}),
    isBase64Encoded: binary,
  };
}

/** A JSON call as tests and the bench make it: a content type whenever there is a body. */
export function jsonEvent(opts: {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: string;
  base64?: boolean;
  headers?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  return functionUrlEvent({
    method: opts.method,
    path: opts.path,
    ...(opts.query ? { query: opts.query } : {}),
    headers: {
      host: 'abc123.lambda-url.us-east-1.on.aws',
      'user-agent': 'vitest',
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: opts.base64 ? Buffer.from(opts.body) : opts.body } : {}),
  });
}

/** The Lambda context object of one invocation. */
export function lambdaContext(
  opts: { requestId?: string; timeoutMs?: number; functionName?: string } = {},
): Context {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const functionName = opts.functionName ?? 'shop-api';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: opts.requestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** A Lambda function-URL (payload format 2.0) event, as AWS delivers it. */
export function functionUrlEvent(opts: {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: string;
  base64?: boolean;
  headers?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(opts.query ?? {}).toString();
  const body =
    opts.body === undefined
      ? undefined
      : opts.base64
        ? Buffer.from(opts.body).toString('base64')
        : opts.body;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: opts.path,
    rawQueryString,
    headers: {
      host: 'abc123.lambda-url.us-east-1.on.aws',
      'user-agent': 'vitest',
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: {
        method: opts.method,
        path: opts.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: Boolean(opts.base64),
  };
}

export function lambdaContext(): Context {
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'shop-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shop-api',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/shop-api',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

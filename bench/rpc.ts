/**
 * Calls procedures the way clients do (tRPC's wire format: GET `?input=` for queries, POST JSON
 * for mutations), in process against a handler or over HTTP against a served bundle.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { jsonEvent, lambdaContext } from '@shop/testing';

export interface RpcAnswer {
  status: number;
  body: unknown;
}
export type Rpc = (
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  token?: string,
) => Promise<RpcAnswer>;

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function inProcessRpc(handler: Handler): Rpc {
  return async (kind, path, input, token) => {
    const headers = token ? { authorization: `Bearer ${token}` } : undefined;
    const event =
      kind === 'query'
        ? jsonEvent({
            method: 'GET',
            path: `/${path}`,
            query: { input: JSON.stringify(input) },
            ...(headers ? { headers } : {}),
          })
        : jsonEvent({
            method: 'POST',
            path: `/${path}`,
            body: JSON.stringify(input),
            ...(headers ? { headers } : {}),
          });
    const result = await handler(event, lambdaContext());
    return { status: result.statusCode ?? 200, body: JSON.parse(result.body ?? 'null') as unknown };
  };
}

export function httpRpc(baseUrl: string): Rpc {
  return async (kind, path, input, token) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response =
      kind === 'query'
        ? await fetch(`${baseUrl}/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
            headers,
          })
        : await fetch(`${baseUrl}/${path}`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(input),
          });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body };
  };
}

/** The `data` of a successful answer; throws with the answer otherwise. */
export async function data<T>(answer: Promise<RpcAnswer>): Promise<T> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  return (body as { result: { data: T } }).result.data;
}

export interface Account {
  userId: string;
  email: string;
  token: string;
  addressId: string;
}

/**
 * Real accounts through the API itself: `users.signUp` (cognito-local confirms at once), then
 * `users.login` for an access token and `addresses.create` for a shipping address.
 */
export async function createAccounts(
  rpc: Rpc,
  count: number,
  tag: string,
  concurrency = 8,
): Promise<Account[]> {
  const accounts: Account[] = new Array<Account>(count);
  let next = 0;
  const password = 'Bench-Passw0rd!';
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const email = `${tag}-${i}@bench.example`;
      const { user } = await data<{ user: { id: string } }>(
        rpc('mutation', 'users.signUp', { email, password, firstName: 'Bench', lastName: `N${i}` }),
      );
      const { accessToken } = await data<{ accessToken: string }>(
        rpc('mutation', 'users.login', { email, password }),
      );
      const address = await data<{ id: string }>(
        rpc(
          'mutation',
          'addresses.create',
          {
            street: `${i} Main St`,
            city: 'Springfield',
            state: 'IL',
            zipCode: '62701',
            country: 'US',
          },
          accessToken,
        ),
      );
      accounts[i] = { userId: user.id, email, token: accessToken, addressId: address.id };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return accounts;
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GroupExistsException,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN_GROUP, LOCAL_CREDENTIALS } from '@shop/core';
import { freePort, spawnTied, waitUntilReady } from './process.ts';

/** A message cognito-local "sent" (it prints them instead): a code or a temporary password. */
export interface CodeDelivery {
  /** The Cognito operation that sent it, e.g. `ForgotPassword`, `SignUp`, `AdminCreateUser`. */
  operation: string;
  /** The e-mail address it went to. */
  destination: string;
  code: string;
}

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');
const DELIVERY =
  /(\w+) ╭[^╰]*?Confirmation Code Delivery[^╰]*?Destination:\s+(\S+)[^╰]*?Code:\s+(\S+)[^╰]*╰/;

/**
 * Reads cognito-local's log stream and reports each boxed "Confirmation Code Delivery" it prints
 * (its ConsoleMessageSender), whatever the chunk boundaries.
 */
export function codeDeliveryParser(onCode: (delivery: CodeDelivery) => void) {
  let buffer = '';
  return (chunk: Buffer | string) => {
    // Colour codes are removed from the whole buffer, as a chunk may end inside one.
    buffer = (buffer + chunk.toString()).replace(ANSI, '');
    for (let match = DELIVERY.exec(buffer); match; match = DELIVERY.exec(buffer)) {
      const [all, operation = '', destination = '', code = ''] = match;
      onCode({ operation, destination, code });
      buffer = buffer.slice(match.index + all.length);
    }
    // Keep a partly received box with the operation name before it, and nothing much else.
    const open = buffer.lastIndexOf('╭');
    buffer = buffer.slice(Math.max(0, (open === -1 ? buffer.length : open) - 200)).slice(-65_536);
  };
}

export interface CognitoLocal {
  endpoint: string;
  port: number;
  /** Where cognito-local keeps its JSON files (`.cognito/db/<poolId>.json`). */
  dataDir: string;
  /** Resolves when the process exits. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const client = (endpoint: string) =>
  new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });

/**
 * Starts cognito-local on a free port (or `port`), keeping its data in `dataDir` (reused across
 * restarts) or a fresh temporary folder. Its issuer defaults to `http://$HOST:$PORT`, so with
 * HOST=127.0.0.1 tokens carry `iss: http://127.0.0.1:<port>/<userPoolId>`, which is exactly
 * `<endpoint>/<userPoolId>` as the API's local verifier expects. (A `TokenConfig.IssuerDomain` in
 * `.cognito/config.json` would override it; cognito-local itself only ever writes `{}` there.)
 */
export async function startCognitoLocal(
  options: {
    port?: number;
    dataDir?: string;
    /** Called with every code cognito-local would have e-mailed (it has no e-mail delivery). */
    onCode?: (delivery: CodeDelivery) => void;
  } = {},
): Promise<CognitoLocal> {
  const port = options.port ?? (await freePort());
  const temporary = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'shop-cognito-'));
  mkdirSync(dataDir, { recursive: true });
  const pkg = dirname(createRequire(import.meta.url).resolve('cognito-local/package.json'));
  const proc = spawnTied(process.execPath, [join(pkg, 'lib/bin/start.js')], {
    cwd: dataDir,
    // cognito-local's logger can hold a code box until it writes another line; with a code
    // reader, debug logging makes every request write after it, so the box comes out at once.
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEBUG: options.onCode ? '1' : '',
    },
  });
  if (options.onCode) proc.child.stdout?.on('data', codeDeliveryParser(options.onCode));
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = client(endpoint);
  try {
    await waitUntilReady('cognito-local', proc, () =>
      probe.send(new ListUserPoolsCommand({ MaxResults: 1 })),
    );
  } finally {
    probe.destroy();
  }
  return {
    endpoint,
    port,
    dataDir,
    exited: proc.exited,
    async stop() {
      await proc.stop();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `SHOP_LOCAL_ACCESS_TOKEN_TTL_SECONDS`: how long access tokens of a NEW app client live (to try
 * token refresh without waiting a day). Unset: cognito-local's default, 24 h.
 */
export function parseAccessTokenTtl(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const ttl = Number(raw);
  if (!Number.isInteger(ttl) || ttl <= 0) {
    throw new Error(`SHOP_LOCAL_ACCESS_TOKEN_TTL_SECONDS must be a positive integer, not ${raw}`);
  }
  return ttl;
}

/**
 * The user pool the API expects, created once and found again by name afterwards: email as the
 * username, the contract's password policy, an app client with password and refresh flows, and
 * the `admin` group.
 */
export async function ensureUserPool(
  endpoint: string,
  names: { poolName: string; clientName: string },
  options: { accessTokenTtlSeconds?: number | undefined } = {},
): Promise<{ userPoolId: string; clientId: string }> {
  const cognito = client(endpoint);
  try {
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((p) => p.Name === names.poolName)?.Id;
    if (!userPoolId) {
      const created = await cognito.send(
        new CreateUserPoolCommand({
          PoolName: names.poolName,
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          Policies: {
            PasswordPolicy: {
              MinimumLength: 8,
              RequireUppercase: true,
              RequireLowercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            },
          },
        }),
      );
      userPoolId = created.UserPool?.Id;
      if (!userPoolId) throw new Error('cognito-local returned no user pool id');
    }
    const clients = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
    );
    let clientId = clients.UserPoolClients?.find(
      (c) => c.ClientName === names.clientName,
    )?.ClientId;
    if (!clientId) {
      const ttl = options.accessTokenTtlSeconds;
      const created = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: names.clientName,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          EnableTokenRevocation: true,
          // cognito-local signs access tokens for 24 h unless the app client says otherwise.
          ...(ttl
            ? { AccessTokenValidity: ttl, TokenValidityUnits: { AccessToken: 'seconds' } }
            : {}),
        }),
      );
      clientId = created.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('cognito-local returned no client id');
    }
    await cognito
      .send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: ADMIN_GROUP }))
      .catch((error: unknown) => {
        if (!(error instanceof GroupExistsException)) throw error;
      });
    return { userPoolId, clientId };
  } finally {
    cognito.destroy();
  }
}

/**
 * The latest code cognito-local "e-mailed" to `email` (sign-up confirmation, password reset): it
 * keeps it in the pool's data file. Throws when there is none.
 */
export function storedCognitoCode(dataDir: string, userPoolId: string, email: string): string {
  const file = join(dataDir, '.cognito/db', `${userPoolId}.json`);
  const db = JSON.parse(readFileSync(file, 'utf8')) as {
    Users: Record<
      string,
      { Attributes: { Name: string; Value: string }[]; ConfirmationCode?: string }
    >;
  };
  const user = Object.values(db.Users).find((u) =>
    u.Attributes.some((a) => a.Name === 'email' && a.Value === email),
  );
  if (!user?.ConfirmationCode) throw new Error(`no code stored for ${email}`);
  return user.ConfirmationCode;
}

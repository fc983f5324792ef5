import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Actor, Session } from '../actor.ts';
import { AuthenticationError } from '../errors.ts';
import { mapStoreError } from '../db/repository.ts';
import type { TaggedWrite } from '../db/transactions.ts';

/**
 * The state of an account that decides, on every call, what its tokens may still do. It lives in
 * the account's own row of the Users table (key: the Cognito `sub`), beside the profile:
 * - `deletedAt`: the account was deleted (`users.deleteMe`); the row is then only this tombstone.
 * - `sessionsValidAfter`: epoch seconds; a session that started before (`auth_time`) has ended
 *   (a password change or reset).
 * - `rs:<session id>`: a session ended by `users.logout`, with the epoch second after which none
 *   of its access tokens verifies anyway (then the entry is dropped on the next logout).
 * - `admin`: the admin right as `users.setAdmin` last set it; where absent, the token's
 *   `cognito:groups` decide (an account made admin outside the API).
 */
export interface AccountState {
  deleted: boolean;
  sessionsValidAfter: number | undefined;
  revokedSessions: ReadonlySet<string>;
  admin: boolean | undefined;
}

const REVOKED_PREFIX = 'rs:';
const revokedAttribute = (sessionId: string) => `${REVOKED_PREFIX}${sessionId}`;

/** Why the account's state refuses a token (the `cause` of the `AuthenticationError`). */
export class AccountRefusal extends Error {
  constructor(readonly reason: 'deleted' | 'password-changed' | 'signed-out') {
    super(`Token refused: ${reason}`);
    this.name = 'AccountRefusal';
  }
}

/** Why a token is refused for the account's current state, or `undefined` when it is not. */
export function refusalOf(
  state: AccountState,
  session: Session | undefined,
): AccountRefusal['reason'] | undefined {
  if (state.deleted) return 'deleted';
  if (!session) return undefined;
  if (state.sessionsValidAfter !== undefined && session.startedAt < state.sessionsValidAfter) {
    return 'password-changed';
  }
  if (state.revokedSessions.has(session.id)) return 'signed-out';
  return undefined;
}

/** The admin right now: the account's row where `users.setAdmin` wrote it, else the token's. */
export function isAdminNow(state: AccountState, tokenSaysAdmin: boolean): boolean {
  return state.admin ?? tokenSaysAdmin;
}

export const SESSION_ENDED = 'Invalid or expired token';

/** Every read and write of account state (one row per account in the Users table). */
export class AccountStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The account's state: one strongly consistent GetItem (1 RCU for a row under 4 KB). */
  async read(id: string): Promise<AccountState> {
    const { Item } = await this.doc
      .send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }))
      .catch(mapStoreError);
    return stateOf(Item);
  }

  /**
   * Throws `AuthenticationError` when the account's state refuses this token; else the admin
   * right the call has now.
   */
  async authorize(actor: Actor & { tokenIsAdmin?: boolean }): Promise<{ isAdmin: boolean }> {
    const state = await this.read(actor.id);
    const refusal = refusalOf(state, actor.session);
    if (refusal)
      throw new AuthenticationError(SESSION_ENDED, { cause: new AccountRefusal(refusal) });
    return { isAdmin: isAdminNow(state, actor.tokenIsAdmin ?? actor.isAdmin) };
  }

  /**
   * A transaction item that fails unless the account still accepts the actor's token: put into
   * the write's own transaction, a request racing a deletion, a password change or a logout writes
   * nothing once that change is in. Empty when the actor carries no session (in-process callers).
   */
  guard(actor: Actor): TaggedWrite<'account'>[] {
    const session = actor.session;
    if (!session) return [];
    return [
      {
        tag: 'account',
        write: {
          ConditionCheck: {
            TableName: this.tableName,
            Key: { id: actor.id },
            ...accountCondition(session),
          },
        },
      },
    ];
  }

  /** Ends every session that started before `after` (epoch seconds); never moves it back. */
  async endSessionsBefore(id: string, after: number): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET sessionsValidAfter = :after',
          ConditionExpression:
            'attribute_not_exists(sessionsValidAfter) OR sessionsValidAfter < :after',
          ExpressionAttributeValues: { ':after': after },
        }),
      )
      .catch((error: unknown) => {
        // A later cut-off is already there: nothing to do.
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
        mapStoreError(error);
      });
  }

  /**
   * Ends one session (`users.logout`) until `until`, when its last access token expires; entries
   * already past their time are dropped in the same write, so the row stays small.
   */
  async revokeSession(id: string, sessionId: string, until: number, now: number): Promise<void> {
    const { Item = {} } = await this.doc
      .send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }))
      .catch(mapStoreError);
    const expired = Object.entries(Item)
      .filter(([name, value]) => name.startsWith(REVOKED_PREFIX) && !(Number(value) > now))
      .map(([name]) => name)
      .filter((name) => name !== revokedAttribute(sessionId));
    const names: Record<string, string> = { '#s': revokedAttribute(sessionId) };
    expired.forEach((name, i) => (names[`#x${i}`] = name));
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET #s = :until${expired.length ? ` REMOVE ${expired.map((_, i) => `#x${i}`).join(', ')}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':until': until },
        }),
      )
      .catch(mapStoreError);
  }

  /** Records the admin right (`users.setAdmin`); effective on the next call of any token. */
  async setAdmin(id: string, admin: boolean): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET admin = :admin',
          ConditionExpression: 'attribute_not_exists(deletedAt)',
          ExpressionAttributeValues: { ':admin': admin },
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
        mapStoreError(error);
      });
  }

  /**
   * Replaces the account's row with a tombstone (`users.deleteMe`): the profile goes, and from
   * this write on every token of the account is refused and every guarded write fails.
   */
  async markDeleted(id: string, at: string): Promise<void> {
    await this.doc
      .send(new PutCommand({ TableName: this.tableName, Item: { id, deletedAt: at } }))
      .catch(mapStoreError);
  }
}

/** The condition a guarded write puts on the account's row (a missing row passes). */
export function accountCondition(session: Session) {
  return {
    ConditionExpression:
      'attribute_not_exists(deletedAt) AND (attribute_not_exists(sessionsValidAfter) OR sessionsValidAfter <= :sessionStart) AND attribute_not_exists(#revoked)',
    ExpressionAttributeNames: { '#revoked': revokedAttribute(session.id) },
    ExpressionAttributeValues: { ':sessionStart': session.startedAt },
  };
}

/** The state in a Users row (a missing row: an account nothing has changed yet). */
export function stateOf(row: Record<string, unknown> | undefined): AccountState {
  const revoked = new Set<string>();
  for (const name of Object.keys(row ?? {})) {
    if (name.startsWith(REVOKED_PREFIX)) revoked.add(name.slice(REVOKED_PREFIX.length));
  }
  const after = row?.sessionsValidAfter;
  return {
    deleted: row?.deletedAt !== undefined,
    sessionsValidAfter: typeof after === 'number' ? after : undefined,
    revokedSessions: revoked,
    admin: typeof row?.admin === 'boolean' ? row.admin : undefined,
  };
}

/** The session claims of a Cognito access token (not verified here: read what Cognito issued). */
export function sessionOfToken(token: string): (Session & { sub: string }) | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    return sessionOfClaims(payload);
  } catch {
    return undefined;
  }
}

/**
 * A session as Cognito's access tokens describe it: its id is `origin_jti` (the same for every
 * access token refreshed from one sign-in, when token revocation is on; cognito-local has none, so
 * the token's own `jti`), its start `auth_time` (the sign-in; else `iat`).
 */
export function sessionOfClaims(
  payload: Record<string, unknown>,
): (Session & { sub: string }) | undefined {
  const id = typeof payload.origin_jti === 'string' ? payload.origin_jti : payload.jti;
  const startedAt = typeof payload.auth_time === 'number' ? payload.auth_time : payload.iat;
  const expiresAt = payload.exp;
  if (typeof payload.sub !== 'string' || typeof id !== 'string' || !id) return undefined;
  if (typeof startedAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  if (!/^[\w-]{1,128}$/.test(id)) return undefined;
  return { sub: payload.sub, id, startedAt, expiresAt };
}

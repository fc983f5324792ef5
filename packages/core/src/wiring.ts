import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { systemClock, type Clock } from './common.ts';
import { createCursorCodec, type CursorCodec } from './db/cursor.ts';
import { Repository } from './db/repository.ts';
import { tables as definitions, type TableNames } from './db/tables.ts';
import type { PaymentSettings } from './payments/config.ts';
import type { CognitoConfig } from './users/cognito.ts';
import type { IdentityProvider } from './users/identity.ts';
import { AccountStore } from './users/account.ts';

export interface ServicesConfig {
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  /** Key for signing page cursors. */
  cursorSecret: string;
  /** The time every write records; tests pass a controlled one. */
  clock?: Clock;
  /**
   * The users service's identity provider (tests pass their own). Without it, `cognito` builds
   * the Cognito one on first use; without either (the bench, a data script), every call that
   * needs it fails saying so.
   */
  identity?: IdentityProvider;
  cognito?: CognitoConfig;
  /** The payment provider and its settings; without it every payment call fails saying so. */
  payments?: PaymentSettings;
}

/**
 * How the shop's stores and services are put together: one `Wire` per piece, each naming what it
 * needs through `scope.get`. A scope builds a piece on its first `get` and keeps it, so a Lambda
 * container builds each piece once, and only the pieces its calls use.
 *
 * The wires live in each entity's `wiring.ts`, and only routers (each in a chunk of its own, see
 * `api/src/root.ts`) import them: a module is the bundler's unit, so a cold `products.list`
 * loads the products wiring, store and schemas, and none of the other entities'. This module is
 * on every cold start: keep it to what every call needs.
 */
export type Wire<T> = (scope: ServiceScope) => T;

export interface ServiceScope {
  readonly config: ServicesConfig;
  /** What `wire` builds, built on the first call and kept for the scope's life. */
  get<T>(wire: Wire<T>): T;
}

/** An empty scope: builds nothing until asked. Makes no network call. */
export function createServiceScope(config: ServicesConfig): ServiceScope {
  const built = new Map<Wire<unknown>, unknown>();
  const scope: ServiceScope = {
    config,
    get<T>(wire: Wire<T>): T {
      if (!built.has(wire)) built.set(wire, wire(scope));
      return built.get(wire) as T;
    },
  };
  return scope;
}

export const clockOf = ({ config }: ServiceScope): Clock => config.clock ?? systemClock;

export const cursorCodec: Wire<CursorCodec> = ({ config }) =>
  createCursorCodec(config.cursorSecret);

/** A table's repository: its rows parsed with `schema`, its pages signed with the scope's key. */
export function repositoryOf<T extends { id: string }>(
  scope: ServiceScope,
  table: keyof TableNames,
  schema: z.ZodMiniType<T>,
): Repository<T> {
  const { doc, tables } = scope.config;
  return new Repository(doc, tables[table], definitions[table], schema, scope.get(cursorCodec));
}

/** Account state: what a token may still do (checked on every user call by the API). */
export const accountStore: Wire<AccountStore> = ({ config }) =>
  new AccountStore(config.doc, config.tables.Users);

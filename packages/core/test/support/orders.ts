/**
 * Shared by the order tests that race the world (order-races, cancel): a shopper with an address,
 * a product, the order store on DynamoDB Local (optionally with one throttled transaction), a store
 * that lets another request land between its read and its write, and the refusal's checks.
 */
import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import {
  createCursorCodec,
  createDocumentClient,
  OrderStore,
  type Actor,
} from '../../src/index.ts';
import { DEMO_ADDRESS, FaultInjector } from '@shop/testing';
import { TEST_CURSOR_SECRET, type TestDb } from '@shop/testing/vitest';

export function orderStoreOf(db: TestDb, doc = db.doc): OrderStore {
  return new OrderStore(
    db.services.repos,
    doc,
    createCursorCodec(TEST_CURSOR_SECRET),
    db.services.accounts,
  );
}

/** An order store whose next `TransactWriteItems` is throttled, once, with no SDK retry. */
export function throttledOrderStore(db: TestDb): { store: OrderStore; injector: FaultInjector } {
  const injector = new FaultInjector('dynamodb');
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint: inject('dynamoEndpoint'),
    maxAttempts: 1,
  });
  injector.attach(doc);
  injector.arm({ kind: 'throttling', when: 'before', nth: 1, command: 'TransactWriteItems' });
  return { store: orderStoreOf(db, doc), injector };
}

/** `store`, with `meddle` run once right after the first call of `read` (another request landing). */
export function meddling(
  store: OrderStore,
  meddle: () => Promise<unknown>,
  read: 'readForCreate' | 'get',
): OrderStore {
  let done = false;
  const original = store[read].bind(store) as (...args: unknown[]) => Promise<unknown>;
  return Object.assign(Object.create(store) as OrderStore, {
    [read]: async (...args: unknown[]) => {
      const result = await original(...args);
      if (!done) {
        done = true;
        await meddle();
      }
      return result;
    },
  });
}

/** What `attempt` is refused with, checked for its class and the contract's message. */
export async function refused(
  attempt: Promise<unknown>,
  kind: abstract new (...args: never[]) => Error,
  message: string,
): Promise<Error> {
  const error = await attempt.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(kind);
  expect((error as Error).message).toBe(message);
  return error as Error;
}

/** A signed-in shopper (an actor with a live session) with one shipping address. */
export async function shopper(db: TestDb): Promise<{ actor: Actor; addressId: string }> {
  const now = Math.floor(Date.now() / 1000);
  const actor: Actor = {
    id: randomUUID(),
    isAdmin: false,
    session: { id: randomUUID(), startedAt: now - 60, expiresAt: now + 3600 },
  };
  const address = await db.services.addresses.create(actor, DEMO_ADDRESS);
  return { actor, addressId: address.id };
}

/** A product of its own category, so no other test's listing sees it. */
export const product = (db: TestDb, stock = 10, price = 1250) =>
  db.services.products.create({
    name: `Widget ${randomUUID().slice(0, 6)}`,
    description: 'A useful widget',
    price,
    category: `cat-${randomUUID().slice(0, 8)}`,
    stock,
  });

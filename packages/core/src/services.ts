import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AddressService } from './addresses/service.ts';
import { addressRowSchema } from './addresses/schema.ts';
import { AddressStore } from './addresses/store.ts';
import { systemClock, type Clock } from './common.ts';
import { createCursorCodec } from './db/cursor.ts';
import { Repository } from './db/repository.ts';
import { tables as definitions, type TableNames } from './db/tables.ts';
import { OrderService } from './orders/service.ts';
import { orderItemSchema, orderRowSchema } from './orders/schema.ts';
import { OrderPaymentStore, OrderStore } from './orders/store.ts';
import { NO_PAYMENTS, type PaymentSettings } from './payments/config.ts';
import { PaymentService } from './payments/service.ts';
import { ProductService } from './products/service.ts';
import { productSchema } from './products/schema.ts';
import { ProductStore } from './products/store.ts';
import { NO_IDENTITY_PROVIDER, type IdentityProvider } from './users/identity.ts';
import { UserService } from './users/service.ts';
import { UserStore } from './users/store.ts';
import { AccountStore } from './users/account.ts';
import { userSchema } from './users/schema.ts';

export interface ServicesConfig {
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  /** Key for signing page cursors. */
  cursorSecret: string;
  /** The time every write records; tests pass a controlled one. */
  clock?: Clock;
  /**
   * Cognito, for the users service. A process that never signs anyone up or in (the bench, a
   * data script) may leave it out; every call that needs it then fails saying so.
   */
  identity?: IdentityProvider;
  /** The payment provider and its settings; without it every payment call fails saying so. */
  payments?: PaymentSettings;
}

/** Every store and service of the shop, wired to one DocumentClient. */
export function createServices({
  doc,
  tables,
  cursorSecret,
  clock = systemClock,
  identity = NO_IDENTITY_PROVIDER,
  payments = NO_PAYMENTS,
}: ServicesConfig) {
  const cursors = createCursorCodec(cursorSecret);
  const repos = {
    users: new Repository(doc, tables.Users, definitions.Users, userSchema, cursors),
    products: new Repository(doc, tables.Products, definitions.Products, productSchema, cursors),
    orders: new Repository(doc, tables.Orders, definitions.Orders, orderRowSchema, cursors),
    items: new Repository(doc, tables.OrderItems, definitions.OrderItems, orderItemSchema, cursors),
    addresses: new Repository(
      doc,
      tables.Addresses,
      definitions.Addresses,
      addressRowSchema,
      cursors,
    ),
  };
  const products = new ProductStore(repos.products, doc);
  const userStore = new UserStore(repos.users);
  // A deleted account's tombstone reads as no profile (no name), never as a malformed row.
  const accountName = async (userId: string) => {
    const user = await userStore.get(userId);
    return user && `${user.firstName} ${user.lastName}`;
  };
  const accounts = new AccountStore(doc, tables.Users);
  const addresses = new AddressService(
    new AddressStore(repos.addresses, doc, accounts),
    accountName,
  );
  const orderStore = new OrderStore(repos, doc, cursors, accounts);
  const paymentStore = new OrderPaymentStore(repos.orders, doc);
  const orders = new OrderService(orderStore, clock, payments, paymentStore);
  return {
    repos,
    /** Account state: what a token may still do (checked on every call by the API). */
    accounts,
    users: new UserService(userStore, addresses, identity, accounts, clock),
    products: new ProductService(products, clock),
    addresses,
    orders,
    payments: new PaymentService(orderStore, paymentStore, orders, payments, clock),
    /** Brings data written by an earlier release up to this one (see README, Quickstart, "Data kept with --persist"). */
    migrate: () => products.migrate(),
  };
}
export type Services = ReturnType<typeof createServices>;

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AddressService } from './addresses/service.ts';
import { addressSchema } from './addresses/schema.ts';
import { createCursorCodec } from './db/cursor.ts';
import { Repository } from './db/repository.ts';
import type { TableNames } from './db/tables.ts';
import { OrderService } from './orders/service.ts';
import { orderItemSchema, orderSchema } from './orders/schema.ts';
import { ProductService } from './products/service.ts';
import { productSchema } from './products/schema.ts';
import { UserService } from './users/service.ts';
import { UserStore } from './users/store.ts';
import { userSchema } from './users/schema.ts';

export interface ServicesConfig {
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  /** Key for signing page cursors. */
  cursorSecret: string;
}

/** Every repository and service of the shop, wired to one DocumentClient. */
export function createServices({ doc, tables, cursorSecret }: ServicesConfig) {
  const cursors = createCursorCodec(cursorSecret);
  const repos = {
    users: new Repository(doc, tables.Users, userSchema, cursors),
    products: new Repository(doc, tables.Products, productSchema, cursors),
    orders: new Repository(doc, tables.Orders, orderSchema, cursors),
    items: new Repository(doc, tables.OrderItems, orderItemSchema, cursors),
    addresses: new Repository(doc, tables.Addresses, addressSchema, cursors),
  };
  const addresses = new AddressService(repos.addresses);
  return {
    repos,
    users: new UserService(new UserStore(repos.users), addresses),
    products: new ProductService(repos.products),
    addresses,
    orders: new OrderService(repos),
  };
}
export type Services = ReturnType<typeof createServices>;

import { addressRepository, addressService } from './addresses/wiring.ts';
import { orderItemRepository, orderRepository, orderService } from './orders/wiring.ts';
import { paymentService } from './payments/wiring.ts';
import { productRepository, productService, productStore } from './products/wiring.ts';
import { userRepository } from './users/profile-wiring.ts';
import { userService } from './users/wiring.ts';
import {
  accountStore,
  createServiceScope,
  type ServicesConfig,
  type ServiceScope,
  type Wire,
} from './wiring.ts';

/**
 * Every store and service of a scope, built at once, by name (tests, the bench, the local
 * runtime's set-up, data scripts): the same instances the scope's `get` hands out. The Lambda
 * entries never call this: their routers build what a call needs (`wiring.ts`).
 */
export function allServices(scope: ServiceScope) {
  const products = scope.get(productStore);
  return {
    config: scope.config,
    get: <T>(wire: Wire<T>) => scope.get(wire),
    repos: {
      users: scope.get(userRepository),
      products: scope.get(productRepository),
      orders: scope.get(orderRepository),
      items: scope.get(orderItemRepository),
      addresses: scope.get(addressRepository),
    },
    /** Account state: what a token may still do (checked on every call by the API). */
    accounts: scope.get(accountStore),
    users: scope.get(userService),
    products: scope.get(productService),
    addresses: scope.get(addressService),
    orders: scope.get(orderService),
    payments: scope.get(paymentService),
    /** Brings data written by an earlier release up to this one (see README, Quickstart, "Data kept with --persist"). */
    migrate: () => products.migrate(),
  } satisfies ServiceScope & Record<string, unknown>;
}

/** Every store and service of the shop, wired to one DocumentClient. */
export function createServices(config: ServicesConfig) {
  return allServices(createServiceScope(config));
}
export type Services = ReturnType<typeof allServices>;

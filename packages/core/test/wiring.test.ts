import { describe, expect, it } from 'vitest';
import {
  accountStore,
  addressService,
  createDocumentClient,
  createServiceScope,
  createServices,
  orderService,
  paymentService,
  productService,
  tableNamesFor,
  userService,
  type Wire,
} from '@shop/core';

// Building stores and services makes no call: an endpoint nobody listens on is enough.
const config = () => ({
  doc: createDocumentClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    maxAttempts: 1,
  }),
  tables: tableNamesFor('wiring-'),
  cursorSecret: 'wiring-test-secret-0123456789',
});

describe('ServiceScope', () => {
  it('builds a piece on its first get, once, and hands out that one afterwards', () => {
    const scope = createServiceScope(config());
    let builds = 0;
    const counted: Wire<{ build: number }> = () => ({ build: ++builds });
    expect(builds).toBe(0);
    const first = scope.get(counted);
    expect(scope.get(counted)).toBe(first);
    expect(builds).toBe(1);
  });

  it('gives a piece what it asks for from the same scope', () => {
    const scope = createServiceScope(config());
    const base: Wire<object> = () => ({});
    const user: Wire<{ base: object }> = (s) => ({ base: s.get(base) });
    expect(scope.get(user).base).toBe(scope.get(base));
    expect(createServiceScope(config()).get(base)).not.toBe(scope.get(base));
  });
});

describe('createServices', () => {
  it('names the same instances its scope hands out', () => {
    const services = createServices(config());
    expect(services.get(productService)).toBe(services.products);
    expect(services.get(userService)).toBe(services.users);
    expect(services.get(addressService)).toBe(services.addresses);
    expect(services.get(orderService)).toBe(services.orders);
    expect(services.get(paymentService)).toBe(services.payments);
    expect(services.get(accountStore)).toBe(services.accounts);
  });
});

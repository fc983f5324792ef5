import { accountStore, clockOf, cursorCodec, repositoryOf, type Wire } from '../wiring.ts';
import type { Repository } from '../db/repository.ts';
import { addressRepository } from '../addresses/wiring.ts';
import { NO_PAYMENTS, type PaymentSettings } from '../payments/config.ts';
import { productRepository } from '../products/wiring.ts';
import { orderItemSchema, orderRowSchema, type OrderItem, type OrderRow } from './schema.ts';
import { OrderService } from './service.ts';
import { OrderPaymentStore, OrderStore } from './store.ts';

export const paymentSettings: Wire<PaymentSettings> = ({ config }) =>
  config.payments ?? NO_PAYMENTS;

export const orderRepository: Wire<Repository<OrderRow>> = (s) =>
  repositoryOf(s, 'Orders', orderRowSchema);
export const orderItemRepository: Wire<Repository<OrderItem>> = (s) =>
  repositoryOf(s, 'OrderItems', orderItemSchema);

/** Orders read products (prices, stock) and the caller's addresses, and write all four tables. */
export const orderStore: Wire<OrderStore> = (s) =>
  new OrderStore(
    {
      orders: s.get(orderRepository),
      items: s.get(orderItemRepository),
      products: s.get(productRepository),
      addresses: s.get(addressRepository),
    },
    s.config.doc,
    s.get(cursorCodec),
    s.get(accountStore),
  );
export const orderPaymentStore: Wire<OrderPaymentStore> = (s) =>
  new OrderPaymentStore(s.get(orderRepository), s.config.doc);
export const orderService: Wire<OrderService> = (s) =>
  new OrderService(s.get(orderStore), clockOf(s), s.get(paymentSettings), s.get(orderPaymentStore));

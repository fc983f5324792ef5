import { clockOf, type Wire } from '../wiring.ts';
import { orderPaymentStore, orderService, orderStore, paymentSettings } from '../orders/wiring.ts';
import { PaymentService } from './service.ts';

export const paymentService: Wire<PaymentService> = (s) =>
  new PaymentService(
    s.get(orderStore),
    s.get(orderPaymentStore),
    s.get(orderService),
    s.get(paymentSettings),
    clockOf(s),
  );

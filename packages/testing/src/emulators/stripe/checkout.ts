import { randomBytes } from 'node:crypto';
import { FormError, int, list, metadata, obj, onlyKnown, str, type FormObject } from './form.ts';
import {
  invalid,
  notFound,
  snapshot,
  stripeId,
  StripeHttpError,
  type ChargeObject,
  type CheckoutSessionObject,
  type LineItem,
  type PaymentIntentObject,
  type RefundObject,
  type StripeObject,
} from './objects.ts';

/** Stripe's test cards the hosted page knows. Any other number is declined, as in test mode. */
export const TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  authentication: '4000002500003155',
} as const;

export type PayOutcome =
  | { status: 'succeeded'; redirectUrl: string }
  | { status: 'declined'; message: string }
  | { status: 'requires_action' };

/** Stripe: a Checkout Session's `expires_at` lies 30 minutes to 24 hours after its creation. */
const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;
/** Stripe's bounds on a Checkout total in USD: at least $0.50, at most $999,999.99. */
const MIN_TOTAL = 50;
const MAX_TOTAL = 99_999_999;

const SESSION_PARAMS = [
  'mode',
  'line_items',
  'metadata',
  'payment_intent_data',
  'client_reference_id',
  'expires_at',
  'success_url',
  'cancel_url',
  'customer_email',
  'locale',
  'currency',
  'expand',
] as const;

export interface Clock {
  /** Unix seconds. */
  now(): number;
}

/**
 * The state of one Stripe account in test mode: Checkout Sessions, their PaymentIntents, charges
 * and refunds. Every change that Stripe announces by an event is passed to `emit`.
 */
export class StripeAccount {
  readonly sessions = new Map<string, CheckoutSessionObject>();
  readonly lines = new Map<string, LineItem[]>();
  readonly paymentIntents = new Map<string, PaymentIntentObject>();
  readonly charges = new Map<string, ChargeObject>();
  readonly refunds = new Map<string, RefundObject>();
  /** Sessions waiting for the shopper's "Complete authentication". */
  readonly awaitingAuthentication = new Set<string>();
  /** Refunds are created `pending` and wait for `succeedRefund` (Stripe's asynchronous refunds). */
  pendingRefunds = false;

  constructor(
    private readonly clock: Clock,
    private readonly publicUrl: () => string,
    private readonly emit: (type: string, object: StripeObject) => void,
  ) {}

  createSession(params: FormObject): CheckoutSessionObject {
    onlyKnown(params, SESSION_PARAMS);
    const mode = str(params, 'mode');
    if (mode === undefined)
      throw invalid('Missing required param: mode.', 'mode', 'parameter_missing');
    if (mode !== 'payment') {
      throw invalid(
        'The local server models mode=payment only.',
        'mode',
        'parameter_invalid_string',
      );
    }
    const successUrl = str(params, 'success_url');
    if (!successUrl) {
      throw invalid('Missing required param: success_url.', 'success_url', 'parameter_missing');
    }
    requireUrl(successUrl, 'success_url');
    const cancelUrl = str(params, 'cancel_url') ?? null;
    if (cancelUrl) requireUrl(cancelUrl, 'cancel_url');
    const { lines, currency } = this.readLines(params);
    const total = lines.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
    if (total < MIN_TOTAL) {
      throw invalid(
        `The Checkout Session's total amount due must add up to at least ${MIN_TOTAL} (in ${currency}'s smallest unit).`,
        undefined,
        'amount_too_small',
      );
    }
    if (total > MAX_TOTAL) {
      throw invalid(
        `The Checkout Session's total amount due must be no more than ${MAX_TOTAL}.`,
        undefined,
        'amount_too_large',
      );
    }
    const created = this.clock.now();
    const expiresAt = int(params, 'expires_at') ?? created + MAX_EXPIRY_SECONDS;
    if (expiresAt < created + MIN_EXPIRY_SECONDS || expiresAt > created + MAX_EXPIRY_SECONDS) {
      throw invalid(
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        'expires_at',
        'parameter_invalid_integer',
      );
    }
    const intentData = obj(params, 'payment_intent_data') ?? {};
    onlyKnown(intentData, ['metadata', 'description'], 'payment_intent_data');
    const id = stripeId('cs_test_a1', 56);
    const session: CheckoutSessionObject = {
      id,
      object: 'checkout.session',
      amount_subtotal: total,
      amount_total: total,
      cancel_url: cancelUrl,
      client_reference_id: str(params, 'client_reference_id') ?? null,
      created,
      currency,
      customer: null,
      customer_email: str(params, 'customer_email') ?? null,
      expires_at: expiresAt,
      livemode: false,
      locale: str(params, 'locale') ?? null,
      metadata: metadata(params, 'metadata'),
      mode: 'payment',
      payment_intent: null,
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      success_url: successUrl,
      ui_mode: 'hosted',
      url: `${this.publicUrl()}/pay/${id}`,
    };
    this.sessions.set(id, session);
    this.lines.set(id, lines);
    this.intentMetadata.set(id, metadata(intentData, 'metadata', 'payment_intent_data[metadata]'));
    return session;
  }

  private readonly intentMetadata = new Map<string, Record<string, string>>();

  private readLines(params: FormObject): { lines: LineItem[]; currency: string } {
    const items = list(params, 'line_items');
    if (!items?.length) {
      throw invalid('Missing required param: line_items.', 'line_items', 'parameter_missing');
    }
    let currency: string | undefined;
    const lines = items.map((item, i) => {
      const at = `line_items[${i}]`;
      onlyKnown(item, ['price_data', 'quantity'], at);
      const price = obj(item, 'price_data', `${at}[price_data]`);
      if (!price) {
        throw invalid(`Missing required param: ${at}[price_data].`, `${at}[price_data]`);
      }
      onlyKnown(price, ['currency', 'unit_amount', 'product_data'], `${at}[price_data]`);
      const lineCurrency = str(price, 'currency', `${at}[price_data][currency]`)?.toLowerCase();
      if (!lineCurrency || !/^[a-z]{3}$/.test(lineCurrency)) {
        throw invalid('Invalid currency.', `${at}[price_data][currency]`);
      }
      if (currency && currency !== lineCurrency) {
        throw invalid('All line items must have the same currency.', `${at}[price_data][currency]`);
      }
      currency = lineCurrency;
      const unitAmount = int(price, 'unit_amount', `${at}[price_data][unit_amount]`);
      if (unitAmount === undefined || unitAmount < 0) {
        throw invalid('Invalid unit_amount.', `${at}[price_data][unit_amount]`);
      }
      const product = obj(price, 'product_data', `${at}[price_data][product_data]`);
      const name = product && str(product, 'name', `${at}[price_data][product_data][name]`);
      if (!name) {
        throw invalid(
          `Missing required param: ${at}[price_data][product_data][name].`,
          `${at}[price_data][product_data][name]`,
        );
      }
      const quantity = int(item, 'quantity', `${at}[quantity]`);
      if (quantity === undefined || quantity < 1) {
        throw invalid('Invalid quantity.', `${at}[quantity]`);
      }
      return { name, unitAmount, quantity };
    });
    return { lines, currency: currency! };
  }

  /** The session, expired first if its time has come (Stripe checks on access too). */
  session(id: string): CheckoutSessionObject {
    const session = this.sessions.get(id);
    if (!session) throw notFound('checkout.session', id, 'session');
    this.expireIfDue(session);
    return session;
  }

  expireDue(): void {
    for (const session of this.sessions.values()) this.expireIfDue(session);
  }

  private expireIfDue(session: CheckoutSessionObject): void {
    if (session.status === 'open' && this.clock.now() >= session.expires_at) this.expire(session);
  }

  expireSession(id: string): CheckoutSessionObject {
    const session = this.session(id);
    if (session.status !== 'open') {
      throw invalid(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
        undefined,
        'checkout_session_not_open',
      );
    }
    this.expire(session);
    return session;
  }

  private expire(session: CheckoutSessionObject): void {
    session.status = 'expired';
    session.url = null;
    this.awaitingAuthentication.delete(session.id);
    const intent = session.payment_intent && this.paymentIntents.get(session.payment_intent);
    if (intent && intent.status !== 'succeeded') {
      intent.status = 'canceled';
      intent.canceled_at = this.clock.now();
      intent.cancellation_reason = 'abandoned';
      this.emit('payment_intent.canceled', snapshot(intent));
    }
    this.emit('checkout.session.expired', snapshot(session));
  }

  /** What the hosted page does with a card number. */
  pay(id: string, cardNumber: string): PayOutcome {
    const session = this.openSession(id);
    const card = cardNumber.replace(/[\s-]/g, '');
    const intent = this.intentFor(session);
    if (card === TEST_CARDS.authentication) {
      intent.status = 'requires_action';
      this.awaitingAuthentication.add(id);
      return { status: 'requires_action' };
    }
    if (card === TEST_CARDS.success) return this.succeed(session, intent);
    const message =
      card === TEST_CARDS.declined
        ? 'Your card was declined.'
        : 'Your card was declined. Your request was in test mode, but used a non test card.';
    return this.decline(intent, message);
  }

  authenticate(id: string, outcome: 'complete' | 'fail'): PayOutcome {
    const session = this.openSession(id);
    if (!this.awaitingAuthentication.delete(id)) {
      throw invalid('This Checkout Session is not waiting for authentication.');
    }
    const intent = this.intentFor(session);
    if (outcome === 'complete') return this.succeed(session, intent);
    return this.decline(
      intent,
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
      'payment_intent_authentication_failure',
    );
  }

  private openSession(id: string): CheckoutSessionObject {
    const session = this.session(id);
    if (session.status !== 'open') {
      throw invalid(
        `This Checkout Session is ${session.status}.`,
        undefined,
        'checkout_session_not_open',
      );
    }
    return session;
  }

  private intentFor(session: CheckoutSessionObject): PaymentIntentObject {
    const existing = session.payment_intent && this.paymentIntents.get(session.payment_intent);
    if (existing) return existing;
    const id = stripeId('pi_');
    const intent: PaymentIntentObject = {
      id,
      object: 'payment_intent',
      amount: session.amount_total,
      amount_received: 0,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      created: this.clock.now(),
      currency: session.currency,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: this.intentMetadata.get(session.id) ?? {},
      payment_method_types: ['card'],
      status: 'requires_payment_method',
    };
    this.paymentIntents.set(id, intent);
    session.payment_intent = id;
    this.emit('payment_intent.created', snapshot(intent));
    return intent;
  }

  private decline(
    intent: PaymentIntentObject,
    message: string,
    code = 'card_declined',
  ): PayOutcome {
    intent.status = 'requires_payment_method';
    intent.last_payment_error = {
      type: 'card_error',
      code,
      ...(code === 'card_declined' ? { decline_code: 'generic_decline' } : {}),
      message,
    };
    this.emit('payment_intent.payment_failed', snapshot(intent));
    return { status: 'declined', message };
  }

  private succeed(session: CheckoutSessionObject, intent: PaymentIntentObject): PayOutcome {
    const charge: ChargeObject = {
      id: stripeId('ch_'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      captured: true,
      created: this.clock.now(),
      currency: intent.currency,
      livemode: false,
      metadata: { ...intent.metadata },
      paid: true,
      payment_intent: intent.id,
      refunded: false,
      status: 'succeeded',
    };
    this.charges.set(charge.id, charge);
    Object.assign(intent, {
      status: 'succeeded',
      amount_received: intent.amount,
      latest_charge: charge.id,
      last_payment_error: null,
    });
    session.status = 'complete';
    session.payment_status = 'paid';
    session.url = null;
    this.emit('charge.succeeded', snapshot(charge));
    this.emit('payment_intent.succeeded', snapshot(intent));
    this.emit('checkout.session.completed', snapshot(session));
    return {
      status: 'succeeded',
      redirectUrl: session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id),
    };
  }

  paymentIntent(id: string): PaymentIntentObject {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw notFound('payment_intent', id, 'intent');
    return intent;
  }

  createRefund(params: FormObject): RefundObject {
    onlyKnown(params, ['payment_intent', 'charge', 'amount', 'metadata', 'reason', 'expand']);
    const intentId = str(params, 'payment_intent');
    const chargeId = str(params, 'charge');
    let charge: ChargeObject | undefined;
    if (intentId) {
      const intent = this.paymentIntents.get(intentId);
      if (!intent) throw notFound('payment_intent', intentId, 'payment_intent');
      if (intent.status !== 'succeeded' || !intent.latest_charge) {
        throw invalid(
          `This PaymentIntent (${intentId}) does not have a successful charge to refund.`,
          'payment_intent',
        );
      }
      charge = this.charges.get(intent.latest_charge);
    } else if (chargeId) {
      charge = this.charges.get(chargeId);
      if (!charge) throw notFound('charge', chargeId, 'charge');
    } else {
      throw invalid(
        'One of the following params should be provided for this request: payment_intent or charge.',
      );
    }
    if (!charge) throw new StripeHttpError(500, { type: 'api_error', message: 'Charge missing' });
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) {
      throw invalid(
        `Charge ${charge.id} has already been refunded.`,
        undefined,
        'charge_already_refunded',
      );
    }
    const amount = int(params, 'amount') ?? remaining;
    if (amount < 1 || amount > remaining) {
      throw invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        'amount',
        'amount_too_large',
      );
    }
    const reason = str(params, 'reason') ?? null;
    if (reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) {
      throw new FormError(`Invalid reason: ${reason}`, 'reason');
    }
    const refund: RefundObject = {
      id: stripeId('re_'),
      object: 'refund',
      amount,
      charge: charge.id,
      created: this.clock.now(),
      currency: charge.currency,
      metadata: metadata(params, 'metadata'),
      payment_intent: charge.payment_intent,
      reason,
      status: this.pendingRefunds ? 'pending' : 'succeeded',
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.emit('refund.created', snapshot(refund));
    if (refund.status === 'succeeded') this.emit('charge.refunded', snapshot(charge));
    return refund;
  }

  /** A pending refund succeeds: `refund.updated`, then `charge.refunded`, as Stripe sends them. */
  succeedRefund(id: string): RefundObject {
    const refund = this.refunds.get(id);
    if (!refund) throw notFound('refund', id, 'refund');
    if (refund.status !== 'pending') throw invalid(`Refund ${id} is ${refund.status}.`);
    refund.status = 'succeeded';
    this.emit('refund.updated', snapshot(refund));
    const charge = this.charges.get(refund.charge);
    if (charge) this.emit('charge.refunded', snapshot(charge));
    return refund;
  }
}

function requireUrl(value: string, param: string): void {
  if (!URL.canParse(value)) throw invalid('Not a valid URL', param, 'url_invalid');
}

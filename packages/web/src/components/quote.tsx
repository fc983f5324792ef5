/**
 * Today's prices and stock for the cart, from the API (`orders.quote`, one request): the cart and
 * the checkout show these, never the prices remembered when a product was added.
 */
import { useQuery } from '@tanstack/react-query';
import { money, useTRPC, type RouterQuote } from '../api.ts';
import { cart, type CartLine } from '../cart.ts';

export type Quote = RouterQuote;
export type QuoteLine = Quote['lines'][number];
export type QuoteProblem = Quote['problems'][number];

/** The contract's bound on one line (order lines: quantity 1–100). */
const MAX_LINE_QUANTITY = 100;

export function useQuote(lines: CartLine[]) {
  const trpc = useTRPC();
  const items = lines.map((l) => ({
    productId: l.productId,
    quantity: Math.min(l.quantity, MAX_LINE_QUANTITY),
  }));
  return useQuery({
    ...trpc.orders.quote.queryOptions({ items }),
    enabled: items.length > 0,
    // Always today's answer when a cart or checkout page opens.
    staleTime: 0,
    refetchOnMount: 'always',
    placeholderData: (previous) => previous,
  });
}

/** A cart line with what the last quote says of it. */
export interface QuotedLine {
  line: CartLine;
  quoted: QuoteLine | undefined;
  problem: QuoteProblem | undefined;
}

/** What is wrong with a line today, in plain words, with the fix offered beside it. */
export function LineNotice({ line, quoted, problem }: QuotedLine) {
  if (problem?.reason === 'NOT_FOUND') {
    return (
      <p className="line-notice" role="note">
        No longer sold.{' '}
        <button type="button" className="link small" onClick={() => cart.remove(line.productId)}>
          Remove it
        </button>
      </p>
    );
  }
  if (problem?.reason === 'OUT_OF_STOCK') {
    return (
      <p className="line-notice" role="note" data-problem="OUT_OF_STOCK">
        Sold out.{' '}
        <button type="button" className="link small" onClick={() => cart.remove(line.productId)}>
          Remove it
        </button>
      </p>
    );
  }
  if (problem?.reason === 'NOT_ENOUGH_STOCK' && quoted) {
    return (
      <p className="line-notice" role="note" data-problem="NOT_ENOUGH_STOCK">
        Only {quoted.available} left.{' '}
        <button
          type="button"
          className="link small"
          onClick={() => cart.setQuantity(line.productId, quoted.available)}
        >
          Order {quoted.available}
        </button>
      </p>
    );
  }
  if (line.quantity > MAX_LINE_QUANTITY) {
    return (
      <p className="line-notice" role="note">
        At most {MAX_LINE_QUANTITY} per order.{' '}
        <button
          type="button"
          className="link small"
          onClick={() => cart.setQuantity(line.productId, MAX_LINE_QUANTITY)}
        >
          Order {MAX_LINE_QUANTITY}
        </button>
      </p>
    );
  }
  if (quoted && quoted.unitPrice !== line.price) {
    return (
      <p className="line-notice" role="note" data-problem="PRICE_CHANGED">
        Price changed: was {money(line.price)}, now {money(quoted.unitPrice)}.
      </p>
    );
  }
  return null;
}

/** The quote's lines by product, and its problems by product. */
export function quoteIndex(quote: Quote | undefined) {
  return {
    line: (productId: string) => quote?.lines.find((l) => l.productId === productId),
    problem: (productId: string) => quote?.problems.find((p) => p.productId === productId),
  };
}

/** True when the cart can go to checkout as it is: every line exists, in stock, within bounds. */
export function quoteIsClean(quote: Quote | undefined, lines: CartLine[]): boolean {
  return (
    quote !== undefined &&
    quote.problems.length === 0 &&
    lines.every((l) => l.quantity <= MAX_LINE_QUANTITY)
  );
}

/** Lines whose price today differs from the one the shopper saw when adding them. */
export function priceChanges(quote: Quote | undefined, lines: CartLine[]) {
  return lines.flatMap((l) => {
    const q = quote?.lines.find((x) => x.productId === l.productId);
    return q && q.unitPrice !== l.price
      ? [{ name: q.productName, was: l.price, now: q.unitPrice }]
      : [];
  });
}

import { MAX_QUANTITY, type QuoteInput } from './schema.ts';
import type { OrderStore } from './store.ts';

export interface QuoteLine {
  productId: string;
  productName: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
  /** Units that can be ordered now: the stock, at most the most one line may hold. */
  available: number;
}
export type QuoteProblemReason = 'NOT_FOUND' | 'OUT_OF_STOCK' | 'NOT_ENOUGH_STOCK';
export interface Quote {
  lines: QuoteLine[];
  total: number;
  currency: string;
  problems: { productId: string; reason: QuoteProblemReason }[];
}

/**
 * What the lines cost today and whether they can be had, from one strongly consistent
 * BatchGetItem (what `orders.create` will read). `total` is what `orders.create` will charge for
 * the lines that exist, at the quantities asked: the `expectedTotal` to send.
 */
export async function quote(
  store: OrderStore,
  currency: string,
  input: QuoteInput,
): Promise<Quote> {
  const products = await store.products(input.items.map((l) => l.productId));
  const lines: QuoteLine[] = [];
  const problems: Quote['problems'] = [];
  for (const { productId, quantity } of input.items) {
    const product = products.get(productId);
    if (!product) {
      problems.push({ productId, reason: 'NOT_FOUND' });
      continue;
    }
    if (product.stock === 0) problems.push({ productId, reason: 'OUT_OF_STOCK' });
    else if (product.stock < quantity) problems.push({ productId, reason: 'NOT_ENOUGH_STOCK' });
    lines.push({
      productId,
      productName: product.name,
      unitPrice: product.price,
      quantity,
      lineTotal: product.price * quantity,
      available: Math.min(product.stock, MAX_QUANTITY),
    });
  }
  return { lines, total: lines.reduce((sum, l) => sum + l.lineTotal, 0), currency, problems };
}

import { MAX_STOCK } from './schema.ts';

/**
 * A product's `soldOut` flag is projected into both product indexes (listings show it), `stock`
 * is not: so that an order line rewrites no index entry, every stock change writes `soldOut` only
 * when it flips, that is when stock reaches 0 or leaves it. An UpdateItem cannot compute the
 * flag, so the change is conditioned on which side of 0 the stock is: `seen` is the stock the
 * caller last read (or expects), and the condition holds only if the row is still on the side
 * the update assumes. When it fails, the caller reads the row's stock from the failure and asks
 * again with it (`stockMoveFrom`).
 */
export interface StockMove {
  /** The UpdateExpression (without `updatedAt` and the like: callers add their own). */
  update: string;
  /** `attribute_exists(category)` (a product, not the `#categories` row) and the stock's side. */
  condition: string;
  values: Record<string, unknown>;
}

/**
 * `stock + delta` from a row that held `seen` units, keeping `soldOut ⇔ stock = 0` and bounded
 * by 0 (and by MAX_STOCK when `bounded`; a restore of a cancelled order's units is not).
 * Placeholders start with `:st` so callers can add their own.
 */
export function stockMove(delta: number, seen: number, bounded = true): StockMove {
  const exists = 'attribute_exists(category)';
  const after = seen + delta;
  if (delta < 0 && after <= 0) {
    // Sells the last unit(s): exactly `-delta` must be left, and the flag goes up.
    return {
      update: 'SET stock = stock + :stDelta, soldOut = :stTrue',
      condition: `${exists} AND stock = :stNeed`,
      values: { ':stDelta': delta, ':stNeed': -delta, ':stTrue': true },
    };
  }
  if (delta > 0 && seen <= 0) {
    // Back in stock: the flag comes down.
    return {
      update: 'SET stock = stock + :stDelta, soldOut = :stFalse',
      condition: `${exists} AND stock = :stZero`,
      values: { ':stDelta': delta, ':stZero': 0, ':stFalse': false },
    };
  }
  if (delta < 0) {
    // Some left before and after: the flag stays down and is not written.
    return {
      update: 'SET stock = stock + :stDelta',
      condition: `${exists} AND stock > :stNeed`,
      values: { ':stDelta': delta, ':stNeed': -delta },
    };
  }
  return {
    update: 'SET stock = stock + :stDelta',
    condition: `${exists} AND stock > :stZero${bounded ? ' AND stock <= :stRoom' : ''}`,
    values: {
      ':stDelta': delta,
      ':stZero': 0,
      ...(bounded ? { ':stRoom': MAX_STOCK - delta } : {}),
    },
  };
}

/** The stock a failed move found on the row (`undefined`: the product is gone). */
export function stockOf(row: Record<string, unknown> | undefined): number | undefined {
  if (!row || row.category === undefined) return undefined;
  return typeof row.stock === 'number' ? row.stock : Number(row.stock);
}

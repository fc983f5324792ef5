import { describe, expect, it } from 'vitest';
import { TransactionCancelled } from '@shop/core';

// Pure (no emulator): a cancelled transaction names its failed writes by tag, never by position.
describe('TransactionCancelled', () => {
  const cause = new Error('cancelled');

  it('names the failed writes, or says it was a conflict', () => {
    const failed = [
      { tag: 'order', item: { id: 'o1' } },
      { tag: 'stock:p1', item: undefined },
    ];
    const error = new TransactionCancelled(failed, false, { cause });
    expect(error.message).toBe('Transaction cancelled: order, stock:p1');
    expect(error.cause).toBe(cause);
    expect(error.isConflict).toBe(false);
    expect(new TransactionCancelled([], true, { cause }).message).toBe(
      'Transaction cancelled: conflict',
    );
  });

  it('finds a failed write by its tag, and nothing for a write that did not fail', () => {
    const error = new TransactionCancelled(
      [
        { tag: 'order', item: { id: 'o1' } },
        { tag: 'stock:p1', item: { stock: 0 } },
      ],
      false,
      { cause },
    );
    expect(error.failure('stock:p1')).toEqual({ tag: 'stock:p1', item: { stock: 0 } });
    expect(error.failure('order')?.item).toEqual({ id: 'o1' });
    expect(error.failure('address')).toBeUndefined();
  });
});

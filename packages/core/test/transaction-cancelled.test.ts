import { describe, expect, it } from 'vitest';
import { retryOnConflict, ThrottledError, TransactionCancelled } from '@shop/core';

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
    const error = new TransactionCancelled<string>(
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

describe('retryOnConflict pauses', () => {
  it('pauses between fast conflicts: 8 attempts take at least 15+30+60+120+150+150+150 ms', async () => {
    // Pauses are min(150, 15 × 2^attempt × [0.5, 1.5)) ms after attempts 1..7: at least 675 ms.
    let attempts = 0;
    const started = Date.now();
    const error = await retryOnConflict(() => {
      attempts++;
      return Promise.reject(new TransactionCancelled([], true, { cause: new Error('c') }));
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(attempts).toBe(8);
    expect((error as Error).message).toBe('Too many concurrent changes, please retry');
    expect(Date.now() - started).toBeGreaterThanOrEqual(660);
  });

  it('retries a conflict, then answers the result of the attempt that succeeds', async () => {
    let attempts = 0;
    const result = await retryOnConflict(() => {
      attempts++;
      if (attempts < 3) {
        return Promise.reject(new TransactionCancelled([], true, { cause: new Error('c') }));
      }
      return Promise.resolve('placed');
    });
    expect(result).toBe('placed');
    expect(attempts).toBe(3);
  });

  it('does not retry a cancellation that failed its conditions', async () => {
    let attempts = 0;
    const refused = new TransactionCancelled([{ tag: 'order', item: undefined }], false, {
      cause: new Error('c'),
    });
    await expect(
      retryOnConflict(() => {
        attempts++;
        return Promise.reject(refused);
      }),
    ).rejects.toBe(refused);
    expect(attempts).toBe(1);
  });
});

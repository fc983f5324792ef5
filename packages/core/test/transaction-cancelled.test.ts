import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('retryOnConflict budget (a controlled clock)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /**
   * The clock starts at 0 and each failing attempt ends at the time given; the jitter is 1 (the
   * first pause is then 15 × 2 = 30 ms). Answers the number of attempts and the outcome.
   */
  async function run(endsOfFailingAttempts: number[]) {
    let clock = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    let attempts = 0;
    const outcome = await retryOnConflict(() => {
      const end = endsOfFailingAttempts[attempts++];
      if (end === undefined) return Promise.resolve('placed');
      clock = end;
      return Promise.reject(new TransactionCancelled([], true, { cause: new Error('c') }));
    }).catch((e: unknown) => e);
    return { attempts, outcome };
  }

  it('starts no attempt whose pause would end at 1,500 ms after the first', async () => {
    // 1,470 ms + a 30 ms pause = 1,500 ms: out of the budget.
    const { attempts, outcome } = await run([1470]);
    expect(attempts).toBe(1);
    expect(outcome).toBeInstanceOf(ThrottledError);
  });

  it('starts one whose pause ends before 1,500 ms', async () => {
    // 1,469 ms + 30 ms = 1,499 ms; then 1,439 ms + a 60 ms pause = 1,499 ms again.
    expect(await run([1469])).toEqual({ attempts: 2, outcome: 'placed' });
    expect(await run([1000, 1439])).toEqual({ attempts: 3, outcome: 'placed' });
    const late = await run([1000, 1440]);
    expect(late.attempts).toBe(2);
    expect(late.outcome).toBeInstanceOf(ThrottledError);
  });
});

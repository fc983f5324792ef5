import { describe, expect, it } from 'vitest';
import { retryOnConflict, ThrottledError, TransactionCancelled } from '@shop/core';

const conflict = () => new TransactionCancelled([], true, { cause: new Error('conflict') });

describe('retryOnConflict', () => {
  it('starts no attempt 1.5 s after the first, however many attempts remain', async () => {
    let attempts = 0;
    const started = Date.now();
    const error = await retryOnConflict(async () => {
      attempts++;
      await new Promise((r) => setTimeout(r, 400));
      throw conflict();
    }, 100).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ThrottledError);
    // 400 ms attempts: the 1.5 s budget allows 4 or 5 (pauses of up to 150 ms), never 100.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(5);
    expect(elapsed).toBeLessThan(1_500 + 400 + 500);
  });

  it('gives up after 8 attempts of fast conflicts', async () => {
    let attempts = 0;
    const error = await retryOnConflict(() => {
      attempts++;
      return Promise.reject(conflict());
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(attempts).toBe(8);
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    const boom = new Error('boom');
    await expect(
      retryOnConflict(() => {
        attempts++;
        return Promise.reject(boom);
      }),
    ).rejects.toBe(boom);
    expect(attempts).toBe(1);
  });
});

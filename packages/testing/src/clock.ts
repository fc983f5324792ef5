import type { Clock } from '@shop/core';

/** A clock that stands still until a test moves it, so timestamps differ without sleeping. */
export interface TestClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds and returns the new time. */
  advance(ms: number): Date;
}

export function createTestClock(start: Date | string = '2025-01-01T00:00:00.000Z'): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
      return new Date(current);
    },
  };
}

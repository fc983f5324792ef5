import { describe, expect, it } from 'vitest';
import { money } from '../src/api.ts';

// `money` stands in for Intl's formatter (kept off the catalogue's critical path): the same text.
const intl = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

describe('money', () => {
  it('writes prices as Intl.NumberFormat en-US USD does', () => {
    const cents = [0, 1, 9, 10, 99, 100, 101, 1999, 99_999, 100_000, 123_456, 1_000_000_00];
    for (const c of [...cents, ...cents.slice(1).map((c) => -c)]) {
      expect(money(c)).toBe(intl.format(c / 100));
    }
    // Every cent value up to $1,000.00 and a spread of larger ones.
    for (let c = 0; c <= 100_000; c++) expect(money(c)).toBe(intl.format(c / 100));
    for (let c = 100_000; c < 10_000_000_000; c = c * 3 + 7) {
      expect(money(c)).toBe(intl.format(c / 100));
    }
  });

  it('reads as people expect', () => {
    expect(money(1999)).toBe('$19.99');
    expect(money(123_456)).toBe('$1,234.56');
    expect(money(-250)).toBe('-$2.50');
    expect(money(-0)).toBe('$0.00'); // Intl writes "-$0.00"; no price is -0 anyway
  });
});

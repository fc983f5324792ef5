/** The cart, kept in localStorage so it survives reloads (and is shared by open tabs). */
import { useSyncExternalStore } from 'react';

export interface CartLine {
  productId: string;
  name: string;
  price: number;
  imageUrl: string | null;
  quantity: number;
}

const KEY = 'shop.cart';
const listeners = new Set<() => void>();
let cache: { raw: string | null; lines: CartLine[] } = { raw: null, lines: [] };

function read(): CartLine[] {
  const raw = localStorage.getItem(KEY);
  if (raw === cache.raw) return cache.lines;
  let lines: CartLine[] = [];
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (Array.isArray(parsed)) lines = parsed as CartLine[];
  } catch {
    lines = [];
  }
  cache = { raw, lines };
  return lines;
}

function write(lines: CartLine[]) {
  const kept = lines.filter((l) => l.quantity > 0);
  if (kept.length) localStorage.setItem(KEY, JSON.stringify(kept));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

window.addEventListener('storage', (event) => {
  if (event.key === KEY) for (const listener of listeners) listener();
});

export const cart = {
  lines: read,
  add(line: Omit<CartLine, 'quantity'>, quantity = 1) {
    const lines = read();
    const existing = lines.find((l) => l.productId === line.productId);
    write(
      existing
        ? lines.map((l) =>
            l.productId === line.productId ? { ...l, quantity: l.quantity + quantity } : l,
          )
        : [...lines, { ...line, quantity }],
    );
  },
  setQuantity(productId: string, quantity: number) {
    write(read().map((l) => (l.productId === productId ? { ...l, quantity } : l)));
  },
  remove(productId: string) {
    write(read().filter((l) => l.productId !== productId));
  },
  clear() {
    write([]);
  },
};

export function useCart(): CartLine[] {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, read);
}

export const cartCount = (lines: CartLine[]) => lines.reduce((n, l) => n + l.quantity, 0);
export const cartTotal = (lines: CartLine[]) => lines.reduce((n, l) => n + l.quantity * l.price, 0);

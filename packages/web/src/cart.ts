/**
 * The cart: a small zustand store kept in localStorage (it survives reloads and is shared by open
 * tabs). What comes back from storage is checked against a schema: a line that does not parse is
 * dropped, never trusted.
 */
import * as z from 'zod/mini';
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

const cartLineSchema = z.object({
  productId: z.string().check(z.minLength(1)),
  name: z.string(),
  price: z.int().check(z.gte(0)),
  imageUrl: z.nullable(z.string()),
  quantity: z.int().check(z.gte(1)),
});
export type CartLine = z.infer<typeof cartLineSchema>;

/** The lines that parse, from whatever storage held (an old shape, a hand edit, garbage). */
export function parseCartLines(value: unknown): CartLine[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((line) => {
    const parsed = cartLineSchema.safeParse(line);
    return parsed.success ? [parsed.data] : [];
  });
}

interface CartState {
  lines: CartLine[];
  add(line: Omit<CartLine, 'quantity'>, quantity?: number): void;
  setQuantity(productId: string, quantity: number): void;
  remove(productId: string): void;
  /** Today's prices and names (from a quote), once the shopper has seen them. */
  reprice(today: { productId: string; unitPrice: number; productName: string }[]): void;
  clear(): void;
}

const KEY = 'shop.cart';

export const useCartStore = create<CartState>()(
  persist(
    (set) => ({
      lines: [],
      add: (line, quantity = 1) =>
        set(({ lines }) => ({
          lines: lines.some((l) => l.productId === line.productId)
            ? lines.map((l) =>
                l.productId === line.productId ? { ...l, quantity: l.quantity + quantity } : l,
              )
            : [...lines, { ...line, quantity }],
        })),
      setQuantity: (productId, quantity) =>
        set(({ lines }) => ({
          lines: lines.map((l) =>
            l.productId === productId ? { ...l, quantity: Math.max(1, quantity) } : l,
          ),
        })),
      remove: (productId) =>
        set(({ lines }) => ({ lines: lines.filter((l) => l.productId !== productId) })),
      reprice: (today) =>
        set(({ lines }) => ({
          lines: lines.map((l) => {
            const q = today.find((t) => t.productId === l.productId);
            return q ? { ...l, price: q.unitPrice, name: q.productName } : l;
          }),
        })),
      clear: () => set({ lines: [] }),
    }),
    {
      name: KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ lines }) => ({ lines }),
      // Version 0 was the hand-written cart: a bare array under the same key.
      migrate: (persisted) => ({ lines: parseCartLines(persisted) }),
      merge: (persisted, current) => ({
        ...current,
        lines: parseCartLines((persisted as { lines?: unknown } | undefined)?.lines),
      }),
    },
  ),
);

// Another tab changed the cart: read it again.
window.addEventListener('storage', (event) => {
  if (event.key === KEY) void useCartStore.persist.rehydrate();
});

/** The cart's actions, for event handlers. */
export const cart = {
  add: (line: Omit<CartLine, 'quantity'>, quantity?: number) =>
    useCartStore.getState().add(line, quantity),
  setQuantity: (productId: string, quantity: number) =>
    useCartStore.getState().setQuantity(productId, quantity),
  remove: (productId: string) => useCartStore.getState().remove(productId),
  reprice: (today: { productId: string; unitPrice: number; productName: string }[]) =>
    useCartStore.getState().reprice(today),
  clear: () => useCartStore.getState().clear(),
};

export const useCart = () => useCartStore((state) => state.lines);
export const cartCount = (lines: CartLine[]) => lines.reduce((n, l) => n + l.quantity, 0);
export const cartTotal = (lines: CartLine[]) => lines.reduce((n, l) => n + l.quantity * l.price, 0);

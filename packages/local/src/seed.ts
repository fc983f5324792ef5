import { ConflictError, type Services } from '@shop/core';

/**
 * A small demo catalogue over 6 categories, prices in cents. Accented and multi-word names make
 * search worth trying: "cafe" finds "Café Crème Espresso Beans", "creme" does not (prefix search).
 */
const catalogue: Record<string, [name: string, price: number, stock: number][]> = {
  books: [
    ['The Pragmatic Programmer', 4299, 40],
    ['Designing Data-Intensive Applications', 4999, 25],
    ['Refactoring', 4499, 30],
    ['Clean Architecture', 3599, 20],
    ['Site Reliability Engineering', 3999, 15],
  ],
  electronics: [
    ['USB-C Charger 65W', 3499, 100],
    ['Noise-Cancelling Headphones', 24999, 12],
    ['Mechanical Keyboard', 12999, 18],
    ['4K Monitor 27"', 38999, 8],
    ['Wireless Mouse', 2999, 60],
  ],
  kitchen: [
    ['Chef Knife 8"', 8999, 22],
    ['Cast Iron Skillet', 4599, 35],
    ['Pour-Over Coffee Set', 3899, 27],
    ['Crème Brûlée Torch', 2899, 15],
    ['Bamboo Cutting Board', 2499, 50],
    ['Digital Kitchen Scale', 1999, 44],
  ],
  outdoor: [
    ['Trail Running Shoes', 12999, 16],
    ['Insulated Water Bottle', 2999, 80],
    ['Two-Person Tent', 19999, 6],
    ['Headlamp', 3499, 40],
    ['Daypack 25L', 7999, 14],
  ],
  pantry: [
    ['Café Crème Espresso Beans', 1499, 60],
    ['Café de Olla Spice Mix', 899, 40],
    ['Jalapeño Hot Sauce', 699, 75],
    ['Crêpe Flour 1kg', 549, 50],
    ['Müsli Crunchy Honey', 799, 45],
    ['Açaí Powder', 1899, 20],
    ['Smörgåsbord Crispbread', 499, 55],
  ],
  toys: [
    ['Wooden Train Set', 5999, 10],
    ['Building Blocks 500pc', 3999, 30],
    ['Puzzle 1000pc', 1999, 25],
    ['Kite', 2499, 12],
  ],
};

/** Where the demo pictures live: the web app's own `/images/products/` (see its productImageSrc). */
export const SEED_IMAGE_BASE = 'https://localhost/images/products';

/**
 * Writes the demo catalogue once: products have fixed ids, so a restart with `--persist` finds
 * them and writes nothing (stock sold meanwhile is kept).
 */
export async function seedCatalogue(
  services: Services,
): Promise<{ created: number; total: number }> {
  const rows = Object.entries(catalogue).flatMap(([category, products]) =>
    products.map(([name, price, stock], n) => ({
      id: `seed-${category}-${n + 1}`,
      input: {
        name,
        description: `${name}: demo product in ${category}.\nShips in 2–3 days.`,
        price,
        // Pictures shipped with the web app (public/images/products); the contract wants https, and
        // the web app loads `https://localhost/images/…` from its own origin.
        imageUrl: `${SEED_IMAGE_BASE}/${category}-${n + 1}.webp`,
        category,
        stock,
      },
    })),
  );
  let created = 0;
  // One at a time: every create also bumps its category's counter, one hot item.
  for (const { id, input } of rows) {
    try {
      await services.products.create(input, id);
      created++;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return { created, total: rows.length };
}

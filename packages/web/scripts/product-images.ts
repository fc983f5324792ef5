/**
 * Draws the demo catalogue's product pictures (public/images/products/<category>-<n>.webp): one
 * motif per category on a tint that varies per product. Made by the project, CC0 (see README).
 * Drawn as SVG, shipped as WebP as a shop's photos would be: Chromium builds a whole document for
 * every SVG `<img>` on the page's main thread (≈ 5–25 ms each on this machine, a dozen per
 * catalogue page), where a WebP is decoded off the main thread.
 * Run: node --import tsx packages/web/scripts/product-images.ts
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';

const OUT = resolve(import.meta.dirname, '../public/images/products');
const COUNTS: Record<string, number> = {
  books: 5,
  electronics: 5,
  kitchen: 6,
  outdoor: 5,
  pantry: 7,
  toys: 4,
};
const HUES: Record<string, number> = {
  books: 18,
  electronics: 215,
  kitchen: 350,
  outdoor: 140,
  pantry: 38,
  toys: 275,
};

const MOTIFS: Record<string, (ink: string, accent: string) => string> = {
  books: (i, a) =>
    `<rect x="150" y="90" width="60" height="180" rx="6" fill="${i}"/><rect x="216" y="110" width="50" height="160" rx="6" fill="${a}"/><rect x="272" y="80" width="56" height="190" rx="6" fill="${i}" transform="rotate(8 300 175)"/><rect x="120" y="270" width="240" height="14" rx="4" fill="${i}"/>`,
  electronics: (i, a) =>
    `<rect x="130" y="100" width="220" height="140" rx="14" fill="${i}"/><rect x="146" y="116" width="188" height="108" rx="6" fill="${a}"/><rect x="220" y="240" width="40" height="26" fill="${i}"/><rect x="180" y="264" width="120" height="12" rx="6" fill="${i}"/>`,
  kitchen: (i, a) =>
    `<circle cx="220" cy="190" r="78" fill="${i}"/><circle cx="220" cy="190" r="58" fill="${a}"/><rect x="292" y="178" width="110" height="24" rx="12" fill="${i}"/>`,
  outdoor: (i, a) =>
    `<path d="M90 280 L200 110 L270 215 L305 165 L390 280 Z" fill="${i}"/><path d="M200 110 L228 153 L208 146 L188 160 L176 148 Z" fill="${a}"/><circle cx="340" cy="100" r="26" fill="${a}"/>`,
  pantry: (i, a) =>
    `<rect x="175" y="96" width="130" height="34" rx="8" fill="${i}"/><rect x="160" y="126" width="160" height="160" rx="22" fill="${i}"/><rect x="180" y="170" width="120" height="70" rx="8" fill="${a}"/>`,
  toys: (i, a) =>
    `<rect x="140" y="200" width="80" height="80" rx="8" fill="${i}"/><rect x="230" y="200" width="80" height="80" rx="8" fill="${a}"/><rect x="185" y="112" width="80" height="80" rx="8" fill="${i}"/><circle cx="340" cy="250" r="30" fill="${a}"/>`,
};

mkdirSync(OUT, { recursive: true });
for (const [category, count] of Object.entries(COUNTS)) {
  for (let n = 1; n <= count; n++) {
    const hue = (HUES[category]! + n * 11) % 360;
    const bg = `hsl(${hue} 60% ${90 - n * 2}%)`;
    const ink = `hsl(${hue} 45% 30%)`;
    const accent = `hsl(${(hue + 40) % 360} 70% 62%)`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 360"><rect width="480" height="360" fill="${bg}"/>${MOTIFS[category]!(ink, accent)}</svg>\n`;
    await sharp(Buffer.from(svg))
      .webp({ quality: 82 })
      .toFile(resolve(OUT, `${category}-${n}.webp`));
  }
}

/**
 * A dependency-free SVG bar chart, one panel per figure and one bar per variant: cold start (ms),
 * warm overhead (µs) and HTTP throughput (req/s) of products.list and products.byId.
 */
interface ChartInput {
  coldStart: Record<string, { medianTotalMs: number }>;
  warmOverheadUs: Record<string, Record<string, number | null>>;
  httpLoad: Record<string, Record<string, { reqPerSec: number }>>;
}

const COLORS: Record<string, string> = {
  shop: '#2563eb',
  bare: '#6b7280',
  hono: '#f97316',
  'typical-trpc': '#16a34a',
};

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function renderChart(results: ChartInput): string {
  const variants = Object.keys(results.coldStart);
  const panels = [
    {
      title: 'Cold start, median ms (lower is better)',
      values: variants.map((v) => [v, results.coldStart[v]?.medianTotalMs ?? 0] as const),
    },
    {
      title: 'Warm overhead products.byId, µs (lower is better)',
      values: variants.map((v) => [v, results.warmOverheadUs['products.byId']?.[v] ?? 0] as const),
    },
    ...Object.entries(results.httpLoad).map(([procedure, byVariant]) => ({
      title: `HTTP ${procedure}, req/s (higher is better)`,
      values: variants.map((v) => [v, byVariant[v]?.reqPerSec ?? 0] as const),
    })),
  ];
  const width = 660;
  const barHeight = 20;
  const panelHeight = 40 + variants.length * (barHeight + 6);
  const label = 100;
  const parts = panels.map((panel, index) => {
    const top = index * (panelHeight + 10);
    const max = Math.max(...panel.values.map(([, v]) => v), 1);
    const bars = panel.values.map(([variant, value], i) => {
      const y = top + 30 + i * (barHeight + 6);
      const w = ((width - label - 80) * value) / max;
      return [
        `<text x="0" y="${y + 15}" font-size="13">${escape(variant)}</text>`,
        `<rect x="${label}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLORS[variant] ?? '#999'}"/>`,
        `<text x="${(label + w + 6).toFixed(1)}" y="${y + 15}" font-size="13">${value}</text>`,
      ].join('');
    });
    return `<text x="0" y="${top + 18}" font-size="14" font-weight="bold">${escape(panel.title)}</text>${bars.join('')}`;
  });
  const height = panels.length * (panelHeight + 10);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`;
}

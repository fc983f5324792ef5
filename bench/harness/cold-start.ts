/** Cold start: a fresh `node` per sample imports a bundle and answers its first products.list. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, perVariant, round, ROOT, step, VARIANTS, type PerVariant } from '../common.ts';

interface ColdSample {
  importMs: number;
  firstRequestMs: number;
  totalMs: number;
  /** User + system CPU time of the whole cold start (boot, import, first request). */
  cpuMs: number;
  rssMb: number;
}

export interface ColdStartResult {
  runs: number;
  medianTotalMs: number;
  medianCpuMs: number;
  medianImportMs: number;
  medianFirstRequestMs: number;
  medianRssMb: number;
}

export function coldStart(bundle: string, env: NodeJS.ProcessEnv): ColdSample {
  const result = spawnSync(process.execPath, [join(ROOT, 'bench/cold-start.mjs'), bundle], {
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cold start of ${bundle} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ColdSample;
}

/** `runs` samples per variant, interleaved (in rotating order) so noise hits every variant alike. */
export function measureColdStarts(
  bundles: PerVariant<{ main: string }>,
  env: NodeJS.ProcessEnv,
  runs: number,
): PerVariant<ColdStartResult> {
  const samples = perVariant((): ColdSample[] => []);
  for (let run = 0; run < runs; run++) {
    // Rotate who goes first, so no variant always runs right after the same neighbour.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length]!);
    for (const variant of order) samples[variant].push(coldStart(bundles[variant].main, env));
    if ((run + 1) % 5 === 0) step(`  ${run + 1}/${runs}`);
  }
  return perVariant((v) => ({
    runs: samples[v].length,
    medianTotalMs: round(median(samples[v].map((s) => s.totalMs))),
    medianCpuMs: round(median(samples[v].map((s) => s.cpuMs))),
    medianImportMs: round(median(samples[v].map((s) => s.importMs))),
    medianFirstRequestMs: round(median(samples[v].map((s) => s.firstRequestMs))),
    medianRssMb: round(median(samples[v].map((s) => s.rssMb))),
  }));
}

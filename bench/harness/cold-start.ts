/** Cold start: a fresh `node` per sample imports a bundle and answers its first products.list. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, round, ROOT, step } from '../common.ts';

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

/**
 * `runs` samples of each bundle (`name → main`: the variants, or any bundles to compare),
 * interleaved in rotating order so noise hits every bundle alike.
 */
export function measureColdStarts<Name extends string>(
  mains: Record<Name, string>,
  env: NodeJS.ProcessEnv,
  runs: number,
): Record<Name, ColdStartResult> {
  const names = Object.keys(mains) as Name[];
  const samples = new Map(names.map((n) => [n, [] as ColdSample[]]));
  for (let run = 0; run < runs; run++) {
    // Rotate who goes first, so no bundle always runs right after the same neighbour.
    const order = names.map((_, i) => names[(i + run) % names.length]!);
    for (const name of order) samples.get(name)!.push(coldStart(mains[name], env));
    if ((run + 1) % 5 === 0) step(`  ${run + 1}/${runs}`);
  }
  const result = {} as Record<Name, ColdStartResult>;
  for (const [name, s] of samples) {
    const med = (f: (x: ColdSample) => number) => round(median(s.map(f)));
    result[name] = {
      runs: s.length,
      medianTotalMs: med((x) => x.totalMs),
      medianCpuMs: med((x) => x.cpuMs),
      medianImportMs: med((x) => x.importMs),
      medianFirstRequestMs: med((x) => x.firstRequestMs),
      medianRssMb: med((x) => x.rssMb),
    };
  }
  return result;
}

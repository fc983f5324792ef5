/**
 * The HTTP gap: CPU profiles (V8's sampling profiler, as `node --cpu-prof` uses, started through
 * the inspector after a warm-up so start-up is left out) of the served shop and bare bundles under
 * the same autocannon load, self time summed by function and by module. The profiled bundles are built like
 * the shipped ones but unminified with a source map, so frames map back to their package or file.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleLikeSst, packageOf } from '../bundle.ts';
import { ENTRIES, round, ROOT, step } from '../common.ts';
import { httpPaths, load } from './http.ts';
import { serveBundle } from './serve.ts';

const PROFILED = ['shop', 'bare'] as const;

export interface CostCentre {
  name: string;
  selfMs: number;
  /** Share of the non-idle samples. */
  pct: number;
}
export interface Profile {
  variant: (typeof PROFILED)[number];
  procedure: string;
  reqPerSec: number;
  busyMs: number;
  topModules: CostCentre[];
  topFunctions: CostCentre[];
}
export interface ProfileResult {
  seconds: number;
  profiles: Profile[];
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

export async function profileHttp(
  env: NodeJS.ProcessEnv,
  productId: string,
  seconds: number,
): Promise<ProfileResult> {
  const dir = join(ROOT, 'bench/.build/profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const profiles: Profile[] = [];
  for (const variant of PROFILED) {
    const bundle = await bundleLikeSst(
      ENTRIES[variant],
      join(ROOT, `bench/.build/profile-${variant}`),
      {
        forProfile: true,
      },
    );
    for (const [procedure, path] of Object.entries(httpPaths(productId))) {
      const file = join(dir, `${variant}-${procedure}.cpuprofile`);
      const served = await serveBundle(bundle.main, env);
      let reqPerSec = 0;
      try {
        await load(`${served.url}${path}`, 1); // warm up: JIT, connections, JWKS-free paths
        await served.command('profile-start', 'profile-started');
        reqPerSec = round((await load(`${served.url}${path}`, seconds)).requests.average, 0);
        await served.command(`profile-stop ${file}`, 'profile-written');
      } finally {
        await served.stop();
      }
      const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
      profiles.push({ variant, procedure, reqPerSec, ...analyse(profile) });
      step(`  profiled ${variant} ${procedure} (${reqPerSec} req/s)`);
    }
  }
  return { seconds, profiles };
}

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    try {
      const path = fileURLToPath(url);
      maps.set(url, new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as never));
    } catch {
      maps.set(url, null);
    }
  }
  return maps.get(url)!;
}

/** `packages/core/src/db/repository.ts` stays a file; anything in node_modules becomes its package. */
function moduleOf(file: string): string {
  const clean = file.replace(/^(\.\.\/)+/, '').replace(/^file:\/\//, '');
  if (clean.includes('node_modules/')) return packageOf(clean);
  const rel = clean.startsWith('/') ? relative(ROOT, clean) : clean;
  return rel;
}

function locate(frame: CpuProfile['nodes'][number]['callFrame']): { fn: string; module: string } {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url) return { fn, module: fn.startsWith('(') ? fn : '(V8 / native)' };
  if (frame.url.startsWith('node:')) {
    return { fn, module: frame.url.split('/').slice(0, 3).join('/') };
  }
  if (frame.url.endsWith('.mjs') && frame.url.includes('/bench/.build/')) {
    const entry = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalSource' in entry && entry.originalSource) {
      const module = moduleOf(entry.originalSource);
      const line = 'originalLine' in entry ? entry.originalLine + 1 : 0;
      return { fn: `${fn} (${module.split('/').pop()}:${line})`, module };
    }
  }
  return { fn, module: moduleOf(frame.url) };
}

function analyse(profile: CpuProfile): Omit<Profile, 'variant' | 'procedure' | 'reqPerSec'> {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    if (!us) continue;
    const { fn, module } = locate(node.callFrame);
    if (module === '(idle)' || module === '(program)' || module === '(root)') continue;
    busy += us;
    modules.set(module, (modules.get(module) ?? 0) + us);
    const key = `${fn} — ${module}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number): CostCentre[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({
        name,
        selfMs: round(us / 1000, 0),
        pct: round((100 * us) / busy, 1),
      }));
  return {
    busyMs: round(busy / 1000, 0),
    topModules: top(modules, 12),
    topFunctions: top(functions, 15),
  };
}

export function renderProfiles(result: ProfileResult): string[] {
  return [
    `## Where the HTTP time goes (CPU profiles of the served bundle, ${result.seconds} s of load each; self time, share of busy samples)`,
    ``,
    ...result.profiles.flatMap((p) => [
      `**${p.variant} ${p.procedure}** (${p.reqPerSec} req/s while profiled, ${p.busyMs} ms busy):`,
      ``,
      `- modules: ${p.topModules.map((m) => `${m.name} ${m.pct}%`).join(', ')}`,
      `- functions: ${p.topFunctions.map((f) => `\`${f.name}\` ${f.pct}%`).join(', ')}`,
      ``,
    ]),
  ];
}

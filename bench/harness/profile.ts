/**
 * The HTTP gap: CPU profiles (V8's sampling profiler, as `node --cpu-prof` uses, started through
 * the inspector after a warm-up so start-up is left out) of the served shop and bare bundles under
 * the same autocannon load, self time summed by function and by module. The profiled bundles are built like
 * the shipped ones but unminified with a source map, so frames map back to their package or file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleLikeSst, packageOf } from '../bundle.ts';
import { ENTRIES, median, round, ROOT, step } from '../common.ts';
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
  requests: number;
  /** Sampled time, not idle (wall time: includes time the process waited for a CPU). */
  busyMs: number;
  /** CPU time the server got while profiled, per request. */
  cpuUsPerRequest: number;
  /** CPU µs per request by module (its share of the samples × CPU per request; above 0.5 %). */
  usPerRequest: Record<string, number>;
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
  /** Added by serve.ts: CPU time (user + system) the process got while profiling. */
  cpuUs: number;
}

/** The entry file of each profiled variant, built once for both kinds of profile. */
export type ProfileBundles = Record<(typeof PROFILED)[number], string>;

/** Shop and bare built like the shipped bundles but unminified, with source maps. */
export async function buildProfileBundles(): Promise<ProfileBundles> {
  const mains = {} as ProfileBundles;
  for (const variant of PROFILED) {
    const out = join(ROOT, `bench/.build/profile-${variant}`);
    mains[variant] = (await bundleLikeSst(ENTRIES[variant], out, { forProfile: true })).main;
  }
  return mains;
}

export async function profileHttp(
  mains: ProfileBundles,
  env: NodeJS.ProcessEnv,
  productId: string,
  seconds: number,
): Promise<ProfileResult> {
  const dir = join(ROOT, 'bench/.build/profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const profiles: Profile[] = [];
  for (const variant of PROFILED) {
    for (const [procedure, path] of Object.entries(httpPaths(productId))) {
      const file = join(dir, `${variant}-${procedure}.cpuprofile`);
      const served = await serveBundle(mains[variant], env);
      let reqPerSec = 0;
      let requests = 0;
      try {
        await load(`${served.url}${path}`, 1); // warm up: JIT, connections
        await served.command('profile-start', 'profile-started');
        const result = await load(`${served.url}${path}`, seconds);
        reqPerSec = round(result.requests.average, 0);
        requests = result.requests.total;
        await served.command(`profile-stop ${file}`, 'profile-written');
      } finally {
        await served.stop();
      }
      const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
      profiles.push({ variant, procedure, reqPerSec, requests, ...analyse(profile, requests) });
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
  // A copy of the repository elsewhere (a build from before a change) names files as the shop does.
  return rel.replace(/^.*?(?=packages\/)/, '');
}

function locate(frame: CpuProfile['nodes'][number]['callFrame']): { fn: string; module: string } {
  const fn = frame.functionName || '(anonymous)';
  // The inspector's own `dispatch` (serializing the profile on Profiler.stop) is not the server's.
  if (!frame.url && fn === 'dispatch') return { fn, module: '(profiler)' };
  if (!frame.url) return { fn, module: fn.startsWith('(') ? fn : `(native) ${fn}` };
  if (frame.url.startsWith('node:')) {
    return { fn, module: frame.url.split('/').slice(0, 3).join('/') };
  }
  if (frame.url.endsWith('.mjs') && frame.url.includes('/bench/.build/')) {
    const entry = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalSource' in entry && entry.originalSource) {
      const module = moduleOf(entry.originalSource);
      const line = 'originalLine' in entry ? entry.originalLine + 1 : 0;
      return { fn: `${fn} (${entry.originalSource.split('/').pop()}:${line})`, module };
    }
  }
  // esbuild's own runtime helpers have no source: `__name` is what `keepNames` costs.
  if (frame.url.includes('/bench/.build/') && fn.startsWith('__')) {
    return { fn, module: `(esbuild ${fn})` };
  }
  return { fn, module: moduleOf(frame.url) };
}

/** Self time (µs) of the busy samples, by module and by function. */
function selfTime(profile: CpuProfile) {
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
    if (['(idle)', '(program)', '(root)', '(profiler)'].includes(module)) continue;
    busy += us;
    modules.set(module, (modules.get(module) ?? 0) + us);
    const key = `${fn} — ${module}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  return { busy, modules, functions };
}

function analyse(
  profile: CpuProfile,
  requests: number,
): Omit<Profile, 'variant' | 'procedure' | 'reqPerSec' | 'requests'> {
  const { busy, modules, functions } = selfTime(profile);
  const top = (map: Map<string, number>, n: number): CostCentre[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({
        name,
        selfMs: round(us / 1000, 0),
        pct: round((100 * us) / busy, 1),
      }));
  const cpuPerRequest = profile.cpuUs / Math.max(1, requests);
  const usPerRequest = Object.fromEntries(
    [...modules.entries()]
      .filter(([, us]) => us > busy * 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => [name, round((cpuPerRequest * us) / busy, 1)]),
  );
  return {
    busyMs: round(busy / 1000, 0),
    cpuUsPerRequest: round(cpuPerRequest, 0),
    usPerRequest,
    topModules: top(modules, 12),
    topFunctions: top(functions, 15),
  };
}

export interface ColdProfileResult {
  runs: number;
  /** Median busy (non-idle) CPU ms of a whole cold start: node's boot, import, first request. */
  shopMs: number;
  bareMs: number;
  /** The same for each bundle added with `also` (say, the shop before a change). */
  alsoMs?: Record<string, number>;
  /**
   * The modules costing the shop (or an `also` bundle) the most beyond bare: median self ms over
   * the runs; `also` holds each added bundle's figure.
   */
  rows: {
    name: string;
    shop: number;
    bare: number;
    extra: number;
    also?: Record<string, number>;
  }[];
}

/**
 * The cold-start gap: `node --cpu-prof` on `cold-start.mjs` (a fresh process importing the bundle
 * and answering its first products.list), shop and bare taking turns, self time by module. The
 * profiled bundles are unminified, so the totals are a little above the cold-start table's.
 * `also` (label → profiling build of another bundle, e.g. the shop before a change) joins the
 * same rotation, for a before/after under the same load.
 */
export function profileColdStart(
  mains: ProfileBundles,
  env: NodeJS.ProcessEnv,
  runs: number,
  also: Record<string, string> = {},
): ColdProfileResult {
  const dir = join(ROOT, 'bench/.build/profiles-cold');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bundles: Record<string, string> = { ...mains, ...also };
  const labels = Object.keys(bundles);
  const samples = Object.fromEntries(labels.map((l) => [l, [] as Map<string, number>[]]));
  const busy = Object.fromEntries(labels.map((l) => [l, [] as number[]]));
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < labels.length; i++) {
      const variant = labels[(i + run) % labels.length]!;
      const name = `${variant}-${run}.cpuprofile`;
      const result = spawnSync(
        process.execPath,
        [
          '--cpu-prof',
          `--cpu-prof-dir=${dir}`,
          `--cpu-prof-name=${name}`,
          '--cpu-prof-interval=100',
          join(ROOT, 'bench/cold-start.mjs'),
          bundles[variant]!,
        ],
        { env, encoding: 'utf8' },
      );
      if (result.status !== 0) throw new Error(`cold profile of ${variant}:\n${result.stderr}`);
      const self = selfTime(JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile);
      samples[variant]!.push(self.modules);
      busy[variant]!.push(self.busy / 1000);
    }
  }
  const ms = (variant: string, name: string) =>
    round(median(samples[variant]!.map((m) => (m.get(name) ?? 0) / 1000)), 1);
  const names = new Set(labels.flatMap((v) => samples[v]!.flatMap((m) => [...m.keys()])));
  const alsoLabels = Object.keys(also);
  const rows = [...names]
    .map((name) => {
      const [shop, bare] = [ms('shop', name), ms('bare', name)];
      const others = Object.fromEntries(alsoLabels.map((l) => [l, ms(l, name)]));
      const most = Math.max(shop, ...Object.values(others));
      return {
        name,
        shop,
        bare,
        extra: round(shop - bare, 1),
        ...(alsoLabels.length ? { also: others } : {}),
        most: most - bare,
      };
    })
    .sort((a, b) => b.most - a.most)
    .slice(0, alsoLabels.length ? 14 : 10)
    .map(({ most: _most, ...row }) => row);
  return {
    runs,
    shopMs: round(median(busy.shop!), 1),
    bareMs: round(median(busy.bare!), 1),
    ...(alsoLabels.length
      ? { alsoMs: Object.fromEntries(alsoLabels.map((l) => [l, round(median(busy[l]!), 1)])) }
      : {}),
    rows,
  };
}

export function renderColdProfile(result: ColdProfileResult): string[] {
  const alsoLabels = Object.keys(result.alsoMs ?? {});
  const alsoBusy = alsoLabels.map((l) => `, ${result.alsoMs![l]} ms for ${l}`).join('');
  return [
    `## The cold-start gap: CPU ms by module, shop vs bare (node --cpu-prof, median of ${result.runs} fresh processes each)`,
    ``,
    `A whole cold start (node's boot, import, first products.list) keeps the CPU busy ${result.shopMs} ms for the shop and ${result.bareMs} ms for bare${alsoBusy} (unminified bundles, profiler on). Modules costing the shop the most beyond bare (self time):`,
    ``,
    `| module | shop ms | bare ms | extra |${alsoLabels.map((l) => ` ${l} ms |`).join('')}`,
    `| --- | ---: | ---: | ---: |${alsoLabels.map(() => ' ---: |').join('')}`,
    ...result.rows.map(
      (r) =>
        `| ${r.name} | ${r.shop} | ${r.bare} | ${r.extra} |${alsoLabels.map((l) => ` ${r.also?.[l] ?? ''} |`).join('')}`,
    ),
    ``,
  ];
}

/** Per procedure: the modules costing the shop the most CPU per request beyond what bare spends. */
export function profileGap(result: ProfileResult) {
  const procedures = [...new Set(result.profiles.map((p) => p.procedure))];
  return procedures.map((procedure) => {
    const shop = result.profiles.find((p) => p.variant === 'shop' && p.procedure === procedure);
    const bare = result.profiles.find((p) => p.variant === 'bare' && p.procedure === procedure);
    const perRequest = (p: Profile | undefined) => p?.cpuUsPerRequest ?? 0;
    const names = new Set([
      ...Object.keys(shop?.usPerRequest ?? {}),
      ...Object.keys(bare?.usPerRequest ?? {}),
    ]);
    const rows = [...names]
      .map((name) => {
        const s = shop?.usPerRequest[name] ?? 0;
        const b = bare?.usPerRequest[name] ?? 0;
        return { name, shop: s, bare: b, extra: round(s - b, 1) };
      })
      .sort((a, b) => b.extra - a.extra)
      .slice(0, 10);
    return {
      procedure,
      shopUs: round(perRequest(shop), 0),
      bareUs: round(perRequest(bare), 0),
      rows,
    };
  });
}

export function renderProfiles(result: ProfileResult): string[] {
  return [
    `## The HTTP gap: CPU µs per request, shop vs bare (from the profiles below)`,
    ``,
    ...profileGap(result).flatMap((gap) => [
      `**${gap.procedure}**: shop ${gap.shopUs} µs of CPU per request, bare ${gap.bareUs} µs. Modules costing the shop the most beyond bare:`,
      ``,
      `| module | shop µs/req | bare µs/req | extra |`,
      `| --- | ---: | ---: | ---: |`,
      ...gap.rows.map((r) => `| ${r.name} | ${r.shop} | ${r.bare} | ${r.extra} |`),
      ``,
    ]),
    `## Where the HTTP time goes (CPU profiles of the served bundle, ${result.seconds} s of load each; self time, share of busy samples)`,
    ``,
    ...result.profiles.flatMap((p) => [
      `**${p.variant} ${p.procedure}** (${p.reqPerSec} req/s while profiled, ${p.cpuUsPerRequest} µs of CPU per request):`,
      ``,
      `- modules: ${p.topModules.map((m) => `${m.name} ${m.pct}%`).join(', ')}`,
      `- functions: ${p.topFunctions.map((f) => `\`${f.name}\` ${f.pct}%`).join(', ')}`,
      ``,
    ]),
  ];
}

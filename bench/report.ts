/**
 * The arithmetic and text of `npm run bench`: reading numbers out of build output, ratios,
 * and the Markdown tables. Pure; scripts/bench.ts does the measuring.
 */
import { formatElapsed } from '../src/domain/text.ts';
import { CACHES, PHASES, type CacheName, type Phase } from '../src/integration/build-report.ts';

/**
 * cold: nothing cached; warm: a second build, nothing changed; touch: one diagram of one incident
 * edited; next day: a warm build whose clock says tomorrow (what a daily deploy would see).
 */
export const STATES = ['cold', 'warm', 'touch', 'next day'] as const;
export type BuildState = (typeof STATES)[number];

export interface DiagramCounts {
  hits: number;
  misses: number;
}

export interface BuildMeasurement {
  /** Wall-clock time of the `astro build` process, milliseconds (median over repeats). */
  wallMs: number;
  /** User plus system CPU time of every process of the build, Chromium included, ms; null when not measurable. */
  cpuMs: number | null;
  /** How cpuMs was counted: a control group (every process) or `time -v` (waited-for children only). */
  cpuSource?: string | null;
  /** CPU time the whole machine spent during the build (/proc/stat): cpuMs's check on an idle machine. */
  machineCpuMs?: number | null;
  /** Wall time of each phase the build reports (Aftermath only), ms. */
  phases?: Partial<Record<Phase, number>>;
  /** Hits and misses of each of Aftermath's caches. */
  cacheCounts?: Partial<Record<CacheName, [number, number]>>;
  /** HTML pages in dist/. */
  pages: number;
  msPerPage: number;
  /** Peak of the summed RSS of the build's process tree (Node, Chromium and its helpers), bytes. */
  peakTreeRssBytes: number;
  /** Largest peak RSS of any single process in the tree (from /usr/bin/time -v when available), bytes. */
  largestProcessRssBytes: number;
  distBytes: number;
  /** Parsed from "diagrams: N from cache, M rendered"; null when the build prints none (the baseline). */
  diagrams: DiagramCounts | null;
  /** Every "<name>: N from cache, M rendered" line of the build (diagrams, social cards, …). */
  caches: Record<string, DiagramCounts>;
  /** Routes Astro copied from the last build (incremental build) and routes it rendered. */
  routes?: { copied: number; rendered: number };
  /** Each repeat's wall and CPU time, in run order. */
  samples: { wallMs: number[]; cpuMs: (number | null)[] };
}

export interface Ratios {
  wall: number | null;
  cpu: number | null;
  peakTreeRss: number | null;
  distBytes: number | null;
}

export interface SizeResult {
  incidents: number;
  generateMs: number;
  aftermath: Record<BuildState, BuildMeasurement>;
  baseline: Record<BuildState, BuildMeasurement>;
  /** Aftermath divided by baseline, per state. */
  ratios: Record<BuildState, Ratios>;
  /** The peer (Starlight with rehype-mermaid) over the same incidents, with `--peer`. */
  peer?: Record<BuildState, BuildMeasurement>;
  /** Aftermath divided by the peer, per state. */
  peerRatios?: Record<BuildState, Ratios>;
}

export interface AssetWeight {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

export interface PageWeight {
  page: string;
  html: AssetWeight;
  css: AssetWeight;
  js: AssetWeight;
  images: AssetWeight;
  /** Fonts and anything else the page or its CSS loads. */
  other: AssetWeight;
  total: AssetWeight;
  /** Assets named by the page but not found in dist/ (should be empty). */
  missing: string[];
  /**
   * The project build that produced the page, run with empty Aftermath caches: its wall time and
   * phases, which cover what the generated incidents do not have (recorded repros, charts).
   */
  projectBuild?: {
    wallMs: number;
    phases?: Partial<Record<string, number>>;
    cacheCounts?: Partial<Record<string, [number, number]>>;
  };
}

export interface BenchResults {
  version: 1;
  startedAt: string;
  finishedAt: string;
  seed: number;
  machine: {
    cpus: number;
    memoryBytes: number;
    node: string;
    platform: string;
    timeV: boolean;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  repeat: number;
  /** Where the sites were generated, relative to the project; removed after the run unless kept (--keep). */
  workDir: string;
  kept: boolean;
  /**
   * What was built: the commit, and a fingerprint of src/, public/, the config and the lockfile
   * at the start and end. `changedBefore` names each build that found a different fingerprint
   * than the build before it: from there on, the numbers measure other code.
   */
  source: { head?: string; fingerprintAtStart: string; fingerprintAtEnd: string; changedBefore: string[] };
  sizes: SizeResult[];
  flagship: PageWeight | null;
  notes: string[];
}

/** The last "diagrams: N from cache, M rendered" line of a build's output. */
export function parseDiagramCounts(output: string): DiagramCounts | null {
  const all = [...output.matchAll(/diagrams: (\d+) from cache, (\d+) rendered/g)];
  const last = all.at(-1);
  return last ? { hits: Number(last[1]), misses: Number(last[2]) } : null;
}

/** Every "<name>: N from cache, M rendered" (or highlighted, or read) line, by name (the last one wins). */
export function parseCacheCounts(output: string): Record<string, DiagramCounts> {
  const out: Record<string, DiagramCounts> = {};
  for (const m of output.matchAll(
    /\]\s+([A-Za-z][A-Za-z -]*?): (\d+) from cache, (\d+) (?:rendered|highlighted|read|compiled)\b/g,
  ))
    out[m[1]!] = { hits: Number(m[2]), misses: Number(m[3]) };
  return out;
}

/** Astro's list of generated routes: those marked (cached) or (restored) were copied from the last build. */
export function parseAstroRoutes(output: string): { copied: number; rendered: number } {
  const routes = [...output.matchAll(/[├└]─ \/\S+(.*)$/gm)];
  const copied = routes.filter((m) => /\((cached|restored)\)/.test(m[1]!)).length;
  return { copied, rendered: routes.length - copied };
}

/** Peak RSS (bytes) and user + system CPU time (ms) from `/usr/bin/time -v`'s report. */
export function parseTimeV(text: string): { maxRssBytes: number | null; cpuMs: number | null } {
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  const user = /User time \(seconds\): ([\d.]+)/.exec(text);
  const system = /System time \(seconds\): ([\d.]+)/.exec(text);
  return {
    maxRssBytes: rss ? Number(rss[1]) * 1024 : null,
    cpuMs: user && system ? Math.round((Number(user[1]) + Number(system[1])) * 1000) : null,
  };
}

/** The median of some numbers (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * One measurement from repeats of the same build: medians of time and memory (a repeat slowed
 * by a busy machine does not move it), the last repeat's output sizes and cache counts.
 */
export function combineRepeats(runs: readonly Omit<BuildMeasurement, 'samples' | 'msPerPage'>[]): BuildMeasurement {
  if (runs.length === 0) throw new Error('no runs to combine');
  const last = runs.at(-1)!;
  const wallMs = Math.round(median(runs.map((r) => r.wallMs)));
  const cpus = runs.map((r) => r.cpuMs);
  const known = cpus.filter((c): c is number => c !== null);
  return {
    ...last,
    wallMs,
    cpuMs: known.length === cpus.length ? Math.round(median(known)) : null,
    msPerPage: msPerPage(wallMs, last.pages),
    peakTreeRssBytes: Math.round(median(runs.map((r) => r.peakTreeRssBytes))),
    largestProcessRssBytes: Math.round(median(runs.map((r) => r.largestProcessRssBytes))),
    machineCpuMs:
      last.machineCpuMs == null ? last.machineCpuMs : Math.round(median(runs.map((r) => r.machineCpuMs ?? 0))),
    phases:
      last.phases &&
      Object.fromEntries(
        Object.keys(last.phases).map((p) => [p, Math.round(median(runs.map((r) => r.phases?.[p as Phase] ?? 0)))]),
      ),
    samples: { wallMs: runs.map((r) => r.wallMs), cpuMs: cpus },
  };
}

/** `--sizes 10,100` → [10, 100]; throws a message meant for the user on anything else. */
export function parseSizes(text: string): number[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new Error('--sizes needs a comma-separated list of incident counts, e.g. --sizes 10,100');
  const sizes = parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1)
      throw new Error(`--sizes: "${p}" is not a positive whole number of incidents`);
    return Number(p);
  });
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** a / b, rounded to two decimals; null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

export function ratiosFor(aftermath: BuildMeasurement, baseline: BuildMeasurement): Ratios {
  return {
    wall: ratio(aftermath.wallMs, baseline.wallMs),
    cpu: ratio(aftermath.cpuMs, baseline.cpuMs),
    peakTreeRss: ratio(aftermath.peakTreeRssBytes, baseline.peakTreeRssBytes),
    distBytes: ratio(aftermath.distBytes, baseline.distBytes),
  };
}

export function msPerPage(wallMs: number, pages: number): number {
  return pages > 0 ? Math.round((wallMs / pages) * 10) / 10 : 0;
}

/** 1536 → "1.5 KiB"; binary units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function formatRatio(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(2)}×`;
}

function formatDiagrams(d: DiagramCounts | null): string {
  return d ? `${d.hits} / ${d.misses}` : '–';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** The builds table: one row per size and state, Aftermath beside the plain-Astro baseline. */
export function buildsTable(sizes: readonly SizeResult[]): string {
  const withPeer = sizes.some((s) => s.peer);
  const header = [
    'incidents',
    'state',
    'pages',
    'wall',
    'CPU',
    'ms/page',
    'peak RSS (tree)',
    'dist/',
    'diagrams cached / rendered',
    'baseline wall',
    'baseline CPU',
    'baseline peak RSS',
    'baseline dist/',
    'wall ×',
    'CPU ×',
    'RSS ×',
    ...(withPeer ? ['peer wall', 'peer CPU', 'wall × peer'] : []),
  ];
  const lines = [row(header), row(header.map((_, i) => (i < 2 ? '---' : '---:')))];
  const cpu = (ms: number | null) => (ms === null ? '–' : formatElapsed(ms));
  for (const size of sizes) {
    for (const state of STATES) {
      const a = size.aftermath[state];
      const b = size.baseline[state];
      const r = size.ratios[state];
      lines.push(
        row([
          String(size.incidents),
          state,
          String(a.pages),
          formatElapsed(a.wallMs),
          cpu(a.cpuMs),
          a.msPerPage.toFixed(1),
          formatBytes(a.peakTreeRssBytes),
          formatBytes(a.distBytes),
          formatDiagrams(a.diagrams),
          formatElapsed(b.wallMs),
          cpu(b.cpuMs),
          formatBytes(b.peakTreeRssBytes),
          formatBytes(b.distBytes),
          formatRatio(r.wall),
          formatRatio(r.cpu),
          formatRatio(r.peakTreeRss),
          ...(withPeer
            ? size.peer
              ? [
                  formatElapsed(size.peer[state].wallMs),
                  cpu(size.peer[state].cpuMs),
                  formatRatio(size.peerRatios![state].wall),
                ]
              : ['–', '–', '–']
            : []),
        ]),
      );
    }
  }
  return lines.join('\n');
}

/**
 * Where Aftermath's builds spend their time, phase by phase (wall time; phases overlap, so they
 * do not add up to the build), how many routes Astro's incremental build copied from the last
 * build instead of rendering, and how many of each cache's lookups missed.
 */
export function phasesTable(sizes: readonly SizeResult[]): string {
  const header = ['incidents', 'state', ...PHASES, 'routes copied / rendered', 'cache misses'];
  const lines = [row(header), row(header.map((_, i) => (i < 2 ? '---' : '---:')))];
  for (const size of sizes)
    for (const state of STATES) {
      const m = size.aftermath[state];
      if (!m.phases) continue;
      const misses = CACHES.filter((c) => (m.cacheCounts?.[c]?.[1] ?? 0) > 0)
        .map((c) => `${c} ${m.cacheCounts![c]![1]}`)
        .join(', ');
      lines.push(
        row([
          String(size.incidents),
          state,
          ...PHASES.map((p) => (m.phases![p] === undefined ? '–' : formatElapsed(Math.round(m.phases![p]!)))),
          m.routes ? `${m.routes.copied} / ${m.routes.rendered}` : '–',
          misses || 'none',
        ]),
      );
    }
  return lines.join('\n');
}

/**
 * What one rendered diagram costs a cold build: the cold build's extra time over the warm one
 * (which serves every diagram from the cache), divided by the diagrams the cold build rendered.
 * It also carries the cold start of Vite and Astro's caches, so it is an upper bound.
 */
export function coldDiagramCost(size: SizeResult): { wallMs: number; cpuMs: number | null } | null {
  const { cold, warm } = size.aftermath;
  const misses = cold.diagrams?.misses ?? 0;
  if (misses === 0) return null;
  const cpuMs = cold.cpuMs !== null && warm.cpuMs !== null ? Math.round((cold.cpuMs - warm.cpuMs) / misses) : null;
  return { wallMs: Math.round((cold.wallMs - warm.wallMs) / misses), cpuMs };
}

/**
 * How the build's counted CPU compares with what the whole machine spent meanwhile, over every
 * build: on an otherwise idle machine the two should be close (the check that no process of the
 * build goes uncounted).
 */
export function cpuCheck(sizes: readonly SizeResult[]): string | undefined {
  const builds = sizes.flatMap((s) => STATES.flatMap((state) => [s.aftermath[state], s.baseline[state]]));
  const counted = builds.filter((b) => b.cpuMs != null && b.machineCpuMs != null);
  if (counted.length === 0) return undefined;
  const sum = (f: (b: BuildMeasurement) => number) => counted.reduce((t, b) => t + f(b), 0);
  const share = sum((b) => b.cpuMs!) / sum((b) => b.machineCpuMs!);
  const sources = [...new Set(counted.map((b) => b.cpuSource ?? 'unknown'))].join(', ');
  return `CPU is counted with ${sources}; over these builds it is ${Math.round(share * 100)}% of what the whole machine spent meanwhile (/proc/stat), so on an idle machine little of a build's work goes uncounted.`;
}

/** The page-weight table of the flagship incident page. */
export function weightTable(weight: PageWeight): string {
  const lines = [row(['asset', 'files', 'raw', 'gzip']), row(['---', '---:', '---:', '---:'])];
  const kinds = [
    ['HTML', weight.html],
    ['CSS', weight.css],
    ['JS', weight.js],
    ['images', weight.images],
    ['other (fonts…)', weight.other],
    ['total', weight.total],
  ] as const;
  for (const [name, w] of kinds)
    if (name !== 'other (fonts…)' || w.files > 0)
      lines.push(row([name, String(w.files), formatBytes(w.rawBytes), formatBytes(w.gzipBytes)]));
  return lines.join('\n');
}

/** "median of 3 builds per cell", or per size when the sizes were run with different repeats. */
export function repeatsText(sizes: readonly SizeResult[]): string {
  const word = (n: number) => (n === 1 ? 'one build per cell' : `median of ${n} builds per cell`);
  const counts = Map.groupBy(sizes, (s) => s.aftermath.cold.samples.wallMs.length);
  if (counts.size <= 1) return word([...counts.keys()][0] ?? 1);
  return [...counts]
    .map(([n, group]) => `${word(n)} for ${group.map((s) => s.incidents).join(', ')} incidents`)
    .join(', ');
}

/**
 * Several runs as one (say 10 and 100 incidents with --repeat 3, then 1000 alone): sizes in
 * order (a size run twice keeps its later run), the last flagship weight, all notes and
 * source changes. The times and machine are the first run's, with the last run's end.
 */
export function mergeResults(runs: readonly BenchResults[]): BenchResults {
  if (runs.length === 0) throw new Error('no results to merge');
  const [first] = runs;
  const last = runs.at(-1)!;
  const bySize = new Map<number, SizeResult>();
  for (const run of runs) for (const size of run.sizes) bySize.set(size.incidents, size);
  const heads = [...new Set(runs.map((r) => r.source?.head).filter(Boolean))];
  return {
    ...first!,
    finishedAt: last.finishedAt,
    machine: { ...first!.machine, loadAverageAtEnd: last.machine.loadAverageAtEnd },
    sizes: [...bySize.values()].sort((a, b) => a.incidents - b.incidents),
    flagship: runs.findLast((r) => r.flagship)?.flagship ?? null,
    notes: [...new Set(runs.flatMap((r) => r.notes))],
    source: {
      head: heads.join(' and ') || undefined,
      fingerprintAtStart: first!.source?.fingerprintAtStart ?? '',
      fingerprintAtEnd: last.source?.fingerprintAtEnd ?? '',
      changedBefore: runs.flatMap((r) => r.source?.changedBefore ?? []),
    },
  };
}

/** The whole report as Markdown: what ran where, both tables, and the notes. */
export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  const parts = [
    '# Aftermath benchmark',
    '',
    `Run ${results.startedAt}${results.source?.head ? ` at ${results.source.head}` : ''} on ${m.cpus} CPU(s), ${formatBytes(m.memoryBytes)} RAM, Node ${m.node} (${m.platform}); seed ${results.seed}; ${repeatsText(results.sizes)}; load average ${(m.loadAverageAtStart ?? []).map((l) => l.toFixed(1)).join(' ')} at start, ${(m.loadAverageAtEnd ?? []).map((l) => l.toFixed(1)).join(' ')} at end.`,
    '',
    '## Builds',
    '',
    buildsTable(results.sizes),
    '',
    '## Where the time goes (Aftermath)',
    '',
    phasesTable(results.sizes),
    '',
  ];
  const check = cpuCheck(results.sizes);
  if (check) parts.push(check, '');
  const costs = results.sizes.flatMap((size) => {
    const cost = coldDiagramCost(size);
    return cost
      ? [`${size.incidents} incidents: ${cost.wallMs} ms wall${cost.cpuMs === null ? '' : `, ${cost.cpuMs} ms CPU`}`]
      : [];
  });
  if (costs.length) {
    parts.push(
      `Cold cost per rendered diagram ((cold − warm) / diagrams rendered; an upper bound, as it also carries every other cold-only cost such as social cards): ${costs.join('; ')}.`,
      '',
    );
  }
  if (results.flagship) {
    parts.push(`## Flagship page weight (${results.flagship.page})`, '', weightTable(results.flagship), '');
    const project = results.flagship.projectBuild;
    if (project) {
      const phases = Object.entries(project.phases ?? {}).map(([phase, ms]) => `${phase} ${formatElapsed(ms!)}`);
      const charts = project.cacheCounts?.charts;
      parts.push(
        `The project's own build (its bundled incidents, with recorded repros and charts), with empty caches: ${formatElapsed(project.wallMs)}${phases.length ? ` (${phases.join(' · ')})` : ''}${charts ? `; charts drawn: ${charts[1]}` : ''}.`,
        '',
      );
    }
    if (results.flagship.missing.length) parts.push(`Not found in dist/: ${results.flagship.missing.join(', ')}`, '');
  }
  // Optional chaining: --report may be given a file written before these fields existed.
  if (results.source?.changedBefore?.length) {
    parts.push(
      `**Warning:** the project's sources changed while the benchmark ran (changes found before: ${results.source.changedBefore.join('; ')}). Builds on either side of a change measure different code; run it again on a quiet tree.`,
      '',
    );
  }
  if (results.notes.length) parts.push('## Notes', '', ...results.notes.map((n) => `- ${n}`), '');
  return parts.join('\n');
}

/**
 * What a build spent its time on and what it took from its caches, printed at its end in two
 * lines the benchmark reads back (bench/report.ts):
 *
 *   timings: archive 0.4 s · pages 12.1 s · MDX 2.0 s · diagrams 4.2 s · …
 *   caches (hits/misses): archive 100/0 · MDX 100/0 · diagrams 300/0 · …
 *
 * A phase's time is its wall time; phases may overlap (diagrams and social cards are drawn while
 * Astro builds the pages), so the figures do not add up to the build's time.
 */
/** The outputs made beside the pages, each timed and each with a cache of its own. */
const OUTPUTS = ['diagrams', 'charts', 'social cards', 'search', 'label check', 'PDF'] as const;
export const PHASES = ['archive', 'pages', 'MDX', ...OUTPUTS] as const;
export type Phase = (typeof PHASES)[number];

export const CACHES = ['archive', 'MDX', 'code', ...OUTPUTS] as const;
export type CacheName = (typeof CACHES)[number];

export interface BuildReport {
  /** Adds `ms` to a phase (MDX is the sum of every file's compile time). */
  add(phase: Phase, ms: number): void;
  /** Times `work` as a phase, and returns what it returns. */
  time<T>(phase: Phase, work: () => Promise<T>): Promise<T>;
  count(cache: CacheName, hits: number, misses: number): void;
  lines(): string[];
}

export function createBuildReport(): BuildReport {
  const ms = new Map<Phase, number>();
  const caches = new Map<CacheName, [number, number]>();
  const add = (phase: Phase, value: number) => ms.set(phase, (ms.get(phase) ?? 0) + value);
  return {
    add,
    async time(phase, work) {
      const started = performance.now();
      try {
        return await work();
      } finally {
        add(phase, performance.now() - started);
      }
    },
    count(cache, hits, misses) {
      const [h, m] = caches.get(cache) ?? [0, 0];
      caches.set(cache, [h + hits, m + misses]);
    },
    lines() {
      const times = PHASES.filter((p) => ms.has(p)).map((p) => `${p} ${(ms.get(p)! / 1000).toFixed(1)} s`);
      const counts = CACHES.filter((c) => caches.has(c)).map((c) => `${c} ${caches.get(c)!.join('/')}`);
      return [`timings: ${times.join(' · ')}`, `caches (hits/misses): ${counts.join(' · ')}`];
    },
  };
}

/** The two lines read back: phase → seconds, cache → [hits, misses]. */
export function parseBuildReport(output: string): {
  timings: Partial<Record<Phase, number>>;
  caches: Partial<Record<CacheName, [number, number]>>;
} {
  const timings: Partial<Record<Phase, number>> = {};
  const caches: Partial<Record<CacheName, [number, number]>> = {};
  const timeLine = /timings: (.*)$/m.exec(output)?.[1] ?? '';
  for (const part of timeLine.split(' · ')) {
    const m = /^(.+) ([\d.]+) s$/.exec(part.trim());
    if (m && (PHASES as readonly string[]).includes(m[1]!)) timings[m[1] as Phase] = Number(m[2]) * 1000;
  }
  const cacheLine = /caches \(hits\/misses\): (.*)$/m.exec(output)?.[1] ?? '';
  for (const part of cacheLine.split(' · ')) {
    const m = /^(.+) (\d+)\/(\d+)$/.exec(part.trim());
    if (m && (CACHES as readonly string[]).includes(m[1]!)) caches[m[1] as CacheName] = [Number(m[2]), Number(m[3])];
  }
  return { timings, caches };
}

import { formatElapsed } from '../../src/domain/text.ts';
import { describe, expect, it } from 'vitest';
import {
  buildsTable,
  coldDiagramCost,
  combineRepeats,
  formatBytes,
  markdownReport,
  phasesTable,
  median,
  mergeResults,
  repeatsText,
  parseAstroRoutes,
  parseCacheCounts,
  parseDiagramCounts,
  parseSizes,
  parseTimeV,
  ratio,
  ratiosFor,
  weightTable,
  type BenchResults,
  type BuildMeasurement,
  type PageWeight,
  type SizeResult,
} from '../../bench/report.ts';

const BUILD_LOG = `07:01:00 [aftermath] incident folders: 9 from cache, 1 read
07:01:02 [build] 56 page(s) built in 9.1s
07:01:02 [aftermath] search: index built from 56 page(s)
07:01:03 [aftermath] social cards: 10 from cache, 0 rendered
07:01:03 [aftermath] diagrams: 29 from cache, 1 rendered
07:01:03 [aftermath] code blocks: 40 from cache, 0 highlighted
07:01:03 [aftermath] MDX files: 9 from cache, 1 compiled
07:01:03 [aftermath] content checks passed: no unrendered diagram, no empty page`;

const TIME_V = `	Command being timed: "node astro.mjs build"
	User time (seconds): 12.34
	System time (seconds): 1.66
	Percent of CPU this job got: 140%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 0:10.00
	Maximum resident set size (kbytes): 598352
	Exit status: 0`;

function measurement(over: Partial<BuildMeasurement> = {}): BuildMeasurement {
  return {
    wallMs: 10_000,
    cpuMs: 8_000,
    pages: 50,
    msPerPage: 200,
    peakTreeRssBytes: 1024 ** 3,
    largestProcessRssBytes: 600 * 1024 ** 2,
    distBytes: 4 * 1024 ** 2,
    diagrams: { hits: 0, misses: 30 },
    caches: {},
    samples: { wallMs: [10_000], cpuMs: [8_000] },
    ...over,
  };
}

describe('reading build output', () => {
  it('finds the diagram counts, the last line winning', () => {
    expect(parseDiagramCounts(BUILD_LOG)).toEqual({ hits: 29, misses: 1 });
    expect(
      parseDiagramCounts(
        '[aftermath] diagrams: 1 from cache, 2 rendered\n[aftermath] diagrams: 3 from cache, 0 rendered',
      ),
    ).toEqual({ hits: 3, misses: 0 });
    expect(parseDiagramCounts('[build] Complete!')).toBeNull();
  });
  it('finds every cache line by name', () => {
    expect(parseCacheCounts(BUILD_LOG)).toEqual({
      'incident folders': { hits: 9, misses: 1 },
      'social cards': { hits: 10, misses: 0 },
      diagrams: { hits: 29, misses: 1 },
      'code blocks': { hits: 40, misses: 0 },
      'MDX files': { hits: 9, misses: 1 },
    });
    expect(parseCacheCounts('')).toEqual({});
  });
  it('reads peak RSS and CPU time from /usr/bin/time -v', () => {
    expect(parseTimeV(TIME_V)).toEqual({ maxRssBytes: 598352 * 1024, cpuMs: 14_000 });
    expect(parseTimeV('')).toEqual({ maxRssBytes: null, cpuMs: null });
  });
});

describe('parseSizes', () => {
  it('sorts and de-duplicates', () => {
    expect(parseSizes('100,10, 1000,10')).toEqual([10, 100, 1000]);
    expect(parseSizes('10')).toEqual([10]);
  });
  it('rejects anything but positive whole numbers', () => {
    expect(() => parseSizes('')).toThrow(/comma-separated/);
    expect(() => parseSizes('10,abc')).toThrow(/"abc"/);
    expect(() => parseSizes('0')).toThrow(/"0"/);
    expect(() => parseSizes('1.5')).toThrow(/"1.5"/);
  });
});

describe('ratios and medians', () => {
  it('divides and rounds to two decimals', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(2, 3)).toBe(0.67);
  });
  it('has no ratio for a missing or zero denominator', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(2, undefined)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
  });
  it('compares Aftermath with the baseline per measure', () => {
    const r = ratiosFor(
      measurement({ wallMs: 30_000, cpuMs: 20_000, distBytes: 300 }),
      measurement({ wallMs: 10_000, cpuMs: null, distBytes: 100 }),
    );
    expect(r).toEqual({ wall: 3, cpu: null, peakTreeRss: 1, distBytes: 3 });
  });
  it('takes the median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
  it('combines repeats into medians, keeping every sample', () => {
    const runs = [9_000, 30_000, 10_000].map((wallMs, i) => ({
      ...measurement({ wallMs, cpuMs: 1000 * (i + 1), pages: 40 }),
    }));
    const combined = combineRepeats(runs);
    expect(combined.wallMs).toBe(10_000);
    expect(combined.cpuMs).toBe(2000);
    expect(combined.msPerPage).toBe(250);
    expect(combined.samples).toEqual({ wallMs: [9_000, 30_000, 10_000], cpuMs: [1000, 2000, 3000] });
    expect(combineRepeats([measurement({ cpuMs: null })]).cpuMs).toBeNull();
    expect(() => combineRepeats([])).toThrow();
  });
});

describe('formatting', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });
  it('formats durations', () => {
    expect(formatElapsed(85)).toBe('85 ms');
    expect(formatElapsed(1234)).toBe('1.2 s');
    expect(formatElapsed(125_000)).toBe('2 min 5 s');
  });
});

const size: SizeResult = {
  incidents: 10,
  generateMs: 5,
  aftermath: {
    cold: measurement(),
    warm: measurement({ diagrams: { hits: 30, misses: 0 } }),
    touch: measurement({ diagrams: { hits: 29, misses: 1 } }),
    'next day': measurement({
      diagrams: { hits: 30, misses: 0 },
      phases: { archive: 400, pages: 2100, PDF: 20 },
      routes: { copied: 90, rendered: 7 },
      cacheCounts: {
        diagrams: [30, 0] as [number, number],
        PDF: [10, 0] as [number, number],
        'label check': [2, 1] as [number, number],
      },
    }),
  },
  baseline: {
    cold: measurement({ diagrams: null, wallMs: 2_000 }),
    warm: measurement({ diagrams: null }),
    touch: measurement({ diagrams: null }),
    'next day': measurement({ diagrams: null }),
  },
  ratios: {
    cold: { wall: 5, cpu: 1, peakTreeRss: 1, distBytes: 1 },
    warm: { wall: 1, cpu: 1, peakTreeRss: 1, distBytes: 1 },
    touch: { wall: null, cpu: 1, peakTreeRss: 1, distBytes: 1 },
    'next day': { wall: 1, cpu: 1, peakTreeRss: 1, distBytes: 1 },
  },
};

const weight: PageWeight = {
  page: '/incidents/x/',
  html: { files: 1, rawBytes: 2048, gzipBytes: 512 },
  css: { files: 1, rawBytes: 1024, gzipBytes: 256 },
  js: { files: 2, rawBytes: 1024, gzipBytes: 600 },
  images: { files: 1, rawBytes: 200, gzipBytes: 150 },
  other: { files: 0, rawBytes: 0, gzipBytes: 0 },
  total: { files: 5, rawBytes: 4296, gzipBytes: 1518 },
  missing: [],
};

describe('coldDiagramCost', () => {
  it("divides the cold build's extra time by the diagrams it rendered", () => {
    const cold = measurement({ wallMs: 40_000, cpuMs: 20_000, diagrams: { hits: 0, misses: 30 } });
    const warm = measurement({ wallMs: 10_000, cpuMs: 8_000, diagrams: { hits: 30, misses: 0 } });
    expect(coldDiagramCost({ ...size, aftermath: { ...size.aftermath, cold, warm } })).toEqual({
      wallMs: 1000,
      cpuMs: 400,
    });
    expect(
      coldDiagramCost({ ...size, aftermath: { ...size.aftermath, cold: { ...cold, cpuMs: null }, warm } }),
    ).toEqual({ wallMs: 1000, cpuMs: null });
  });
  it('has no cost when nothing was rendered', () => {
    expect(
      coldDiagramCost({
        ...size,
        aftermath: { ...size.aftermath, cold: measurement({ diagrams: { hits: 30, misses: 0 } }) },
      }),
    ).toBeNull();
  });
});

describe('tables', () => {
  it('has one row per size and state', () => {
    const lines = buildsTable([size]).split('\n');
    expect(lines).toHaveLength(2 + 4);
    expect(lines[2]).toMatch(
      /^\| 10 \| cold \| 50 \| 10\.0 s \| 8\.0 s \| 200\.0 \| 1\.0 GiB \| 4\.0 MiB \| 0 \/ 30 \| 2\.0 s \|/,
    );
    expect(lines[2]).toMatch(/\| 5\.00× \| 1\.00× \| 1\.00× \|$/);
    expect(lines[3]).toContain('| 30 / 0 |');
    expect(lines[4]).toContain('| 29 / 1 |');
    expect(lines[4]).toMatch(/\| – \| 1\.00× \| 1\.00× \|$/);
    for (const line of lines) expect(line.split('|').length).toBe(lines[0]!.split('|').length);
    expect(lines[0]).not.toContain('peer');
  });
  it('adds the peer beside the baseline when the run has one', () => {
    const withPeer = { ...size, peer: size.baseline, peerRatios: size.ratios };
    const lines = buildsTable([withPeer]).split('\n');
    expect(lines[0]).toMatch(/\| peer wall \| peer CPU \| wall × peer \|$/);
    expect(lines[2]).toMatch(/\| 2\.0 s \| 8\.0 s \| 5\.00× \|$/);
  });
  it('shows where the time went, phase by phase, and which caches missed', () => {
    const lines = phasesTable([size]).split('\n');
    // Only builds that reported their phases (the next-day one here).
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '| incidents | state | archive | pages | MDX | diagrams | charts | social cards | search | label check | PDF | routes copied / rendered | cache misses |',
    );
    expect(lines[2]).toBe(
      '| 10 | next day | 400 ms | 2.1 s | – | – | – | – | – | – | 20 ms | 90 / 7 | label check 1 |',
    );
  });
  it("reads Astro's route list: copied from the last build, or rendered", () => {
    const log = [
      '12:00:01   ├─ /index.html (+7ms)',
      '12:00:01   ├─ /incidents/a/index.html (restored)',
      '12:00:01   ├─ /incidents/a.json (cached)',
      '12:00:01   └─ /tags/index.html (+5ms)',
      '12:00:01 [build] 3 page(s) built in 1.00s',
    ].join('\n');
    expect(parseAstroRoutes(log)).toEqual({ copied: 2, rendered: 2 });
  });
  it('weighs the page by kind, leaving out empty "other"', () => {
    const table = weightTable(weight);
    expect(table).toContain('| HTML | 1 | 2.0 KiB | 512 B |');
    expect(table).toContain('| total | 5 | 4.2 KiB | 1.5 KiB |');
    expect(table).not.toContain('other');
    expect(weightTable({ ...weight, other: { files: 1, rawBytes: 10, gzipBytes: 10 } })).toContain('other');
  });
  it('says how many builds each cell is the median of', () => {
    const three = {
      ...size,
      incidents: 100,
      aftermath: { ...size.aftermath, cold: measurement({ samples: { wallMs: [1, 2, 3], cpuMs: [1, 2, 3] } }) },
    };
    expect(repeatsText([size])).toBe('one build per cell');
    expect(repeatsText([three])).toBe('median of 3 builds per cell');
    expect(repeatsText([three, { ...size, incidents: 1000 }])).toBe(
      'median of 3 builds per cell for 100 incidents, one build per cell for 1000 incidents',
    );
  });
  it('merges runs of different sizes into one report', () => {
    const base = { version: 1, seed: 7, repeat: 1, workDir: 'w', kept: false, notes: ['n'] } as const;
    const machine = {
      cpus: 2,
      memoryBytes: 1,
      node: 'v22',
      platform: 'linux x64',
      timeV: true,
      loadAverageAtStart: [1, 1, 1],
      loadAverageAtEnd: [2, 2, 2],
    };
    const a: BenchResults = {
      ...base,
      notes: ['n'],
      startedAt: 't0',
      finishedAt: 't1',
      machine,
      sizes: [{ ...size, incidents: 100 }, size],
      flagship: weight,
      source: { head: 'abc', fingerprintAtStart: 'f1', fingerprintAtEnd: 'f1', changedBefore: [] },
    };
    const b: BenchResults = {
      ...base,
      notes: ['n', 'm'],
      startedAt: 't2',
      finishedAt: 't3',
      machine: { ...machine, loadAverageAtEnd: [3, 3, 3] },
      sizes: [{ ...size, incidents: 1000 }],
      flagship: null,
      source: { head: 'abc', fingerprintAtStart: 'f1', fingerprintAtEnd: 'f2', changedBefore: ['x'] },
    };
    const merged = mergeResults([a, b]);
    expect(merged.sizes.map((s) => s.incidents)).toEqual([10, 100, 1000]);
    expect(merged.flagship).toBe(weight);
    expect(merged.startedAt).toBe('t0');
    expect(merged.finishedAt).toBe('t3');
    expect(merged.machine.loadAverageAtEnd).toEqual([3, 3, 3]);
    expect(merged.notes).toEqual(['n', 'm']);
    expect(merged.source).toEqual({
      head: 'abc',
      fingerprintAtStart: 'f1',
      fingerprintAtEnd: 'f2',
      changedBefore: ['x'],
    });
    expect(() => mergeResults([])).toThrow();
  });
  it('puts it all in one Markdown report', () => {
    const results: BenchResults = {
      version: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:10:00.000Z',
      seed: 7,
      repeat: 3,
      workDir: 'tests/fixtures/sites/.tmp-bench-1-2',
      kept: false,
      source: { head: 'abc1234', fingerprintAtStart: 'f1', fingerprintAtEnd: 'f1', changedBefore: [] },
      machine: {
        cpus: 2,
        memoryBytes: 24 * 1024 ** 3,
        node: 'v22.0.0',
        platform: 'linux x64',
        timeV: true,
        loadAverageAtStart: [1, 1, 1],
        loadAverageAtEnd: [2, 1, 1],
      },
      sizes: [size],
      flagship: weight,
      notes: ['a note'],
    };
    const md = markdownReport(results);
    expect(md).toContain('one build per cell');
    expect(md).toContain('## Builds');
    expect(md).toContain('## Flagship page weight (/incidents/x/)');
    expect(md).toContain('- a note');
    expect(md).toContain('10 incidents: 0 ms wall, 0 ms CPU.');
    expect(md).toContain('at abc1234');
    expect(md).not.toContain('Warning');
    expect(markdownReport({ ...results, flagship: null })).not.toContain('Flagship');
    const changed = markdownReport({
      ...results,
      source: { ...results.source, fingerprintAtEnd: 'f2', changedBefore: ['100 incidents, Aftermath, warm (2/3)'] },
    });
    expect(changed).toContain(
      "**Warning:** the project's sources changed while the benchmark ran (changes found before: 100 incidents, Aftermath, warm (2/3))",
    );
  });
});

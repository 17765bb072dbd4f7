/**
 * `npm run bench` at its smallest size: the benchmark runs end to end and reports every field
 * with a plausible value. No timing thresholds: this machine's speed is not under test, the
 * benchmark's correctness is (cold renders, warm serves from the cache, touch re-renders the one
 * edited diagram).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults, BuildMeasurement, SizeResult } from '../../bench/report.ts';
import { projectRoot, runNode, type CommandResult } from '../support/site.ts';

const out = mkdtempSync(join(tmpdir(), 'aftermath-bench-'));
let run: CommandResult;
let results: BenchResults;
let size: SizeResult;

beforeAll(async () => {
  run = await runNode([join(projectRoot, 'scripts/bench.ts'), '--sizes', '10', '--out', out]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  size = results.sizes[0]!;
}, 30 * 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const STATES = ['cold', 'warm', 'touch', 'next day'] as const;

function expectPlausible(m: BuildMeasurement, label: string) {
  for (const field of [
    'wallMs',
    'pages',
    'msPerPage',
    'peakTreeRssBytes',
    'largestProcessRssBytes',
    'distBytes',
  ] as const) {
    expect(m[field], `${label} ${field}`).toBeGreaterThan(0);
  }
  expect(m.peakTreeRssBytes, label).toBeGreaterThanOrEqual(m.largestProcessRssBytes);
  if (results.machine.timeV) expect(m.cpuMs, `${label} cpuMs`).toBeGreaterThan(0);
  expect(m.samples.wallMs, label).toEqual([m.wallMs]);
}

describe('npm run bench -- --sizes 10', () => {
  it('writes JSON and Markdown, prints the table, and leaves no generated site behind', () => {
    const files = readdirSync(out);
    expect(files).toContain('latest.md');
    expect(files.filter((f) => /^bench-.*\.json$/.test(f))).toHaveLength(1);
    expect(run.stdout).toContain('| incidents | state | pages |');
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('## Flagship page weight');
    expect(results.workDir).toMatch(/^tests\/fixtures\/sites\/\.tmp-bench-/);
    expect(results.kept).toBe(false);
    expect(existsSync(join(projectRoot, results.workDir))).toBe(false);
  });

  it('prints the same report again from the JSON with --report', async () => {
    const again = await runNode([join(projectRoot, 'scripts/bench.ts'), '--report', join(out, 'latest.json')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(readFileSync(join(out, 'latest.md'), 'utf8').trim());
  });

  it('describes the run', () => {
    expect(results.version).toBe(1);
    expect(results.repeat).toBe(1);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.machine.memoryBytes).toBeGreaterThan(0);
    expect(results.sizes.map((s) => s.incidents)).toEqual([10]);
    expect(results.notes.length).toBeGreaterThan(0);
    expect(results.source.fingerprintAtStart).toMatch(/^[0-9a-f]{16}$/);
  });

  it('measures every build of both sites with plausible values', () => {
    for (const state of STATES) {
      expectPlausible(size.aftermath[state], `aftermath ${state}`);
      expectPlausible(size.baseline[state], `baseline ${state}`);
      // One page per incident in the baseline; Aftermath adds the index, tag, filter and search pages.
      expect(size.baseline[state].pages).toBe(10);
      expect(size.aftermath[state].pages).toBeGreaterThan(10);
      for (const key of ['wall', 'peakTreeRss', 'distBytes'] as const)
        expect(size.ratios[state][key], `${state} ${key}`).toBeGreaterThan(0);
    }
  });

  it('counts the CPU of every process of a build, and says how', () => {
    for (const state of STATES) {
      const m = size.aftermath[state];
      if (m.cpuSource) expect(m.cpuSource).toMatch(/^(cgroup v1|cgroup v2|time -v)$/);
      expect(m.machineCpuMs ?? 1).toBeGreaterThan(0);
    }
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('## Where the time goes (Aftermath)');
  });

  it('takes everything from its caches when nothing changed, also the next day: no PDF printed, no diagram measured', () => {
    for (const state of ['warm', 'next day'] as const) {
      const counts = size.aftermath[state].cacheCounts!;
      expect(Object.keys(counts).sort(), state).toEqual(
        ['MDX', 'PDF', 'archive', 'charts', 'code', 'diagrams', 'label check', 'search', 'social cards'].sort(),
      );
      for (const [cache, [, misses]] of Object.entries(counts)) expect(misses, `${state}: ${cache}`).toBe(0);
    }
    // One diagram edited: that incident's reading, MDX, diagram and PDF are redone, nothing else
    // (the search index does not read diagrams; the label check's columns are unchanged).
    const touched = Object.entries(size.aftermath.touch.cacheCounts!).filter(([, [, misses]]) => misses > 0);
    expect(Object.fromEntries(touched.map(([cache, [, misses]]) => [cache, misses]))).toEqual({
      archive: 1,
      MDX: 1,
      diagrams: 1,
      PDF: 1,
    });
    const cold = size.aftermath.cold.phases!;
    for (const phase of ['archive', 'pages', 'diagrams', 'PDF'] as const) expect(cold[phase], phase).toBeGreaterThan(0);
  });

  it("renders no incident's pages again when nothing changed: Astro copies them from the last build", () => {
    const { cold, warm, touch } = size.aftermath;
    const nextDay = size.aftermath['next day'];
    expect(cold.routes!.copied).toBe(0);
    const routes = cold.routes!.rendered;
    // What is left to render: the routes without a key (index, search, tags, follow-ups, 404, the
    // API, the schema, theme.js and the favicon).
    for (const m of [warm, nextDay]) expect(m.routes).toEqual({ copied: routes - 9, rendered: 9 });
    // One incident's story edited: its page, exports, badges, repro page and diagram file, and the
    // pages that list every incident, are rendered; the other incidents' pages are copied.
    expect(touch.routes!.rendered).toBeGreaterThan(9);
    expect(touch.routes!.copied).toBeGreaterThan(0);
    expect(touch.routes!.copied + touch.routes!.rendered).toBe(routes);
  });

  it('renders every diagram cold, none warm, and only the edited one after the touch', () => {
    const { cold, warm, touch } = size.aftermath;
    // Two Mermaid fences per incident, all distinct, plus the diagrams Aftermath draws from data
    // (today one fix graph per incident: 30 in all).
    expect(cold.diagrams!.hits).toBe(0);
    expect(cold.diagrams!.misses).toBeGreaterThanOrEqual(20);
    const total = cold.diagrams!.misses;
    expect(warm.diagrams).toEqual({ hits: total, misses: 0 });
    expect(touch.diagrams).toEqual({ hits: total - 1, misses: 1 });
    for (const state of STATES) expect(size.baseline[state].diagrams).toBeNull();
  });

  it('weighs the flagship incident page', () => {
    const w = results.flagship!;
    expect(w.page).toBe('/incidents/2023-03-20-chatgpt-redis-py/');
    for (const kind of ['html', 'css', 'js', 'total'] as const) {
      expect(w[kind].files, kind).toBeGreaterThan(0);
      expect(w[kind].rawBytes, kind).toBeGreaterThan(0);
      expect(w[kind].gzipBytes, kind).toBeGreaterThan(0);
    }
    expect(w.total.gzipBytes).toBeLessThan(w.total.rawBytes);
    expect(w.total.rawBytes).toBe(
      w.html.rawBytes + w.css.rawBytes + w.js.rawBytes + w.images.rawBytes + w.other.rawBytes,
    );
    expect(w.missing).toEqual([]);
    // The project's own build ran with empty caches: it drew the bundled incidents' charts.
    expect(w.projectBuild!.cacheCounts!.charts![1]).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toMatch(/The project's own build .* charts drawn: \d+\./);
  });
});

/**
 * Measurements a repro records: the `measure` line format, summaries, budgets, the re-check's
 * tolerance, the fitted log–log slope, and the manifest's declarations with their located problems.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chartLines,
  growthFits,
  logLogSlope,
  movedBeyond,
  parseBudget,
  parseMeasurements,
  summarize,
  withinBudget,
} from '../../src/domain/measurements.ts';
import { readArchive } from '../../src/archive/archive.ts';
import { resolveMeasure } from '../../src/archive/measure-refs.ts';
import { checkResults } from '../../src/repro/results.ts';
import { cellMeasurements, judge } from '../../src/repro/runner.ts';
import { reproSchema } from '../../src/schemas/repro.ts';
import { recordedCell, recording } from '../support/recordings.ts';

const base = { title: 'T', runtime: 'node', entry: 'm.mjs', parameters: { N: [10, 100, 1000] } };
const budgeted = reproSchema.parse({
  ...base,
  measurements: { ms_per_match: { label: 'Time per match', unit: 'ms' } },
  budget: { ms_per_match: '< 100' },
  chart: { y: 'ms_per_match', x: 'N' },
  expect: {},
});

function issues(input: unknown): string[] {
  const result = reproSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('the measure line', () => {
  it('reads name=value pairs on lines that start with measure, and says which value is not a number', () => {
    expect(parseMeasurements('setup\nmeasure ms_per_match=12.5 runs=5\nmeasure ms_per_match=13\n')).toEqual({
      values: { ms_per_match: 13, runs: 5 },
      problems: [],
    });
    expect(parseMeasurements('measure ms=fast\nmeasured x=1\n  measure y=2\n')).toEqual({
      values: {},
      problems: ['"measure ms=fast" is not a number'],
    });
  });

  it('summarizes every run, keeping the values in run order', () => {
    expect(summarize([3, 1, 2])).toEqual({ values: [3, 1, 2], min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 2, 3]).median).toBe(2.5);
    expect(
      cellMeasurements(budgeted, ['measure ms_per_match=5\n', 'no line\n', 'measure ms_per_match=7 other=1\n']),
    ).toEqual({
      ms_per_match: { values: [5, 7], min: 5, median: 6, max: 7 },
    });
  });
});

describe('a budget decides the verdict', () => {
  const run = (stdout: string, exitCode = 0) => ({ exitCode, signal: null, timedOut: false, stdout, stderr: '' });
  const cell = { version: 'installed', parameters: { N: '100' } };

  it('reads "< 100" and its kin', () => {
    expect(parseBudget('< 100')).toEqual({ op: '<', limit: 100 });
    expect(parseBudget('>=2.5e3')).toEqual({ op: '>=', limit: 2500 });
    expect(parseBudget('under 100')).toBeUndefined();
    expect(withinBudget(99.9, { op: '<', limit: 100 })).toBe(true);
    expect(withinBudget(100, { op: '<', limit: 100 })).toBe(false);
  });

  it('reproduced over the budget, not reproduced within it, an error without the line', () => {
    expect(judge(budgeted, cell, run('measure ms_per_match=250.5\n'))).toMatchObject({
      verdict: 'reproduced',
      reason: 'ms_per_match = 250.5 ms, over the budget < 100',
    });
    expect(judge(budgeted, cell, run('measure ms_per_match=0.4\n')).verdict).toBe('not-reproduced');
    expect(judge(budgeted, cell, run('crashed\n', 1))).toMatchObject({
      verdict: 'error',
      reason: 'exited with code 1 and printed no "measure ms_per_match=…" line for its budget',
    });
  });

  it('points a transcript at the measure line when expect gives no pattern', () => {
    expect(budgeted.expect.reproduced).toBe('^measure\\b.*\\bms_per_match=');
  });
});

describe('the manifest declares what it measures', () => {
  it('names a budget, a chart or a pattern that is missing, at its field', () => {
    expect(issues({ ...base, budget: { ms: '< 1' }, expect: {} })).toEqual([
      'budget.ms: the budget names "ms", which is not declared under measurements (measurements declares none); declare it there with its label and unit',
    ]);
    expect(issues({ ...base, expect: { reproduced: 'X' } })).toEqual([
      'expect.not_reproduced: expected a pattern for expect.not_reproduced, or a budget that decides the verdict from a measurement',
    ]);
    expect(
      issues({
        ...base,
        parameters: { ENGINE: ['a', 'b'] },
        measurements: { ms: { label: 'Time' } },
        chart: { y: 'reproduced_rate', x: 'ENGINE' },
        expect: { reproduced: 'X', not_reproduced: 'Y' },
      }),
    ).toEqual([
      "chart.y: reproduced_rate is the share of a repeated cell's runs that reproduced; set repeat to 2 or more, or chart a measurement",
      "chart.x: the chart's x must be a parameter whose values are numbers above 0; ENGINE has a, b",
    ]);
    expect(
      issues({ ...base, budget: { ms: 'fast' }, measurements: { ms: { label: 'T', tolerance: 1 } }, expect: {} }),
    ).toEqual([
      'measurements.ms.tolerance: tolerance is a factor either way and must be more than 1, e.g. 10',
      'budget.ms: expected a budget such as "< 100" (or <=, >, >=)',
    ]);
  });
});

describe('a re-check compares medians within the tolerance', () => {
  const measured = (median: number) =>
    recording('h', [
      recordedCell(
        'installed',
        'not-reproduced',
        { N: '100' },
        {
          measurements: { ms_per_match: { values: [median], min: median, median, max: median } },
        },
      ),
    ]);

  it('lets a median move within ×10 and reports a doctored one', () => {
    expect(checkResults(measured(5), measured(30), budgeted).ok).toBe(true);
    const doctored = checkResults(measured(0.5), measured(30), budgeted);
    expect(doctored.ok).toBe(false);
    expect(doctored.problems).toEqual([
      'inc/r [installed N=100]: ms_per_match moved from a median of 0.5 ms to 30 ms, more than the tolerance (×10 either way); if the change is real, record the repro again',
    ]);
    expect(movedBeyond(1, -1, 100)).toBe(true);
    expect(movedBeyond(0, 0, 2)).toBe(false);
  });
});

describe('growth', () => {
  it('fits the exponent of y = c·x^k exactly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 5, noNaN: true }),
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 2, maxLength: 8 }),
        (k, c, xs) => {
          const slope = logLogSlope(xs.map((x) => ({ x, y: c * x ** k })));
          expect(slope).toBeCloseTo(k, 6);
        },
      ),
    );
    expect(
      logLogSlope([
        { x: 5, y: 1 },
        { x: 5, y: 2 },
      ]),
    ).toBeUndefined();
  });

  it('draws one line per version and other parameters, and fits each', () => {
    const cells = [
      {
        version: '1',
        parameters: { E: 'a', N: '100' },
        verdict: 'reproduced',
        measurements: { ms_per_match: { median: 1000 } },
      },
      {
        version: '1',
        parameters: { E: 'a', N: '10' },
        verdict: 'not-reproduced',
        measurements: { ms_per_match: { median: 1 } },
      },
      {
        version: '1',
        parameters: { E: 'b', N: '10' },
        verdict: 'not-reproduced',
        measurements: { ms_per_match: { median: 1 } },
      },
      {
        version: '1',
        parameters: { E: 'b', N: '100' },
        verdict: 'not-reproduced',
        measurements: { ms_per_match: { median: 10 } },
      },
    ];
    const chart = { y: 'ms_per_match', x: 'N' };
    expect(chartLines({ chart, cells }).map((l) => [l.parameters, l.points.map((p) => p.x)])).toEqual([
      [{ E: 'a' }, [10, 100]],
      [{ E: 'b' }, [10, 100]],
    ]);
    expect(growthFits({ chart, cells }).map((f) => [f.parameters.E, f.slope])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });
});

describe('<Measure> cites what was recorded', () => {
  const root = resolve(import.meta.dirname, '../..');
  const incident = readArchive(root).incidents.find((i) => i.slug === '2019-07-02-cloudflare-waf-regex')!;
  const cite = (attributes: Record<string, string>) =>
    resolveMeasure({ repro: 'regex-budget', ...attributes }, incident.repros, incident.slug);

  it("prints a cell's median with its unit, and a line's fitted growth without the chart's x", () => {
    const value = cite({ of: 'ms_per_match', params: 'ENGINE=backtracking N=1000' });
    expect(value).toMatchObject({ ok: true, text: expect.stringMatching(/^\d{1,3}(,\d{3})* ms$/) });
    const growth = cite({ of: 'ms_per_match', params: 'ENGINE=backtracking' });
    expect(growth).toMatchObject({ ok: true, text: expect.stringMatching(/^N\^[3-4]\.\d$/) });
  });

  it('says what is wrong with a citation of a value that was never recorded', () => {
    expect(cite({ of: 'cpu_seconds', params: 'ENGINE=re2js N=25' })).toEqual({
      ok: false,
      message:
        '"cpu_seconds" is not a measurement of the repro "regex-budget" (content/incidents/2019-07-02-cloudflare-waf-regex/repros/regex-budget/repro.yaml declares: ms_per_match)',
    });
    expect(cite({ of: 'ms_per_match', params: 'ENGINE=re2js N=2000' })).toMatchObject({
      ok: false,
      unrecorded: true,
      message: expect.stringMatching(
        /^the repro "regex-budget" has no recorded cell for 2\.10\.0 with ENGINE=re2js N=2000/,
      ),
    });
    expect(cite({ of: 'ms_per_match', params: 'ENGINE=pcre' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('its lines: ENGINE=backtracking, ENGINE=v8-linear, ENGINE=re2js'),
    });
  });

  it('fails the archive with the line of a citation that names nothing recorded', () => {
    const site = mkdtempSync(join(tmpdir(), 'aftermath-measure-'));
    try {
      cpSync(
        join(root, 'content/incidents/2019-07-02-cloudflare-waf-regex'),
        join(site, 'content/incidents/2019-07-02-cloudflare-waf-regex'),
        { recursive: true },
      );
      const file = join(site, 'content/incidents/2019-07-02-cloudflare-waf-regex/index.mdx');
      writeFileSync(file, readFileSync(file, 'utf8').replace('params="ENGINE=re2js" />', 'params="ENGINE=pcre" />'));
      const problems = readArchive(site).problems;
      expect(problems).toEqual([
        expect.objectContaining({
          file: 'content/incidents/2019-07-02-cloudflare-waf-regex/index.mdx',
          field: '<Measure repro="regex-budget" of="ms_per_match" params="ENGINE=pcre" />',
          message: expect.stringContaining('no recorded line of "regex-budget" matches ENGINE=pcre'),
        }),
      ]);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { affectedIntervals, compareWithAdvisory, versionOutcomes } from '../../src/domain/affected-ranges.ts';
import { intervalText } from '../../src/view/affected-ranges-view.ts';
import type { Verdict } from '../../src/schemas/repro-results.ts';
import { pep440 } from '../../src/domain/version-schemes/pep440.ts';
import { semverScheme } from '../../src/domain/version-schemes/semver.ts';

const cells = (list: [string, Verdict][]) => list.map(([version, verdict]) => ({ version, verdict }));

// The flagship's proxied GET, as recorded over every release from 4.2.0 to 4.5.5.
const flagship = cells([
  ['4.2.0', 'not-reproduced'],
  ['4.3.6', 'not-reproduced'],
  ['4.4.0', 'reproduced'],
  ['4.4.3', 'reproduced'],
  ['4.4.4', 'not-reproduced'],
  ['4.5.0', 'reproduced'],
  ['4.5.3', 'reproduced'],
  ['4.5.4', 'not-reproduced'],
  ['4.5.5', 'not-reproduced'],
]);

describe('affected ranges from a recorded matrix', () => {
  it('orders versions as PEP 440 does and finds each interval with its first bad and first good release', () => {
    const outcomes = versionOutcomes([...flagship].reverse(), pep440);
    expect(outcomes.map(([v]) => v)).toEqual([
      '4.2.0',
      '4.3.6',
      '4.4.0',
      '4.4.3',
      '4.4.4',
      '4.5.0',
      '4.5.3',
      '4.5.4',
      '4.5.5',
    ]);
    const intervals = affectedIntervals(outcomes);
    expect(intervals.map((i) => intervalText(i))).toEqual([
      '4.4.0 to 4.4.3 (fixed in 4.4.4)',
      '4.5.0 to 4.5.3 (fixed in 4.5.4)',
    ]);
    expect(intervals.every((i) => i.unknown.length === 0)).toBe(true);
  });

  it('never counts an error as fixed: it stays unknown, inside or at the edge of an interval', () => {
    const outcomes = versionOutcomes(
      cells([
        ['1.0.0', 'reproduced'],
        ['1.1.0', 'error'],
        ['1.2.0', 'reproduced'],
        ['1.3.0', 'skipped'],
      ]),
      pep440,
    );
    const [interval] = affectedIntervals(outcomes);
    expect(interval).toMatchObject({ introduced: '1.0.0', lastAffected: '1.2.0', unknown: ['1.1.0', '1.3.0'] });
    expect(interval!.fixed).toBeUndefined();
    expect(intervalText(interval!)).toBe('1.0.0 to 1.2.0 (no later release ran unaffected)');
  });

  it('calls a version affected when any of its cells reproduced', () => {
    expect(
      versionOutcomes(
        cells([
          ['2.0.0', 'not-reproduced'],
          ['2.0.0', 'reproduced'],
        ]),
        pep440,
      ),
    ).toEqual([['2.0.0', 'affected']]);
    expect(
      versionOutcomes(
        cells([
          ['2.0.0', 'not-reproduced'],
          ['2.0.0', 'error'],
        ]),
        pep440,
      ),
    ).toEqual([['2.0.0', 'unknown']]);
  });
});

describe('compareWithAdvisory', () => {
  it('finds where CVE-2023-28859 states more than was measured: 4.2.0 to 4.3.6', () => {
    const comparison = compareWithAdvisory(
      versionOutcomes(flagship, pep440),
      ['>=4.2.0, <4.4.4', '>=4.5.0, <4.5.4'],
      pep440,
    );
    expect(comparison.disagreements).toEqual([{ kind: 'stated-only', versions: ['4.2.0', '4.3.6'] }]);
    expect(comparison.agreeing).toBe(7);
  });

  it('also finds versions measured affected that the advisory leaves out', () => {
    const comparison = compareWithAdvisory(versionOutcomes(flagship, pep440), ['>=4.4.0, <4.4.4'], pep440);
    expect(comparison.disagreements).toEqual([{ kind: 'measured-only', versions: ['4.5.0', '4.5.3'] }]);
  });
});

describe("a Node package's versions (npm's semver)", () => {
  const node = cells([
    ['1.10.0', 'not-reproduced'],
    ['1.9.0', 'reproduced'],
    ['1.2.0', 'reproduced'],
    ['2.0.0-rc.1', 'not-reproduced'],
    ['1.11.0', 'not-reproduced'],
  ]);

  it('orders releases as npm does (1.9.0 before 1.10.0, a pre-release before its release)', () => {
    expect(versionOutcomes(node, semverScheme).map(([v]) => v)).toEqual([
      '1.2.0',
      '1.9.0',
      '1.10.0',
      '1.11.0',
      '2.0.0-rc.1',
    ]);
    const [interval] = affectedIntervals(versionOutcomes(node, semverScheme));
    expect(intervalText(interval!)).toBe('1.2.0 to 1.9.0 (fixed in 1.10.0)');
  });

  it("reads an advisory's ranges written with commas or as npm writes them", () => {
    const outcomes = versionOutcomes(node, semverScheme);
    for (const stated of [['>=1.0.0, <1.10.0'], ['>=1.0.0 <1.10.0'], ['^1.0.0 <1.10.0']])
      expect(compareWithAdvisory(outcomes, stated, semverScheme).disagreements).toEqual([]);
    expect(compareWithAdvisory(outcomes, ['<1.9.0'], semverScheme).disagreements).toEqual([
      { kind: 'measured-only', versions: ['1.9.0'] },
    ]);
    expect(semverScheme.validRange('>=1.2.0, <2')).toBe(true);
    expect(semverScheme.validRange('>=1.2.0,,<<2')).toBe(false);
    expect(pep440.validRange('^1.2.0')).toBe(false);
  });
});

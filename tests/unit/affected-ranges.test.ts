import { describe, expect, it } from 'vitest';
import {
  affectedIntervals,
  compareWithAdvisory,
  intervalText,
  versionOutcomes,
} from '../../src/domain/affected-ranges.ts';
import type { Verdict } from '../../src/schemas/repro-results.ts';

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
    const outcomes = versionOutcomes([...flagship].reverse());
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
    expect(intervals.map(intervalText)).toEqual(['4.4.0 to 4.4.3 (fixed in 4.4.4)', '4.5.0 to 4.5.3 (fixed in 4.5.4)']);
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
      ),
    ).toEqual([['2.0.0', 'affected']]);
    expect(
      versionOutcomes(
        cells([
          ['2.0.0', 'not-reproduced'],
          ['2.0.0', 'error'],
        ]),
      ),
    ).toEqual([['2.0.0', 'unknown']]);
  });
});

describe('compareWithAdvisory', () => {
  it('finds where CVE-2023-28859 states more than was measured: 4.2.0 to 4.3.6', () => {
    const comparison = compareWithAdvisory(versionOutcomes(flagship), ['>=4.2.0, <4.4.4', '>=4.5.0, <4.5.4']);
    expect(comparison.disagreements).toEqual([{ kind: 'stated-only', versions: ['4.2.0', '4.3.6'] }]);
    expect(comparison.agreeing).toBe(7);
  });

  it('also finds versions measured affected that the advisory leaves out', () => {
    const comparison = compareWithAdvisory(versionOutcomes(flagship), ['>=4.4.0, <4.4.4']);
    expect(comparison.disagreements).toEqual([{ kind: 'measured-only', versions: ['4.5.0', '4.5.3'] }]);
  });
});

/** The badge and status of a repro: decided by the newest version's recorded cells. */
import { describe, expect, it } from 'vitest';
import { badgeSvg, reproStatus } from '../../src/exports/repro-badge.ts';
import type { CellResult, ReproResults } from '../../src/schemas/repro-results.ts';
import { reproSchema } from '../../src/schemas/repro.ts';

const manifest = reproSchema.parse({
  title: 't',
  runtime: 'python',
  entry: 'r.py',
  package: { name: 'redis', versions: ['4.5.1', '4.5.5'] },
  expect: { reproduced: 'LEAK', not_reproduced: 'OK' },
});
const cell = (version: string, verdict: CellResult['verdict']) => ({ version, parameters: {}, verdict }) as CellResult;
const results = (...cells: CellResult[]) => ({ recordedAt: '2026-11-28T09:09:12Z', cells }) as ReproResults;

describe('reproStatus', () => {
  it('calls a repro fixed when every cell of its newest version did not reproduce', () => {
    const status = reproStatus('inc', {
      id: 'r',
      manifest,
      results: results(cell('4.5.1', 'reproduced'), cell('4.5.5', 'not-reproduced')),
      stale: false,
    });
    expect(status).toMatchObject({ subject: 'redis 4.5.5', state: 'fixed', message: 'fixed · verified 2026-11-28' });
  });
  it('says reproduces, unverified, stale or not run when that is the truth', () => {
    const of = (r: ReproResults | undefined, stale = false) =>
      reproStatus('inc', { id: 'r', manifest, results: r, stale }).state;
    expect(of(results(cell('4.5.5', 'reproduced')))).toBe('reproduces');
    expect(of(results(cell('4.5.5', 'skipped')))).toBe('unverified');
    expect(of(results(cell('4.5.5', 'not-reproduced')), true)).toBe('stale');
    expect(of(results(cell('4.5.1', 'reproduced')))).toBe('not-run');
    expect(of(undefined)).toBe('not-run');
  });
});

describe('badgeSvg', () => {
  it('is an SVG image with both parts as text and a label for screen readers, escaped', () => {
    const svg = badgeSvg({ subject: 'redis <4.5.5>', state: 'fixed', message: 'fixed · verified 2026-11-28' });
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="20" role="img" aria-label="redis &lt;4\.5\.5&gt;: fixed · verified 2026-11-28">/,
    );
    expect(svg).toContain('>fixed · verified 2026-11-28</text>');
    expect(svg).toContain('fill="#2e7d32"');
  });
});

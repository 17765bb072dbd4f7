import { describe, expect, it } from 'vitest';
import { decidingLine, reproCommand, shortReason, summarizeRepro } from '../../src/lib/repro-view.ts';
import type { ReproResults } from '../../src/repro/results.ts';
import type { CellResult } from '../../src/repro/runner.ts';
import { reproSchema } from '../../src/schemas/repro.ts';

const manifest = reproSchema.parse({ title: 'T', runtime: 'python', entry: 'r.py', expect: { reproduced: '^LEAK', not_reproduced: '^NO-LEAK' } });
const env = { runtime: 'python' as const, interpreter: '/usr/bin/python3', interpreterVersion: '3.11.2', packageVersionImported: '4.3.4', redisServerVersion: '7.0.15', os: 'Linux 6.1 x64', node: 'v22.23.3' };
function cell(verdict: CellResult['verdict'], extra: Partial<CellResult> = {}): CellResult {
  return { version: 'installed', parameters: {}, verdict, expectation: 'none', exitCode: 0, durationMs: 900, stdout: '', stderr: '', trace: { messages: [], omitted: 0 }, environment: env, ranAt: '2026-11-22T06:50:00Z', ...extra };
}
const trace = { messages: [{ conn: 1, dir: 'c2s' as const, t: 1, text: 'GET a' }], omitted: 0 };
const results = (cells: CellResult[]): ReproResults => ({ repro: { incident: 'i', id: 'r', title: 'T', dir: 'd' }, sourcesHash: 'sha256:x', recordedAt: '2026-11-22T06:50:00Z', cells });

describe('summarizeRepro', () => {
  it('says "not run" without a recording and "stale" when sources changed', () => {
    expect(summarizeRepro(undefined, false).state).toBe('not-run');
    expect(summarizeRepro(results([cell('reproduced')]), true).state).toBe('stale');
  });
  it('counts verdicts, violations and where it ran, and features a reproduced cell with a trace', () => {
    const s = summarizeRepro(results([cell('not-reproduced', { trace }), cell('reproduced', { trace, version: '4.5.1', expectation: 'violated' }), cell('skipped', { environment: { ...env, interpreterVersion: null } })]), false);
    expect(s.counts).toEqual({ 'not-reproduced': 1, reproduced: 1, skipped: 1 });
    expect(s.violated).toBe(1);
    expect(s.where).toBe('Linux 6.1 x64, Python 3.11.2, redis-server 7.0.15');
    expect(s.featured?.version).toBe('4.5.1');
  });
});

describe('small helpers', () => {
  it('finds the line that decided the verdict', () => {
    expect(decidingLine(cell('reproduced', { stdout: 'imported redis 4.5.1\nLEAK: wrong value\n' }), manifest)).toBe('LEAK: wrong value');
  });
  it('shortens a reason and writes the command a reader runs', () => {
    expect(shortReason('pip could not install redis==4.5.1: no index reachable (ERROR: No matching distribution)')).toBe('pip could not install redis==4.5.1: no index reachable');
    expect(reproCommand('inc', 'r', manifest)).toBe('REPRO_PYTHON=/usr/bin/python3 npm run repro -- inc r');
  });
});

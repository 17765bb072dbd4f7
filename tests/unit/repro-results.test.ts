import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkResults, isStale, mergeResults, readResults, sourcesHash, writeResults, type ReproResults } from '../../src/repro/results.ts';
import { cellKey, type CellResult, type Verdict } from '../../src/repro/runner.ts';
import { EMPTY_TRACE } from '../../src/repro/trace.ts';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aftermath-results-test-'));
  made.push(dir);
  return dir;
}

function cell(version: string, verdict: Verdict, parameters: Record<string, string> = {}): CellResult {
  return {
    version,
    parameters,
    verdict,
    expectation: 'none',
    exitCode: 0,
    durationMs: 1,
    stdout: '',
    stderr: '',
    trace: EMPTY_TRACE,
    environment: { runtime: 'python', interpreter: null, interpreterVersion: null, packageVersionImported: null, redisServerVersion: null, os: 'Linux', node: 'v22' },
    ranAt: '2024-01-01T00:00:00Z',
  };
}

function results(hash: string, cells: CellResult[]): ReproResults {
  return { repro: { incident: 'inc', id: 'r', title: 't', dir: 'repros/r' }, sourcesHash: hash, recordedAt: '2024-01-01T00:00:00Z', cells };
}

describe('sourcesHash', () => {
  it('covers names and contents of every file except results.json and caches', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'repro.yaml'), 'title: x\n');
    writeFileSync(join(dir, 'snippet.py'), 'print(1)\n');
    const first = sourcesHash(dir);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    writeFileSync(join(dir, 'results.json'), '{}');
    mkdirSync(join(dir, '__pycache__'));
    writeFileSync(join(dir, '__pycache__', 'x.pyc'), 'bytecode');
    expect(sourcesHash(dir)).toBe(first);
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'helper.py'), '');
    const withHelper = sourcesHash(dir);
    expect(withHelper).not.toBe(first);
    writeFileSync(join(dir, 'snippet.py'), 'print(2)\n');
    expect(sourcesHash(dir)).not.toBe(withHelper);
  });
});

describe('isStale / checkResults', () => {
  it('is stale without a recording or with another hash', () => {
    expect(isStale(undefined, 'h')).toBe(true);
    expect(isStale({ sourcesHash: 'h' }, 'h')).toBe(false);
    expect(isStale({ sourcesHash: 'h' }, 'other')).toBe(true);
  });

  it('passes when every fresh verdict matches the recording', () => {
    const recorded = results('h', [cell('1', 'reproduced'), cell('2', 'not-reproduced')]);
    expect(checkResults(recorded, results('h', [cell('2', 'not-reproduced')]))).toEqual({ ok: true, stale: false, problems: [] });
  });

  it('fails on a changed verdict, a skipped cell, a missing cell, stale sources, no recording', () => {
    const recorded = results('h', [cell('1', 'reproduced'), cell('2', 'not-reproduced')]);
    const outcome = checkResults(recorded, results('h', [cell('1', 'not-reproduced'), cell('2', 'skipped'), cell('3', 'reproduced')]));
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual([
      'inc/r [1]: recorded reproduced, now not-reproduced',
      'inc/r [2]: recorded not-reproduced, now skipped',
      'inc/r [3]: not in the recording (now reproduced)',
    ]);
    const stale = checkResults(recorded, results('changed', [cell('1', 'reproduced')]));
    expect(stale).toMatchObject({ ok: false, stale: true });
    expect(stale.problems[0]).toMatch(/stale/);
    expect(checkResults(undefined, results('h', [])).problems[0]).toMatch(/no results\.json recorded; run npm run repro -- inc r/);
  });
});

describe('mergeResults / writeResults', () => {
  it('merges a partial run into a recording of the same sources, in matrix order', () => {
    const order = ['1', '2', '3'].map((v) => cellKey({ version: v, parameters: {} }));
    const previous = results('h', [cell('1', 'reproduced'), cell('2', 'reproduced'), cell('old', 'reproduced')]);
    const merged = mergeResults(previous, results('h', [cell('2', 'not-reproduced')]), order);
    expect(merged.cells.map((c) => `${c.version}:${c.verdict}`)).toEqual(['1:reproduced', '2:not-reproduced']);
    // Other sources: the old cells are not evidence for the new snippet.
    const fresh = mergeResults(previous, results('new', [cell('3', 'reproduced')]), order);
    expect(fresh.cells.map((c) => c.version)).toEqual(['3']);
  });

  it('writes results.json next to the manifest and reads it back', () => {
    const root = tempDir();
    mkdirSync(join(root, 'repros/r'), { recursive: true });
    const doc = results('h', [cell('1', 'reproduced')]);
    const file = writeResults(root, doc);
    expect(file).toBe(join(root, 'repros/r/results.json'));
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
    expect(readResults(root, 'repros/r')).toEqual(doc);
    writeFileSync(file, '{ broken');
    expect(readResults(root, 'repros/r')).toBeUndefined();
    expect(readResults(root, 'repros/none')).toBeUndefined();
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStale, readResults, sourcesHash } from '../../src/archive/repro-record.ts';
import { cellKey } from '../../src/domain/repro-cells.ts';
import { checkResults, MergeError, mergeResults, mergeShards, writeResults } from '../../src/repro/results.ts';
import type { Verdict } from '../../src/schemas/repro-results.ts';
import { recordedCell, recording } from '../support/recordings.ts';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aftermath-results-test-'));
  made.push(dir);
  return dir;
}

const cell = recordedCell;
const results = recording;

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
    expect(checkResults(recorded, results('h', [cell('2', 'not-reproduced')]))).toEqual({
      ok: true,
      stale: false,
      problems: [],
      flips: [],
      notes: [],
    });
  });

  it('fails on a changed verdict, a skipped cell, a missing cell, stale sources, no recording', () => {
    const recorded = results('h', [cell('1', 'reproduced'), cell('2', 'not-reproduced')]);
    const outcome = checkResults(
      recorded,
      results('h', [cell('1', 'not-reproduced'), cell('2', 'skipped'), cell('3', 'reproduced')]),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual([
      'inc/r [1]: recorded reproduced, now not-reproduced',
      'inc/r [2]: recorded not-reproduced, now skipped',
      'inc/r [3]: not in the recording (now reproduced)',
    ]);
    const stale = checkResults(recorded, results('changed', [cell('1', 'reproduced')]));
    expect(stale).toMatchObject({ ok: false, stale: true });
    expect(stale.problems[0]).toMatch(/stale/);
    expect(checkResults(undefined, results('h', [])).problems[0]).toMatch(
      /no results\.json recorded; run npx aftermath repro inc r/,
    );
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
    expect(readResults(root, 'repros/none')).toBeUndefined();
    // What is not a recording is said so, with the field that is wrong.
    writeFileSync(file, '{ broken');
    expect(() => readResults(root, 'repros/r')).toThrow(/^not valid JSON \(/);
    writeFileSync(file, JSON.stringify({ ...doc, cells: [{ ...doc.cells[0], verdict: 'maybe' }] }));
    expect(() => readResults(root, 'repros/r')).toThrow(/^cells\[0\]\.verdict: expected one of "reproduced", /);
  });
});

describe('checkResults reports flips with both cells', () => {
  it('names the cell, both verdicts and rates, and keeps both transcripts', () => {
    const recorded = results('h', [
      {
        ...cell('4.5.1', 'reproduced'),
        stdout: 'LEAK: old',
        tally: { runs: 10, reproduced: 10, notReproduced: 0, errors: 0 },
      },
    ]);
    const fresh = results('h', [
      {
        ...cell('4.5.1', 'not-reproduced'),
        stdout: 'NO-LEAK: new',
        tally: { runs: 10, reproduced: 0, notReproduced: 10, errors: 0 },
      },
    ]);
    const outcome = checkResults(recorded, fresh);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual([
      'inc/r [4.5.1]: recorded reproduced (10/10 runs reproduced), now not-reproduced (0/10 runs reproduced)',
    ]);
    expect(outcome.flips).toHaveLength(1);
    expect([outcome.flips[0]!.recorded.stdout, outcome.flips[0]!.fresh.stdout]).toEqual(['LEAK: old', 'NO-LEAK: new']);
  });
});

describe('checkResults and intermittent cells', () => {
  const rate = (verdict: Verdict, reproduced: number) => ({
    ...cell('4.5.1', verdict),
    tally: { runs: 10, reproduced, notReproduced: 10 - reproduced, errors: 0 },
  });
  it('lets a repeated cell move to or from an intermittent rate with a note, but fails a move between all and none', () => {
    const toLuck = checkResults(results('h', [rate('not-reproduced', 0)]), results('h', [rate('reproduced', 1)]));
    expect(toLuck).toMatchObject({ ok: true, problems: [], flips: [] });
    expect(toLuck.notes).toEqual([
      'inc/r [4.5.1]: recorded not-reproduced (0/10 runs reproduced), now reproduced (1/10 runs reproduced); timing decides this cell',
    ]);
    expect(checkResults(results('h', [rate('reproduced', 7)]), results('h', [rate('not-reproduced', 0)])).ok).toBe(
      true,
    );
    const realFlip = checkResults(results('h', [rate('reproduced', 10)]), results('h', [rate('not-reproduced', 0)]));
    expect(realFlip.ok).toBe(false);
    expect(realFlip.flips).toHaveLength(1);
  });
});

describe('mergeShards', () => {
  const order = new Map([['inc/r', ['1', '2', '3'].map((v) => cellKey({ version: v, parameters: {} }))]]);
  it('joins shards into one recording in matrix order, with the latest recording time', () => {
    const a = {
      ...results('h', [cell('3', 'reproduced'), cell('1', 'not-reproduced')]),
      recordedAt: '2024-01-02T00:00:00Z',
    };
    const b = results('h', [cell('2', 'reproduced')]);
    const [merged] = mergeShards([[a], [b]], order);
    expect(merged!.cells.map((c) => c.version)).toEqual(['1', '2', '3']);
    expect(merged!.recordedAt).toBe('2024-01-02T00:00:00Z');
  });
  it('refuses missing cells, disagreeing shards, mixed sources and unknown repros, listing every problem', () => {
    const a = results('h', [cell('1', 'reproduced'), cell('2', 'reproduced')]);
    const b = results('other', [cell('2', 'not-reproduced')]);
    const stranger = { ...results('h', []), repro: { incident: 'inc', id: 'gone', title: 't', dir: 'x' } };
    let error: MergeError | undefined;
    try {
      mergeShards([[a], [b, stranger]], order);
    } catch (e) {
      error = e as MergeError;
    }
    expect(error).toBeInstanceOf(MergeError);
    expect(error!.problems).toEqual([
      'inc/r: shards ran different sources (h, other); re-run every shard from one commit',
      'inc/r [2]: two shards disagree (reproduced and not-reproduced)',
      'inc/r: 1 cell(s) missing from every shard: 3',
      'inc/gone: in a shard but not in the archive',
    ]);
    expect(() => mergeShards([], order)).toThrow(/inc\/r: no shard ran it \(3 cell\(s\) missing\)/);
  });
});

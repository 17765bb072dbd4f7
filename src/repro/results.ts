/**
 * `repros/<id>/results.json`: the recorded outcome of a repro's matrix, with enough about
 * the machine to judge it later, and a hash of the sources it came from so the site can say
 * "stale" when someone edits the snippet without re-running it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { cellKey, cellLabel, type Cell, type CellResult, type ReproRun } from './runner.ts';

export const RESULTS_FILE = 'results.json';

export interface ReproResults {
  repro: { incident: string; id: string; title: string; dir: string };
  /** sha256 over the repro folder's files (name and content), results.json excluded. */
  sourcesHash: string;
  recordedAt: string;
  cells: CellResult[];
}

// Caches and installs are not sources: a run must not make its own recording stale.
const IGNORED = new Set([RESULTS_FILE, '__pycache__', 'node_modules', '.DS_Store']);

/**
 * Hashes every file under `dir` except results.json (and caches), sorted by relative path
 * with `/` separators, each as `path NUL content NUL`, so a rename changes the hash too.
 */
export function sourcesHash(dir: string): string {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      if (IGNORED.has(name) || name.endsWith('.pyc')) continue;
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  const hash = createHash('sha256');
  for (const file of files.sort()) hash.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
  return `sha256:${hash.digest('hex')}`;
}

/** True when the sources changed since the recording (or there is no recording). Pure. */
export function isStale(recorded: Pick<ReproResults, 'sourcesHash'> | undefined, currentHash: string): boolean {
  return !recorded || recorded.sourcesHash !== currentHash;
}

export function resultsPath(root: string, reproDir: string): string {
  return resolve(root, reproDir, RESULTS_FILE);
}

/** The recording, or undefined when there is none (or it is not valid JSON). */
export function readResults(root: string, reproDir: string): ReproResults | undefined {
  const file = resultsPath(root, reproDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ReproResults;
  } catch {
    return undefined;
  }
}

/** Builds the document for a run. */
export function toResults(run: ReproRun, hash: string, recordedAt = new Date().toISOString()): ReproResults {
  return { repro: { incident: run.incident, id: run.id, title: run.title, dir: run.dir }, sourcesHash: hash, recordedAt, cells: run.cells };
}

/**
 * Merges a partial run (one --version, one shard) into the previous recording: fresh cells
 * replace recorded ones with the same key. A recording from other sources is dropped whole;
 * mixing cells from two versions of a snippet would be a lie. `order` is the full matrix,
 * used to keep cells in matrix order and to drop cells no longer in it.
 */
export function mergeResults(previous: ReproResults | undefined, fresh: ReproResults, order: string[]): ReproResults {
  const byKey = new Map<string, CellResult>();
  if (previous && previous.sourcesHash === fresh.sourcesHash) for (const cell of previous.cells) byKey.set(cellKey(cell), cell);
  for (const cell of fresh.cells) byKey.set(cellKey(cell), cell);
  const cells = order.flatMap((key) => byKey.get(key) ?? []);
  return { ...fresh, cells };
}

/** Writes results.json atomically (a half-written file would read as "no recording"). */
export function writeResults(root: string, results: ReproResults): string {
  const file = resultsPath(root, results.repro.dir);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temp, file);
  return file;
}

/** A recorded verdict that a fresh run did not confirm, with both transcripts. */
export interface VerdictFlip {
  /** `incident/id`. */
  repro: string;
  cell: string;
  recorded: CellResult;
  fresh: CellResult;
}

export interface CheckOutcome {
  ok: boolean;
  stale: boolean;
  problems: string[];
  flips: VerdictFlip[];
  /** Repeated cells whose verdict moved to or from an intermittent rate: luck, not a flip. */
  notes: string[];
}

/** Some runs of a repeated cell reproduced and some did not: the outcome depends on timing. */
export function isIntermittent(cell: Pick<CellResult, 'tally'>): boolean {
  return !!cell.tally && cell.tally.reproduced > 0 && cell.tally.reproduced < cell.tally.runs;
}

/**
 * Compares a fresh run with the recording. Fails when there is no recording, when the
 * sources changed since it was made (stale), or when any cell that ran now has a different
 * verdict than recorded (a skipped cell counts: it could not be confirmed). One exception: a
 * repeated cell whose recorded or fresh rate is intermittent (some runs reproduced, some not)
 * may change its verdict without failing; that is the race being a race, and it is noted. A
 * move between "every run" and "no run" still fails, and so does a violated expectation.
 */
export function checkResults(recorded: ReproResults | undefined, fresh: ReproResults): CheckOutcome {
  const name = `${fresh.repro.incident}/${fresh.repro.id}`;
  if (!recorded) return { ok: false, stale: true, flips: [], notes: [], problems: [`${name}: no ${RESULTS_FILE} recorded; run npm run repro -- ${fresh.repro.incident} ${fresh.repro.id} and commit it`] };
  const problems: string[] = [];
  const flips: VerdictFlip[] = [];
  const notes: string[] = [];
  const stale = isStale(recorded, fresh.sourcesHash);
  if (stale) problems.push(`${name}: ${RESULTS_FILE} is stale (the repro's files changed since ${recorded.recordedAt}); re-run and commit it`);
  const before = new Map(recorded.cells.map((cell) => [cellKey(cell), cell]));
  for (const cell of fresh.cells) {
    const old = before.get(cellKey(cell));
    if (!old) problems.push(`${name} [${cellLabel(cell)}]: not in the recording (now ${cell.verdict})`);
    else if (old.verdict !== cell.verdict && (isIntermittent(old) || isIntermittent(cell))) {
      notes.push(`${name} [${cellLabel(cell)}]: recorded ${verdictText(old)}, now ${verdictText(cell)}; timing decides this cell`);
    } else if (old.verdict !== cell.verdict) {
      problems.push(`${name} [${cellLabel(cell)}]: recorded ${verdictText(old)}, now ${verdictText(cell)}${cell.reason ? ` (${cell.reason})` : ''}`);
      flips.push({ repro: name, cell: cellLabel(cell), recorded: old, fresh: cell });
    }
  }
  return { ok: problems.length === 0, stale, problems, flips, notes };
}

/** `reproduced` or, for a repeated cell, `reproduced (3/10 runs)`. */
export function verdictText(cell: Pick<CellResult, 'verdict' | 'tally'>): string {
  return cell.tally ? `${cell.verdict} (${cell.tally.reproduced}/${cell.tally.runs} runs reproduced)` : cell.verdict;
}

/** Shards that cannot be merged: cells missing, run twice with different verdicts, or of different sources. */
export class MergeError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'MergeError';
    this.problems = problems;
  }
}

/**
 * Joins the results of sharded runs into one recording per repro. Every cell of the repro's
 * matrix (`orders`, by `incident/id`) must be present; a cell present in two shards must have
 * the same verdict; all shards of a repro must come from the same sources.
 */
export function mergeShards(shards: ReproResults[][], orders: Map<string, string[]>): ReproResults[] {
  const problems: string[] = [];
  const byRepro = new Map<string, ReproResults[]>();
  for (const doc of shards.flat()) {
    const name = `${doc.repro.incident}/${doc.repro.id}`;
    byRepro.set(name, [...(byRepro.get(name) ?? []), doc]);
  }
  const merged: ReproResults[] = [];
  for (const [name, order] of orders) {
    const docs = byRepro.get(name) ?? [];
    if (!docs.length) {
      problems.push(`${name}: no shard ran it (${order.length} cell(s) missing)`);
      continue;
    }
    const hashes = new Set(docs.map((d) => d.sourcesHash));
    if (hashes.size > 1) problems.push(`${name}: shards ran different sources (${[...hashes].join(', ')}); re-run every shard from one commit`);
    const cells = new Map<string, CellResult>();
    for (const cell of docs.flatMap((d) => d.cells)) {
      const key = cellKey(cell);
      const other = cells.get(key);
      if (other && other.verdict !== cell.verdict) problems.push(`${name} [${cellLabel(cell)}]: two shards disagree (${verdictText(other)} and ${verdictText(cell)})`);
      if (!other) cells.set(key, cell);
    }
    const missing = order.filter((key) => !cells.has(key));
    if (missing.length) problems.push(`${name}: ${missing.length} cell(s) missing from every shard: ${missing.map((k) => cellLabel(keyToCell(k))).join(', ')}`);
    const recordedAt = docs.map((d) => d.recordedAt).sort().at(-1)!;
    merged.push({ ...docs[0]!, recordedAt, cells: order.flatMap((key) => cells.get(key) ?? []) });
  }
  for (const name of byRepro.keys()) if (!orders.has(name)) problems.push(`${name}: in a shard but not in the archive`);
  if (problems.length) throw new MergeError(problems);
  return merged;
}

function keyToCell(key: string): Cell {
  const [version, parameters] = JSON.parse(key) as [string, [string, string][]];
  return { version, parameters: Object.fromEntries(parameters) };
}

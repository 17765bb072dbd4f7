/**
 * Writing, merging and checking `results.json` (reading it is the archive's job, in
 * src/archive/repro-record.ts): a fresh run merged into a recording, shards joined into one,
 * and a fresh run compared with what was recorded.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cellKey, cellLabel, isIntermittent, describeVerdict } from '../domain/repro-cells.ts';
import { isStale, readRegressions, resultsPath } from '../archive/repro-record.ts';
import { REGRESSIONS_FILE, type Regression } from '../schemas/repro-regressions.ts';
import { RESULTS_FILE, type Cell, type CellResult, type ReproResults } from '../schemas/repro-results.ts';
import type { ReproRun } from './runner.ts';
import { growthFits, movedBeyond } from '../domain/measurements.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { DEFAULT_TOLERANCE } from '../schemas/repro-measurements.ts';

/** Builds the document for a run. */
export function toResults(run: ReproRun, hash: string, recordedAt = new Date().toISOString()): ReproResults {
  return {
    repro: { incident: run.incident, id: run.id, title: run.title, dir: run.dir },
    sourcesHash: hash,
    recordedAt,
    cells: run.cells,
  };
}

/**
 * Merges a partial run (one --version, one shard) into the previous recording: fresh cells
 * replace recorded ones with the same key. A recording from other sources is dropped whole;
 * mixing cells from two versions of a snippet would be a lie. `order` is the full matrix,
 * used to keep cells in matrix order and to drop cells no longer in it.
 */
export function mergeResults(previous: ReproResults | undefined, fresh: ReproResults, order: string[]): ReproResults {
  const byKey = new Map<string, CellResult>();
  if (previous && previous.sourcesHash === fresh.sourcesHash)
    for (const cell of previous.cells) byKey.set(cellKey(cell), cell);
  for (const cell of fresh.cells) byKey.set(cellKey(cell), cell);
  const cells = order.flatMap((key) => byKey.get(key) ?? []);
  return { ...fresh, cells };
}

/** The recording with its chart's fitted slopes (recomputed from its cells; none without a chart of a measurement). */
export function withFits(results: ReproResults, manifest: Pick<ReproManifest, 'chart'>): ReproResults {
  const { fits: _old, ...rest } = results;
  const fits = growthFits({ chart: manifest.chart, cells: results.cells });
  return fits.length ? { ...rest, fits } : rest;
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

/**
 * Compares a fresh run with the recording. Fails when there is no recording, when the
 * sources changed since it was made (stale), or when any cell that ran now has a different
 * verdict than recorded (a skipped cell counts: it could not be confirmed). One exception: a
 * repeated cell whose recorded or fresh rate is intermittent (some runs reproduced, some not)
 * may change its verdict without failing; that is the race being a race, and it is noted. A
 * move between "every run" and "no run" still fails, and so does a violated expectation.
 */
export function checkResults(
  recorded: ReproResults | undefined,
  fresh: ReproResults,
  manifest: Pick<ReproManifest, 'measurements'> = { measurements: {} },
): CheckOutcome {
  const name = `${fresh.repro.incident}/${fresh.repro.id}`;
  if (!recorded)
    return {
      ok: false,
      stale: true,
      flips: [],
      notes: [],
      problems: [
        `${name}: no ${RESULTS_FILE} recorded; run npx aftermath repro ${fresh.repro.incident} ${fresh.repro.id} and commit it`,
      ],
    };
  const problems: string[] = [];
  const flips: VerdictFlip[] = [];
  const notes: string[] = [];
  const stale = isStale(recorded, fresh.sourcesHash);
  if (stale)
    problems.push(
      `${name}: ${RESULTS_FILE} is stale (the repro's files changed since ${recorded.recordedAt}); re-run and commit it`,
    );
  const before = new Map(recorded.cells.map((cell) => [cellKey(cell), cell]));
  for (const cell of fresh.cells) {
    const old = before.get(cellKey(cell));
    if (!old) problems.push(`${name} [${cellLabel(cell)}]: not in the recording (now ${cell.verdict})`);
    else if (old.verdict !== cell.verdict && (isIntermittent(old) || isIntermittent(cell))) {
      notes.push(
        `${name} [${cellLabel(cell)}]: recorded ${describeVerdict(old)}, now ${describeVerdict(cell)}; timing decides this cell`,
      );
    } else if (old.verdict !== cell.verdict) {
      problems.push(
        `${name} [${cellLabel(cell)}]: recorded ${describeVerdict(old)}, now ${describeVerdict(cell)}${cell.reason ? ` (${cell.reason})` : ''}`,
      );
      flips.push({ repro: name, cell: cellLabel(cell), recorded: old, fresh: cell });
    }
    if (old) problems.push(...measurementMoves(`${name} [${cellLabel(cell)}]`, old, cell, manifest));
  }
  return { ok: problems.length === 0, stale, problems, flips, notes };
}

/** Medians that moved further than their measurement's tolerance since the recording. */
function measurementMoves(
  where: string,
  old: CellResult,
  cell: CellResult,
  { measurements }: Pick<ReproManifest, 'measurements'>,
): string[] {
  return Object.entries(cell.measurements ?? {}).flatMap(([name, now]) => {
    const then = old.measurements?.[name];
    const declared = measurements[name];
    const tolerance = declared?.tolerance ?? DEFAULT_TOLERANCE;
    if (!then || !movedBeyond(then.median, now.median, tolerance)) return [];
    const unit = declared?.unit ? ` ${declared.unit}` : '';
    return [
      `${where}: ${name} moved from a median of ${then.median}${unit} to ${now.median}${unit}, more than the tolerance (×${tolerance} either way); if the change is real, record the repro again`,
    ];
  });
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
    if (hashes.size > 1)
      problems.push(
        `${name}: shards ran different sources (${[...hashes].join(', ')}); re-run every shard from one commit`,
      );
    const cells = new Map<string, CellResult>();
    for (const cell of docs.flatMap((d) => d.cells)) {
      const key = cellKey(cell);
      const other = cells.get(key);
      if (other && other.verdict !== cell.verdict)
        problems.push(
          `${name} [${cellLabel(cell)}]: two shards disagree (${describeVerdict(other)} and ${describeVerdict(cell)})`,
        );
      if (!other) cells.set(key, cell);
    }
    const missing = order.filter((key) => !cells.has(key));
    if (missing.length)
      problems.push(
        `${name}: ${missing.length} cell(s) missing from every shard: ${missing.map((k) => cellLabel(keyToCell(k))).join(', ')}`,
      );
    const recordedAt = docs
      .map((d) => d.recordedAt)
      .sort()
      .at(-1)!;
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

/** A flip as regressions.json keeps it: the cell, both sides with their transcripts, and when it was found. */
export function regressionFromFlip(flip: VerdictFlip, detectedAt: string): Regression {
  const side = (cell: CellResult) => ({
    verdict: cell.verdict,
    ranAt: cell.ranAt,
    imported: cell.environment.packageVersionImported,
    stdout: cell.stdout,
    ...(cell.reason && { reason: cell.reason }),
  });
  return {
    cell: { version: flip.fresh.version, parameters: flip.fresh.parameters },
    detectedAt,
    recorded: side(flip.recorded),
    fresh: side(flip.fresh),
  };
}

/**
 * Adds regressions to a repro's regressions.json (written atomically); the same cell found by
 * the same run is kept once. Returns the file.
 */
export function recordRegressions(root: string, reproDir: string, found: readonly Regression[]): string {
  const file = resolve(root, reproDir, REGRESSIONS_FILE);
  const known = readRegressions(root, reproDir);
  const key = (r: Regression) => JSON.stringify([cellKey(r.cell), r.fresh.ranAt]);
  const seen = new Set(known.map(key));
  const regressions = [...known, ...found.filter((r) => !seen.has(key(r)))];
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ regressions }, null, 2)}\n`);
  renameSync(temp, file);
  return file;
}

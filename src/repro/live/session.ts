/**
 * A live run for `astro dev`: the cells a page asked for, run by the real runner
 * with their output streamed as it arrives, then recorded in results.json exactly as
 * `npx aftermath repro` records them. The HTTP side (token, loopback, one run at a time) is
 * src/integration/live-runs.ts; this side never sees a request, only archive records.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { IncidentRecord, IncidentRepro } from '../../domain/incident-record.ts';
import { readResults, sourcesHash } from '../../archive/repro-record.ts';
import { cellKey, cellLabel } from '../../domain/repro-cells.ts';
import type { Cell, CellResult, Verdict } from '../../schemas/repro-results.ts';
import { clearLeftovers, closeAll } from '../cleanup.ts';
import { mergeResults, toResults, withFits, writeResults } from '../results.ts';
import { expandMatrix, runPlan } from '../runner.ts';
import { planRun } from '../plan.ts';
import { resolveRedisBinary, ServiceError } from '../services/redis.ts';
import { recordedMatrix } from '../../domain/version-matrix.ts';

/** Which cells of a repro's current matrix: all, one version's row, or one cell (by cellKey). */
export type LiveScope = { kind: 'all' } | { kind: 'version'; version: string } | { kind: 'cell'; key: string };

/** A request naming something the archive does not have. */
export class LiveRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveRunError';
  }
}

/** The incident and repro by slug and id, looked up in the archive (never a path). */
export function findRepro(
  incidents: IncidentRecord[],
  slug: string,
  id: string,
): { incident: IncidentRecord; repro: IncidentRepro } {
  const incident = incidents.find((i) => i.slug === slug);
  if (!incident) throw new LiveRunError(`no incident "${slug}" in the archive`);
  const repro = incident.repros.find((r) => r.id === id);
  if (!repro) throw new LiveRunError(`incident "${slug}" has no repro "${id}"`);
  return { incident, repro };
}

/** The cells of the repro's current matrix the scope names; an unknown version or cell is refused. */
export function cellsFor(repro: IncidentRepro, scope: LiveScope): Cell[] {
  const matrix = expandMatrix(recordedMatrix(repro));
  if (scope.kind === 'all') return matrix;
  const cells =
    scope.kind === 'version'
      ? matrix.filter((c) => c.version === scope.version)
      : matrix.filter((c) => cellKey(c) === scope.key);
  if (!cells.length)
    throw new LiveRunError(
      scope.kind === 'version'
        ? `version "${scope.version}" is not in the matrix of "${repro.id}"`
        : `that cell is not in the matrix of "${repro.id}" (re-load the page: the manifest may have changed)`,
    );
  return cells;
}

/** What the page is told while the run goes on; `cell` is the cell's key, `label` its name. */
export type LiveEvent =
  | { type: 'plan'; cells: { cell: string; label: string }[]; jobs: number }
  | { type: 'log'; message: string }
  | { type: 'start'; cell: string; label: string }
  | { type: 'output'; cell: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'done'; cell: string; label: string; verdict: Verdict; reason?: string; elapsedMs: number }
  | {
      type: 'recorded';
      file: string;
      recordedAt: string;
      ran: number;
      changes: { cell: string; before?: Verdict; after: Verdict }[];
    }
  | { type: 'stopped'; message: string }
  | { type: 'failed'; message: string };

export interface LiveRunOptions {
  signal: AbortSignal;
  onEvent: (event: LiveEvent) => void;
  /** Cells at once; default as `npx aftermath repro`: the number of cores. */
  jobs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The cells whose verdict differs from the previous record (or that it did not have). */
export function verdictChanges(
  previous: CellResult[],
  fresh: CellResult[],
): { cell: string; before?: Verdict; after: Verdict }[] {
  const before = new Map(previous.map((c) => [cellKey(c), c.verdict]));
  return fresh
    .filter((c) => before.get(cellKey(c)) !== c.verdict)
    .map((c) => ({ cell: cellLabel(c), before: before.get(cellKey(c)), after: c.verdict }));
}

/**
 * Runs `cells` of the repro and records them; ends with a `recorded`, `stopped` or `failed`
 * event. A stopped run records nothing and leaves nothing behind: every process group,
 * service and temp folder the runner registered is closed before this resolves.
 */
export async function runLive(
  root: string,
  incident: IncidentRecord,
  repro: IncidentRepro,
  cells: Cell[],
  options: LiveRunOptions,
): Promise<void> {
  const { signal, onEvent } = options;
  const env = options.env ?? process.env;
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), cells.length));
  const stopped = async () => {
    await closeAll();
    onEvent({
      type: 'stopped',
      message: 'every process, service and temp folder of the run is gone; nothing was recorded',
    });
  };
  try {
    if (repro.manifest.services.some((s) => typeof s === 'string' && /^(redis|redis-cluster|latency-proxy)$/.test(s)))
      resolveRedisBinary();
    clearLeftovers();
    // The CLI's planner, as a --check plans (the recorded versions; latest resolved now), narrowed to these cells.
    const say = (message: string) => onEvent({ type: 'log', message });
    const [planned] = (await planRun([{ incident, repro }], { check: true, env, say })).items;
    const wanted = new Set(cells.map(cellKey));
    const item = { ...planned!, cells: planned!.cells.filter((c) => wanted.has(cellKey(c))) };
    onEvent({ type: 'plan', cells: item.cells.map((c) => ({ cell: cellKey(c), label: cellLabel(c) })), jobs });
    const [run] = await runPlan(root, [item], {
      jobs,
      env,
      signal,
      onOutput: ({ cell, stream, text }) => onEvent({ type: 'output', cell: cellKey(cell), stream, text }),
      onProgress: (event) => {
        if (event.type === 'log') onEvent({ type: 'log', message: event.message });
        else if (event.type === 'start')
          onEvent({ type: 'start', cell: cellKey(event.cell), label: cellLabel(event.cell) });
        else
          onEvent({
            type: 'done',
            cell: cellKey(event.cell),
            label: cellLabel(event.cell),
            verdict: event.result.verdict,
            ...(event.result.reason ? { reason: event.result.reason } : {}),
            elapsedMs: event.elapsedMs,
          });
      },
    });
    if (signal.aborted) return await stopped();
    if (!run?.cells.length) throw new Error('no cell ran');
    // As `npx aftermath repro` records: merged into the previous recording, in matrix order.
    const previous = readResults(root, repro.dir);
    const results = mergeResults(
      previous,
      toResults(run, sourcesHash(resolve(root, repro.dir))),
      expandMatrix(recordedMatrix(repro)).map(cellKey),
    );
    writeResults(root, withFits(results, repro.manifest));
    onEvent({
      type: 'recorded',
      file: `${repro.dir}/results.json`,
      recordedAt: results.recordedAt,
      ran: run.cells.length,
      changes: verdictChanges(previous?.cells ?? [], run.cells),
    });
  } catch (error) {
    if (signal.aborted) return await stopped();
    await closeAll();
    onEvent({
      type: 'failed',
      message: error instanceof ServiceError ? error.message : `the run failed: ${(error as Error).message}`,
    });
  }
}

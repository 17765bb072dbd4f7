/**
 * Runs a repro's matrix: every package version × every combination of parameters, each cell
 * with fresh services, its own environment and a timeout, judged by the manifest's patterns.
 */
import os from 'node:os';
import { basename, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { IncidentRepro } from '../domain/incident-record.ts';
import {
  parseBudget,
  parseMeasurements,
  summarize,
  withinBudget,
  type MeasurementSummary,
} from '../domain/measurements.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { wasInterrupted } from './cleanup.ts';
import { runtimeDriver } from './runtimes/index.ts';
import {
  defaultCacheDir,
  prepareEnvironment,
  type EnvironmentOptions,
  type EnvironmentResult,
  type ReproEnvironment,
} from './environments.ts';
import { startCellServices, type CellServices } from './services/cell-services.ts';
import { runSupervised, type ProcessResult } from './process.ts';
import { decodeTrace, EMPTY_TRACE } from './wire/trace.ts';
import type {
  Cell,
  CellEnvironmentInfo,
  CellResult,
  DecodedTrace,
  Expectation,
  RunTally,
  Verdict,
} from '../schemas/repro-results.ts';

export interface ReproRun {
  incident: string;
  id: string;
  title: string;
  /** The repro folder relative to the project root. */
  dir: string;
  cells: CellResult[];
}

/** `index` and `total` count the cells of the whole plan; `repro` is `incident/id`. */
export type ProgressEvent =
  | { type: 'start'; repro: string; cell: Cell; index: number; total: number }
  | { type: 'done'; repro: string; cell: Cell; index: number; total: number; result: CellResult; elapsedMs: number }
  | { type: 'log'; message: string };

export interface RunReproOptions {
  /** Only this package version (must be one the manifest lists). */
  version?: string;
  /** Run exactly these cells (e.g. one shard); default the whole (filtered) matrix. */
  cells?: Cell[];
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
  installTimeoutMs?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Stored stdout/stderr per stream, head and tail kept. Default 16 KiB. */
  maxStoredOutputBytes?: number;
  /** Decoded trace messages kept per cell. Default 200. */
  maxTraceMessages?: number;
  /** A snippet's output as it arrives (the live runs in `astro dev`); `repro` is `incident/id`. */
  onOutput?: (output: { repro: string; cell: Cell; stream: 'stdout' | 'stderr'; text: string }) => void;
  /** Once aborted, no cell starts, running snippets are taken down, and no result is reported. */
  signal?: AbortSignal;
}

/** A manifest problem found before anything ran (e.g. an unknown --version). */
export class ReproConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReproConfigError';
  }
}

/** Versions × the cartesian product of parameters, in the order the manifest lists them. */
export function expandMatrix(manifest: ReproManifest, filter: { version?: string } = {}): Cell[] {
  let versions = manifest.package?.versions ?? ['installed'];
  if (filter.version !== undefined) {
    if (!versions.includes(filter.version))
      throw new ReproConfigError(`version "${filter.version}" is not in this repro's list (${versions.join(', ')})`);
    versions = [filter.version];
  }
  let combos: Record<string, string>[] = [{}];
  for (const [name, values] of Object.entries(manifest.parameters)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [name]: String(value) })));
  }
  return versions.flatMap((version) => combos.map((parameters) => ({ version, parameters })));
}

/** The version from a line `imported <pkg> <version>`; pip and npm normalise names differently, so `_`, `-`, `.` and case do not matter. */
export function importedVersion(stdout: string, pkg?: string): string | null {
  const norm = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
  for (const match of stdout.matchAll(/^imported (\S+) (\S+)\s*$/gm)) {
    if (!pkg || norm(match[1]!) === norm(pkg)) return match[2]!;
  }
  return null;
}

/**
 * The verdict from what the process did. Patterns are matched against stdout with the `m`
 * flag (so `^REPRODUCED$` means a whole line). A timeout is an error even if a pattern had
 * matched: the output of an interrupted run is not a result.
 */
export function judge(
  manifest: ReproManifest,
  cell: Cell,
  run: Pick<ProcessResult, 'exitCode' | 'signal' | 'timedOut' | 'stdout' | 'stderr' | 'spawnError'>,
  /** The version the cell's environment pinned (for `latest`, the release it stood for). */
  pinned: string | undefined = cell.version,
): { verdict: Verdict; reason?: string; imported: string | null } {
  const imported = importedVersion(run.stdout, manifest.package?.name);
  const reproduced = new RegExp(manifest.expect.reproduced, 'm').test(run.stdout);
  const fine = new RegExp(manifest.expect.not_reproduced, 'm').test(run.stdout);
  const lastErr = run.stderr.trim().split('\n').at(-1)?.trim();
  const error = (reason: string) => ({ verdict: 'error' as const, reason, imported });
  if (run.spawnError) return error(run.spawnError);
  if (run.timedOut)
    return error(
      `timed out after ${manifest.timeout_s} s${reproduced || fine ? ' (a verdict pattern had matched before the timeout)' : ''}`,
    );
  // A pinned cell that imported another version would report the wrong version as tested.
  if (manifest.package && cell.version !== 'installed' && imported !== null && imported !== pinned) {
    return error(`imported ${manifest.package.name} ${imported}, not the pinned ${pinned}`);
  }
  const byBudget = budgetVerdict(manifest, run);
  if (byBudget) return { ...byBudget, imported };
  if (reproduced)
    return { verdict: 'reproduced', imported, ...(run.exitCode ? { reason: `exit code ${run.exitCode}` } : {}) };
  if (fine)
    return { verdict: 'not-reproduced', imported, ...(run.exitCode ? { reason: `exit code ${run.exitCode}` } : {}) };
  if (run.exitCode !== 0) {
    const how = run.signal ? `killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    return error(`${how} without a verdict line${lastErr ? `: ${lastErr}` : ''}`);
  }
  return error('exited 0 but stdout matched neither expect.reproduced nor expect.not_reproduced');
}

/**
 * The verdict a budget gives (`budget: { ms_per_match: "< 100" }`): reproduced when the run's
 * value breaks it, an error when the run exited without printing it. Undefined without a budget.
 */
function budgetVerdict(
  manifest: ReproManifest,
  run: Pick<ProcessResult, 'exitCode' | 'stdout'>,
): { verdict: Verdict; reason?: string } | undefined {
  const [name, text] = Object.entries(manifest.budget ?? {})[0] ?? [];
  if (name === undefined) return undefined;
  const { values, problems } = parseMeasurements(run.stdout);
  if (problems.length) return { verdict: 'error', reason: problems.join('; ') };
  const value = values[name];
  if (value === undefined)
    return {
      verdict: 'error',
      reason: `${run.exitCode ? `exited with code ${run.exitCode} and ` : ''}printed no "measure ${name}=…" line for its budget`,
    };
  const unit = manifest.measurements[name]?.unit ?? '';
  const shown = `${name} = ${value}${unit ? ` ${unit}` : ''}`;
  return withinBudget(value, parseBudget(text!)!)
    ? { verdict: 'not-reproduced', reason: `${shown}, within the budget ${text}` }
    : { verdict: 'reproduced', reason: `${shown}, over the budget ${text}` };
}

const measured = (measurements: Record<string, MeasurementSummary> | undefined) =>
  measurements ? { measurements } : {};

/** Each declared measurement over the runs that printed it, in run order. */
export function cellMeasurements(
  manifest: Pick<ReproManifest, 'measurements'>,
  stdouts: readonly string[],
): Record<string, MeasurementSummary> | undefined {
  const printed = stdouts.map((stdout) => parseMeasurements(stdout).values);
  const entries = Object.keys(manifest.measurements).flatMap((name) => {
    const values = printed.flatMap((run) => (run[name] === undefined ? [] : [run[name]]));
    return values.length ? [[name, summarize(values)] as const] : [];
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * What the manifest predicts for a cell: `expect.by_version` for its version (for `installed`
 * and `latest`, else for the version the snippet actually imported, since that differs between
 * machines and days), else
 * `expect.by_parameter` for one of its parameter values. Skipped cells prove nothing either way.
 */
export function expectationFor(
  manifest: ReproManifest,
  cell: Cell,
  verdict: Verdict,
  imported: string | null = null,
): { expected?: 'reproduced' | 'not-reproduced'; expectation: Expectation } {
  const { by_version, by_parameter } = manifest.expect;
  // `installed` and `latest` name no release: the one the snippet imported decides.
  const byImported =
    (cell.version === 'installed' || cell.version === 'latest') && imported ? by_version[imported] : undefined;
  const byParameter = Object.entries(by_parameter)
    .map(([name, values]) => values[cell.parameters[name] ?? ''])
    .find(Boolean);
  const expected = by_version[cell.version] ?? byImported ?? byParameter;
  if (!expected) return { expectation: 'none' };
  if (verdict === 'skipped') return { expected, expectation: 'none' };
  return { expected, expectation: verdict === expected ? 'met' : 'violated' };
}

/** Keeps head and tail of a long text (the end holds the verdict and the traceback). */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n…[${text.length - 2 * half} characters omitted]…\n${text.slice(-half)}`;
}

/**
 * How a recording names an interpreter: relative to the environment cache when it lives there
 * (`repro-envs/<key>/bin/python`), else by its file name (`python3.11`). A recording is
 * shared; the folders of the machine that made it are not.
 */
export function interpreterName(path: string, cacheRoot: string): string {
  return path.startsWith(`${cacheRoot}/`)
    ? `${basename(cacheRoot)}/${path.slice(cacheRoot.length + 1)}`
    : basename(path);
}

/**
 * Output as it may be published: the project's folder, the environment cache and the home
 * folder of the machine that ran the cell become relative names (a traceback from a venv names
 * `repro-envs/<key>/lib/…`, not `/home/jane/.cache/…`).
 */
export function shareablePaths(text: string, places: { root: string; cacheRoot: string; home?: string }): string {
  const home = places.home ?? os.homedir();
  const swaps: [string, string][] = [
    [`${resolve(places.root)}/`, ''],
    [`${places.cacheRoot}/`, `${basename(places.cacheRoot)}/`],
    ...(home && home !== '/' ? ([[`${home}/`, '~/']] as [string, string][]) : []),
  ];
  return swaps.reduce((out, [from, to]) => out.split(from).join(to), text);
}

function osDescription(): string {
  return `${os.type()} ${os.release()} ${os.arch()}`;
}

/** One repro and the cells of it to run. */
export interface PlanItem {
  incident: string;
  repro: IncidentRepro;
  cells: Cell[];
  /** The release a `latest` cell installs this time: the newest the index lists (the CLI asks pip). */
  latest?: string;
}

/** The version a cell installs: its own, or for `latest` the release the plan resolved it to. */
function installedVersion(item: PlanItem, cell: Cell): string | undefined {
  return cell.version === 'latest' ? item.latest : cell.version;
}

/**
 * The verdict of a repeated cell: reproduced when at least one run reproduced (a race that
 * leaks once in ten runs is a leak), not reproduced when every run finished without
 * reproducing, an error otherwise (some runs failed and none reproduced).
 */
export function tallyVerdict(tally: RunTally): Verdict {
  if (tally.reproduced > 0) return 'reproduced';
  if (tally.errors === 0 && tally.notReproduced > 0) return 'not-reproduced';
  return 'error';
}

/** Runs one repro's cells (see runPlan). */
export async function runRepro(
  root: string,
  incidentSlug: string,
  repro: IncidentRepro,
  options: RunReproOptions = {},
): Promise<ReproRun> {
  const cells = options.cells ?? expandMatrix(repro.manifest, { version: options.version });
  const [run] = await runPlan(root, [{ incident: incidentSlug, repro, cells }], options);
  return run!;
}

/**
 * Runs every cell of the plan, up to `jobs` at a time, and returns one ReproRun per item with
 * its cells in plan order. Each cell has its own services, ports and temp folders, so cells are
 * independent; cells of the same version share one environment, built once. Results of a run
 * interrupted by Ctrl-C are dropped, not reported.
 */
export async function runPlan(
  root: string,
  items: PlanItem[],
  options: RunReproOptions & { jobs?: number } = {},
): Promise<ReproRun[]> {
  const envOptions: EnvironmentOptions = {
    env: options.env ?? process.env,
    cacheDir: options.cacheDir,
    installTimeoutMs: options.installTimeoutMs,
    log: (message) => options.onProgress?.({ type: 'log', message }),
  };
  const environments = new Map<string, Promise<EnvironmentResult>>();
  const environmentFor = (manifest: ReproManifest, version: string) => {
    const key = JSON.stringify([manifest.runtime, manifest.package?.name ?? '', version]);
    let environment = environments.get(key);
    if (!environment)
      environments.set(key, (environment = prepareEnvironment(manifest, manifest.package?.name, version, envOptions)));
    return environment;
  };
  const tasks = items.flatMap((item, itemIndex) => item.cells.map((cell) => ({ item, itemIndex, cell })));
  const results: (CellResult | undefined)[][] = items.map((item) => item.cells.map(() => undefined));
  const positions = items.map(() => 0);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !wasInterrupted() && !options.signal?.aborted) {
      const index = next++;
      const { item, itemIndex, cell } = tasks[index]!;
      const slot = positions[itemIndex]!++;
      const name = `${item.incident}/${item.repro.id}`;
      options.onProgress?.({ type: 'start', repro: name, cell, index, total: tasks.length });
      const started = performance.now();
      const version = installedVersion(item, cell);
      const prepared: EnvironmentResult = version
        ? await environmentFor(item.repro.manifest, version)
        : {
            ok: false,
            reason: 'no release was listed for latest (npx aftermath repro lists the newest before it runs)',
          };
      const result = await runCell(root, item, cell, prepared, options);
      // A cell cut short by Ctrl-C (or Stop) has no verdict worth reporting.
      if (wasInterrupted() || options.signal?.aborted) return;
      results[itemIndex]![slot] = result;
      options.onProgress?.({
        type: 'done',
        repro: name,
        cell,
        index,
        total: tasks.length,
        result,
        elapsedMs: Math.round(performance.now() - started),
      });
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, tasks.length || 1));
  await Promise.all(Array.from({ length: jobs }, worker));
  return items.map((item, i) => ({
    incident: item.incident,
    id: item.repro.id,
    title: item.repro.manifest.title,
    dir: item.repro.dir,
    cells: results[i]!.filter((cell): cell is CellResult => cell !== undefined),
  }));
}

interface SingleRun {
  verdict: Verdict;
  reason?: string;
  imported: string | null;
  run: ProcessResult;
  trace: DecodedTrace;
}

async function runCell(
  root: string,
  item: PlanItem,
  cell: Cell,
  prepared: EnvironmentResult,
  options: RunReproOptions,
): Promise<CellResult> {
  const { repro } = item;
  const manifest = repro.manifest;
  const ranAt = new Date().toISOString();
  const cacheRoot = options.cacheDir ?? defaultCacheDir(options.env ?? process.env);
  const info: CellEnvironmentInfo = {
    runtime: manifest.runtime,
    interpreter: prepared.ok ? interpreterName(prepared.environment.interpreter, cacheRoot) : null,
    interpreterVersion: prepared.ok ? prepared.environment.interpreterVersion : null,
    packageVersionImported: null,
    redisServerVersion: null,
    ...(prepared.ok && prepared.environment.packages ? { packages: prepared.environment.packages } : {}),
    os: osDescription(),
    node: process.version,
  };
  const empty = { exitCode: null, durationMs: 0, stdout: '', stderr: '', trace: EMPTY_TRACE, environment: info, ranAt };
  const skipped = (reason: string): CellResult => ({
    ...cell,
    verdict: 'skipped',
    reason,
    ...expectationFor(manifest, cell, 'skipped'),
    ...empty,
  });
  if (!prepared.ok) return skipped(prepared.reason);

  // Each run of a repeated cell gets fresh services: one run's leftovers must not decide the next.
  const runs: SingleRun[] = [];
  for (let i = 0; i < manifest.repeat; i++) {
    const single = await runOnce(root, item, cell, prepared.environment, options, info);
    if (typeof single === 'string') return skipped(`could not start services: ${single}`);
    if (wasInterrupted() || options.signal?.aborted) break;
    runs.push(single);
  }
  const tally: RunTally = {
    runs: runs.length,
    reproduced: runs.filter((r) => r.verdict === 'reproduced').length,
    notReproduced: runs.filter((r) => r.verdict === 'not-reproduced').length,
    errors: runs.filter((r) => r.verdict === 'error').length,
  };
  const verdict = manifest.repeat > 1 ? tallyVerdict(tally) : (runs[0]?.verdict ?? 'error');
  // The transcript shown is the first run that agrees with the cell's verdict.
  const shown = runs.find((r) => r.verdict === verdict) ?? runs[0];
  if (!shown)
    return { ...cell, verdict: 'error', reason: 'interrupted', ...expectationFor(manifest, cell, 'error'), ...empty };
  info.packageVersionImported = shown.imported;
  const maxOut = options.maxStoredOutputBytes ?? 16 * 1024;
  const shareable = (text: string) => clipText(shareablePaths(text, { root, cacheRoot }), maxOut);
  return {
    ...cell,
    verdict,
    ...(shown.reason ? { reason: shown.reason } : {}),
    ...expectationFor(manifest, cell, verdict, shown.imported),
    ...(manifest.repeat > 1 ? { tally } : {}),
    ...measured(
      cellMeasurements(
        manifest,
        runs.map((r) => r.run.stdout),
      ),
    ),
    exitCode: shown.run.exitCode,
    durationMs: shown.run.durationMs,
    stdout: shareable(shown.run.stdout),
    stderr: shareable(shown.run.stderr),
    trace: shown.trace,
    environment: info,
    ranAt,
  };
}

/** One run of the snippet with fresh services; a string when the services could not start. */
async function runOnce(
  root: string,
  item: PlanItem,
  cell: Cell,
  environment: ReproEnvironment,
  options: RunReproOptions,
  info: CellEnvironmentInfo,
): Promise<SingleRun | string> {
  const { incident, repro } = item;
  const manifest = repro.manifest;
  let services: CellServices;
  try {
    services = await startCellServices(manifest, options.env ?? process.env, cell.parameters);
  } catch (error) {
    return (error as Error).message;
  }
  info.redisServerVersion = services.redisServerVersion;
  let removeStage: (() => void) | undefined;
  try {
    const reproDir = resolve(root, repro.dir);
    const { command, args, cwd, env, stage } = runtimeDriver(manifest).command(
      environment,
      reproDir,
      manifest.entry,
      options.env ?? process.env,
    );
    removeStage = stage;
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      ...services.env,
      REPRO_PACKAGE: manifest.package?.name ?? '',
      REPRO_PACKAGE_VERSION_EXPECTED: installedVersion(item, cell) ?? cell.version,
      ...cell.parameters,
    };
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const onOutput =
      options.onOutput &&
      ((stream: 'stdout' | 'stderr', chunk: Buffer) =>
        options.onOutput!({ repro: `${incident}/${repro.id}`, cell, stream, text: decoders[stream].write(chunk) }));
    const run = await runSupervised(command, args, {
      cwd,
      env: childEnv,
      timeoutMs: manifest.timeout_s * 1000,
      onOutput,
      signal: options.signal,
    });
    const judged = judge(manifest, cell, run, installedVersion(item, cell));
    let trace = EMPTY_TRACE;
    if (services.proxy) {
      await services.proxy.close(); // the trace is complete once no connection can add to it
      trace = decodeTrace(services.proxy.trace, options.maxTraceMessages ?? 200, services.decoder);
    }
    return { ...judged, run, trace };
  } finally {
    await services.stop();
    removeStage?.();
  }
}

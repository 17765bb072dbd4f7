/**
 * Runs a repro's matrix: every package version × every combination of parameters, each cell
 * with fresh services, its own environment and a timeout, judged by the manifest's patterns.
 */
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { IncidentRepro } from '../content/archive.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { trackDir, wasInterrupted } from './cleanup.ts';
import { prepareEnvironment, type EnvironmentOptions, type EnvironmentResult, type ReproEnvironment } from './environments.ts';
import { startCellServices, type CellServices } from './cell-services.ts';
import { runSupervised, type ProcessResult } from './process.ts';
import { decodeTrace, EMPTY_TRACE, type DecodedTrace } from './trace.ts';

export type Verdict = 'reproduced' | 'not-reproduced' | 'error' | 'skipped';
export type Expectation = 'met' | 'violated' | 'none';

/** One point of the matrix. Parameter values are strings: they travel as env vars. */
export interface Cell {
  version: string;
  parameters: Record<string, string>;
}

/** One package the cell's environment installed, as the installer reported it. */
export interface InstalledPackage {
  name: string;
  version: string;
  /** Where it came from: a wheel's file name (found locally) or the URL it was downloaded from. */
  source: string;
  /** sha256 of that file, hex; null when the installer did not report one. */
  sha256: string | null;
}

/** How the runs of a repeated cell (`repeat: N`) turned out. */
export interface RunTally {
  runs: number;
  reproduced: number;
  notReproduced: number;
  errors: number;
}

export interface CellEnvironmentInfo {
  runtime: 'python' | 'node';
  interpreter: string | null;
  interpreterVersion: string | null;
  /** From the snippet's `imported <pkg> <version>` line; null when it printed none. */
  packageVersionImported: string | null;
  redisServerVersion: string | null;
  /** What the environment installed for this version (pinned cells only), from the installer's report. */
  packages?: InstalledPackage[];
  /** `os.type() os.release() os.arch()` of the machine that ran the cell. */
  os: string;
  /** The Node.js version of the runner. */
  node: string;
}

export interface CellResult extends Cell {
  verdict: Verdict;
  /** Why the verdict is `error` or `skipped` (and notes on the others). */
  reason?: string;
  /** What `expect.by_version` predicts for this version, if anything. */
  expected?: 'reproduced' | 'not-reproduced';
  expectation: Expectation;
  /** Present when the manifest asks for `repeat` > 1; stdout, trace and exit code are then those of one run (see `decidingRun`). */
  tally?: RunTally;
  exitCode: number | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  trace: DecodedTrace;
  environment: CellEnvironmentInfo;
  ranAt: string;
}

export interface ReproRun {
  incident: string;
  id: string;
  title: string;
  /** The repro folder relative to the project root. */
  dir: string;
  cells: CellResult[];
}

export type ProgressEvent =
  | { type: 'start'; cell: Cell; index: number; total: number }
  | { type: 'done'; cell: Cell; index: number; total: number; result: CellResult; elapsedMs: number }
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
    if (!versions.includes(filter.version)) throw new ReproConfigError(`version "${filter.version}" is not in this repro's list (${versions.join(', ')})`);
    versions = [filter.version];
  }
  let combos: Record<string, string>[] = [{}];
  for (const [name, values] of Object.entries(manifest.parameters)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [name]: String(value) })));
  }
  return versions.flatMap((version) => combos.map((parameters) => ({ version, parameters })));
}

/** `4.5.3 SLEEP=0.1 N=10`: how a cell is named in progress lines and tables. */
export function cellLabel(cell: Cell): string {
  return [cell.version, ...Object.entries(cell.parameters).map(([k, v]) => `${k}=${v}`)].join(' ');
}

/** The identity of a cell within a repro (version + sorted parameters). */
export function cellKey(cell: Cell): string {
  return JSON.stringify([cell.version, Object.entries(cell.parameters).sort(([a], [b]) => a.localeCompare(b))]);
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
export function judge(manifest: ReproManifest, cell: Cell, run: Pick<ProcessResult, 'exitCode' | 'signal' | 'timedOut' | 'stdout' | 'stderr' | 'spawnError'>): { verdict: Verdict; reason?: string; imported: string | null } {
  const imported = importedVersion(run.stdout, manifest.package?.name);
  const reproduced = new RegExp(manifest.expect.reproduced, 'm').test(run.stdout);
  const fine = new RegExp(manifest.expect.not_reproduced, 'm').test(run.stdout);
  const lastErr = run.stderr.trim().split('\n').at(-1)?.trim();
  const error = (reason: string) => ({ verdict: 'error' as const, reason, imported });
  if (run.spawnError) return error(run.spawnError);
  if (run.timedOut) return error(`timed out after ${manifest.timeout_s} s${reproduced || fine ? ' (a verdict pattern had matched before the timeout)' : ''}`);
  // A pinned cell that imported another version would report the wrong version as tested.
  if (manifest.package && cell.version !== 'installed' && imported !== null && imported !== cell.version) {
    return error(`imported ${manifest.package.name} ${imported}, not the pinned ${cell.version}`);
  }
  if (reproduced) return { verdict: 'reproduced', imported, ...(run.exitCode ? { reason: `exit code ${run.exitCode}` } : {}) };
  if (fine) return { verdict: 'not-reproduced', imported, ...(run.exitCode ? { reason: `exit code ${run.exitCode}` } : {}) };
  if (run.exitCode !== 0) {
    const how = run.signal ? `killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    return error(`${how} without a verdict line${lastErr ? `: ${lastErr}` : ''}`);
  }
  return error('exited 0 but stdout matched neither expect.reproduced nor expect.not_reproduced');
}

/**
 * What the manifest predicts for a cell: `expect.by_version` for its version (for `installed`,
 * for the version the snippet actually imported, since that differs between machines), else
 * `expect.by_parameter` for one of its parameter values. Skipped cells prove nothing either way.
 */
export function expectationFor(manifest: ReproManifest, cell: Cell, verdict: Verdict, imported: string | null = null): { expected?: 'reproduced' | 'not-reproduced'; expectation: Expectation } {
  const { by_version, by_parameter } = manifest.expect;
  const byImported = cell.version === 'installed' && imported ? by_version[imported] : undefined;
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

/** `~/.cache/…` rather than `/home/jane/.cache/…`: a recording is shared, the reader's home is not. */
export function homeRelative(path: string): string {
  const home = os.homedir();
  return home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

function osDescription(): string {
  return `${os.type()} ${os.release()} ${os.arch()}`;
}

/**
 * Runs the repro's cells one after another (never in parallel: timing repros on a busy
 * machine measure the machine) and returns a result for each, skipped ones included.
 */
export async function runRepro(root: string, incidentSlug: string, repro: IncidentRepro, options: RunReproOptions = {}): Promise<ReproRun> {
  const manifest = repro.manifest;
  const cells = options.cells ?? expandMatrix(manifest, { version: options.version });
  const environments = new Map<string, Promise<EnvironmentResult>>();
  const envOptions: EnvironmentOptions = {
    env: options.env ?? process.env,
    cacheDir: options.cacheDir,
    installTimeoutMs: options.installTimeoutMs,
    log: (message) => options.onProgress?.({ type: 'log', message }),
  };
  const results: CellResult[] = [];
  for (const [index, cell] of cells.entries()) {
    options.onProgress?.({ type: 'start', cell, index, total: cells.length });
    const started = performance.now();
    let environment = environments.get(cell.version);
    if (!environment) {
      environment = prepareEnvironment(manifest.runtime, manifest.package?.name, cell.version, envOptions);
      environments.set(cell.version, environment);
    }
    const result = await runCell(root, repro, cell, await environment, options);
    // A cell cut short by Ctrl-C has no verdict worth reporting; stop here.
    if (wasInterrupted()) break;
    results.push(result);
    options.onProgress?.({ type: 'done', cell, index, total: cells.length, result, elapsedMs: Math.round(performance.now() - started) });
  }
  return { incident: incidentSlug, id: repro.id, title: manifest.title, dir: repro.dir, cells: results };
}

async function runCell(root: string, repro: IncidentRepro, cell: Cell, prepared: EnvironmentResult, options: RunReproOptions): Promise<CellResult> {
  const manifest = repro.manifest;
  const ranAt = new Date().toISOString();
  const info: CellEnvironmentInfo = {
    runtime: manifest.runtime,
    interpreter: prepared.ok ? homeRelative(prepared.environment.interpreter) : null,
    interpreterVersion: prepared.ok ? prepared.environment.interpreterVersion : null,
    packageVersionImported: null,
    redisServerVersion: null,
    os: osDescription(),
    node: process.version,
  };
  const skipped = (reason: string): CellResult => ({
    ...cell,
    verdict: 'skipped',
    reason,
    ...expectationFor(manifest, cell, 'skipped'),
    exitCode: null,
    durationMs: 0,
    stdout: '',
    stderr: '',
    trace: EMPTY_TRACE,
    environment: info,
    ranAt,
  });
  if (!prepared.ok) return skipped(prepared.reason);

  let services: CellServices | undefined;
  let removeStage: (() => void) | undefined;
  try {
    try {
      services = await startCellServices(manifest, options.env ?? process.env);
      info.redisServerVersion = services.redisServerVersion;
    } catch (error) {
      return skipped(`could not start services: ${(error as Error).message}`);
    }

    const reproDir = resolve(root, repro.dir);
    const { command, args, cwd, env, stage } = commandFor(prepared.environment, reproDir, manifest, options.env ?? process.env);
    removeStage = stage;
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      ...services.env,
      REPRO_PACKAGE: manifest.package?.name ?? '',
      REPRO_PACKAGE_VERSION_EXPECTED: cell.version,
      ...cell.parameters,
    };
    const run = await runSupervised(command, args, { cwd, env: childEnv, timeoutMs: manifest.timeout_s * 1000 });
    const verdict = judge(manifest, cell, run);
    info.packageVersionImported = verdict.imported;
    const maxOut = options.maxStoredOutputBytes ?? 16 * 1024;
    let trace = EMPTY_TRACE;
    if (services.proxy) {
      await services.proxy.close(); // the trace is complete once no connection can add to it
      trace = decodeTrace(services.proxy.trace, options.maxTraceMessages ?? 200);
    }
    return {
      ...cell,
      verdict: verdict.verdict,
      ...(verdict.reason ? { reason: verdict.reason } : {}),
      ...expectationFor(manifest, cell, verdict.verdict, verdict.imported),
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      stdout: clipText(run.stdout, maxOut),
      stderr: clipText(run.stderr, maxOut),
      trace,
      environment: info,
      ranAt,
    };
  } finally {
    await services?.stop();
    removeStage?.();
  }
}

/**
 * How to start the entry. Python: the environment's interpreter, in the repro folder (its
 * venv decides what `import` finds). Node with a pinned version: a staged copy of the repro
 * folder next to a `node_modules` link, because ES modules resolve packages from the file's
 * own location and ignore NODE_PATH (which is set too, for require()).
 */
function commandFor(environment: ReproEnvironment, reproDir: string, manifest: ReproManifest, baseEnv: NodeJS.ProcessEnv) {
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  if (environment.runtime === 'python') {
    env.PYTHONUNBUFFERED = '1'; // so a killed snippet's last lines still reach us
    env.PYTHONDONTWRITEBYTECODE = '1'; // no __pycache__ in content folders
    if (environment.dir) {
      // These would point the venv's interpreter at other packages than the pinned one.
      delete env.PYTHONPATH;
      delete env.PYTHONHOME;
    }
    return { command: environment.interpreter, args: [join(reproDir, manifest.entry)], cwd: reproDir, env, stage: undefined };
  }
  if (!environment.nodeModules) return { command: environment.interpreter, args: [join(reproDir, manifest.entry)], cwd: reproDir, env, stage: undefined };
  const stageDir = mkdtempSync(join(os.tmpdir(), 'aftermath-run-'));
  const stage = trackDir(stageDir);
  cpSync(reproDir, stageDir, { recursive: true, filter: (src) => !['node_modules', 'results.json'].includes(basename(src)) || src === reproDir });
  symlinkSync(environment.nodeModules, join(stageDir, 'node_modules'), 'dir');
  env.NODE_PATH = [environment.nodeModules, baseEnv.NODE_PATH].filter(Boolean).join(delimiter);
  return { command: environment.interpreter, args: [join(stageDir, manifest.entry)], cwd: stageDir, env, stage };
}

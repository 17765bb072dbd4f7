/**
 * `aftermath repro [incident] [repro] [--version v] [--check] [--shard i/n] [--jobs n] [--out file] [--json] [--watch]`
 * `aftermath repro merge <shard.json>...`
 *
 * Runs repro matrices from content/incidents/<slug>/repros/<id>/repro.yaml and records
 * results.json next to each manifest. With --check it records nothing and fails when the
 * fresh verdicts differ from the recording or the recording is stale. Exit codes: 0 fine,
 * 1 an expectation was violated (or --check or merge failed), 2 usage error, 130 interrupted.
 */
import { formatElapsed } from '../domain/text.ts';
import { ProgressReporter } from '../repro/progress.ts';
import { resolveRedisBinary, ServiceError } from '../repro/services/redis.ts';
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readArchive, type ArchiveOptions } from '../archive/archive.ts';
import { siteOptionsOrExit } from '../integration/site-options.ts';
import { clearLeftovers, exitCleanlyOnSignals, wasInterrupted } from '../repro/cleanup.ts';
import { UsageError } from '../errors.ts';
import { readCommandLine } from './command-line.ts';
import { formatTable, parseShard, selectRepros } from '../repro/cli.ts';
import { planRun } from '../repro/plan.ts';
import { readResults, sourcesHash } from '../archive/repro-record.ts';
import { cellKey, cellLabel, describeVerdict } from '../domain/repro-cells.ts';
import {
  checkResults,
  MergeError,
  mergeResults,
  mergeShards,
  recordRegressions,
  regressionFromFlip,
  toResults,
  withFits,
  writeResults,
  type CheckOutcome,
  type VerdictFlip,
} from '../repro/results.ts';
import { expandMatrix, runPlan, type PlanItem } from '../repro/runner.ts';
import type { ReproResults, VersionRangeListing } from '../schemas/repro-results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { formatProblems } from '../schemas/problems.ts';
import { withListedVersions } from '../domain/version-matrix.ts';

const err = (text: string) => process.stderr.write(`${text}\n`);

const USAGE = `usage: aftermath repro [incident] [repro] [options]
       aftermath repro merge <shard.json>...

  --version v   only this package version of each repro
  --check       run, record nothing, fail if verdicts differ from results.json or it is stale
  --record-regressions
                with --check: add each flipped verdict, with both transcripts, to the repro's
                regressions.json (the site shows a regression notice and a feed entry)
  --jobs n      cells to run at once (default: the number of cores, ${availableParallelism()} here)
  --shard i/n   only every n-th cell of the whole plan, starting at cell i (for CI)
  --out file    write this run's results to a file instead of recording them (a shard's output)
  --json        print the results as JSON on stdout (progress stays on stderr)
  --watch       after the run, re-run a repro's cells whenever its snippet or repro.yaml changes

  merge         join the --out files of every shard into results.json; a cell that is missing
                from all shards, or that two shards disagree on, is an error; with --check, a
                verdict that differs from the previous recording fails too (after writing);
                --record-regressions keeps each one in regressions.json as well

environment:
  REPRO_PYTHON             python for runtime: python (default python3)
  REPRO_NODE, REPRO_NPM    node and npm for runtime: node (default this node, npm)
  REDIS_SERVER             redis-server binary (default: redis-server on PATH)
  XDG_CACHE_HOME           venvs and node_modules are cached in $XDG_CACHE_HOME/aftermath/repro-envs
  REPRO_INSTALL_TIMEOUT_S  limit for creating one environment (default 600)
  REPRO_NPM_TARBALLS       offline node mode: install pkg@v from <folder>/<pkg>-<v>.tgz when present
  PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, npm_config_*: passed to pip and npm untouched`;

/**
 * Every repro's manifest and full matrix, by `incident/id`. A range repro's versions are those
 * the shards listed (a release published since the recording joins the matrix), else those recorded.
 */
function matrixOrders(
  root: string,
  siteOptions: ArchiveOptions,
  listings: ReadonlyMap<string, VersionRangeListing>,
): Map<string, { manifest: ReproManifest; order: string[] }> {
  const { incidents } = readArchive(root, siteOptions);
  return new Map(
    incidents.flatMap((incident) =>
      incident.repros.map((repro) => {
        const name = `${incident.slug}/${repro.id}`;
        const manifest = withListedVersions(repro.manifest, listings.get(name) ?? repro.results?.versionRange);
        return [name, { manifest, order: expandMatrix(manifest).map(cellKey) }] as const;
      }),
    ),
  );
}

function merge(
  root: string,
  siteOptions: ArchiveOptions,
  files: string[],
  check: boolean,
  recordFound: boolean,
): number {
  if (!files.length)
    throw new UsageError('merge expects the --out files of the shards, e.g. aftermath repro merge shards/*.json');
  const shards = files.map((file) => {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { results: ReproResults[] }).results;
    } catch (error) {
      throw new UsageError(`${file} is not a shard's --out file (${(error as Error).message})`);
    }
  });
  const listings = new Map(
    shards
      .flat()
      .flatMap((r) => (r.versionRange ? [[`${r.repro.incident}/${r.repro.id}`, r.versionRange] as const] : [])),
  );
  const orders = matrixOrders(root, siteOptions, listings);
  // Only the repros some shard ran: a workflow may shard one incident's repros.
  const ran = new Set(shards.flat().map((r) => `${r.repro.incident}/${r.repro.id}`));
  let merged: ReproResults[];
  try {
    merged = mergeShards(
      shards,
      new Map([...orders].flatMap(([name, { order }]) => (ran.has(name) ? [[name, order]] : []))),
    );
  } catch (error) {
    if (!(error instanceof MergeError)) throw error;
    err(`merge failed: ${error.problems.length} problem(s)`);
    for (const problem of error.problems) err(`  ✗ ${problem}`);
    return 1;
  }
  const flips: VerdictFlip[] = [];
  for (const results of merged) {
    // Compared before writing: the merged recording replaces the one it is checked against.
    const { manifest } = orders.get(`${results.repro.incident}/${results.repro.id}`)!;
    const checked = checkResults(readResults(root, results.repro.dir), results, manifest);
    const found = checked.flips;
    flips.push(...found);
    // A release new in a range, say: not a flip, but news worth a line.
    for (const problem of checked.problems.filter((p) => p.includes(': not in the recording'))) err(`  + ${problem}`);
    err(`recorded ${writeResults(root, withFits(results, manifest))} (${results.cells.length} cells)`);
    if (recordFound) keepRegressions(root, results.repro.dir, found);
  }
  for (const flip of flips) printFlip(flip);
  if (flips.length) err(`${flips.length} recorded verdict(s) flipped`);
  return check && flips.length ? 1 : 0;
}

/** `--record-regressions`: the flips of one repro, found now, into its regressions.json. */
function keepRegressions(root: string, reproDir: string, flips: readonly VerdictFlip[]): void {
  if (!flips.length) return;
  const detectedAt = new Date().toISOString();
  const file = recordRegressions(
    root,
    reproDir,
    flips.map((f) => regressionFromFlip(f, detectedAt)),
  );
  err(`      recorded ${flips.length} regression(s) in ${file}`);
}

function printFlip(flip: VerdictFlip): void {
  const transcript = (text: string) =>
    (text.trim() || '(no output)')
      .split('\n')
      .map((line) => `      | ${line}`)
      .join('\n');
  err(
    `\n  ${flip.repro} [${flip.cell}] flipped: recorded ${describeVerdict(flip.recorded)}, now ${describeVerdict(flip.fresh)}`,
  );
  err(`    recorded transcript (${flip.recorded.ranAt}):\n${transcript(flip.recorded.stdout)}`);
  err(
    `    fresh transcript (${flip.fresh.ranAt}):\n${transcript(flip.fresh.stdout + (flip.fresh.stderr ? `\n${flip.fresh.stderr}` : ''))}`,
  );
}

async function main(args: string[]): Promise<number> {
  const commandLine = readCommandLine(USAGE, {
    args,
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      check: { type: 'boolean', default: false },
      shard: { type: 'string' },
      jobs: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      'record-regressions': { type: 'boolean', default: false },
    },
  });
  if (!commandLine) return 0;
  const { values, positionals } = commandLine;
  const root = process.cwd();
  // The site's `aftermath({ … })` options, so the archive is read as the build reads it; read to
  // record, so a <Verdict> citing a cell this run will record does not leave its incident out.
  const siteOptions = { ...(await siteOptionsOrExit(root)), recording: true };
  if (values['record-regressions'] && !values.check)
    throw new UsageError('--record-regressions records what --check finds: add --check');
  if (positionals[0] === 'merge')
    return merge(root, siteOptions, positionals.slice(1), values.check, values['record-regressions']);
  if (positionals.length > 2)
    throw new UsageError(`expected at most an incident and a repro id; got ${positionals.join(' ')}`);
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UsageError(`--jobs expects a whole number of at least 1; got "${values.jobs}"`);
  const [incidentArg, reproArg] = positionals;
  const shard = parseShard(values.shard);
  const archive = readArchive(root, siteOptions);
  if (archive.problems.length)
    err(`warning: incidents with content problems are left out:\n${formatProblems(archive.problems)}`);
  const selected = selectRepros(archive.incidents, incidentArg, reproArg);
  if (!selected.length) {
    err('no repros to run: add content/incidents/<slug>/repros/<id>/repro.yaml');
    return 0;
  }
  // A missing redis-server would skip every cell that needs it; say so once, before anything runs.
  if (
    selected.some(({ repro }) =>
      repro.manifest.services.some((s) => typeof s === 'string' && /^(redis|redis-cluster|latency-proxy)$/.test(s)),
    )
  ) {
    try {
      resolveRedisBinary();
    } catch (error) {
      if (error instanceof ServiceError) throw new ServiceError(`${error.message}; the repros selected need it`);
      throw error;
    }
  }
  const leftovers = clearLeftovers();
  if (leftovers.length)
    err(`removed ${leftovers.length} temp folder(s) left by a run that was killed: ${leftovers.join(', ')}`);

  const {
    items: plan,
    listings,
    total,
  } = await planRun(selected, {
    check: values.check,
    version: values.version,
    shard,
    env: process.env,
    say: err,
  });
  if (total === 0) {
    err('no cells to run (the version filter or shard selects none)');
    return 0;
  }

  const code = await executePlan(root, plan, {
    jobs,
    check: values.check,
    out: values.out,
    json: values.json,
    recordRegressions: values['record-regressions'],
    listings,
  });
  if (!values.watch || wasInterrupted()) return code;
  return watchRepros(root, siteOptions, plan, { jobs });
}

interface ExecuteOptions {
  jobs: number;
  /** With check: keep each flipped verdict in the repro's regressions.json. */
  recordRegressions?: boolean;
  /** Per repro folder: the versions a range listed for this run. */
  listings?: ReadonlyMap<string, VersionRangeListing>;
  check?: boolean;
  out?: string;
  json?: boolean;
}

/** Runs the planned cells, records (or checks, or writes --out), prints the table; the exit code. */
async function executePlan(root: string, plan: PlanItem[], values: ExecuteOptions): Promise<number> {
  const jobs = values.jobs;
  const total = plan.reduce((n, item) => n + item.cells.length, 0);
  const progress = new ProgressReporter(total);
  progress.line(
    `running ${total} cell(s) of ${plan.filter((p) => p.cells.length).length} repro(s), ${Math.min(jobs, total)} at a time`,
  );
  const runs = await runPlan(root, plan, {
    jobs,
    onProgress: (event) => {
      if (event.type === 'log') progress.line(`      ${event.message}`);
      else if (event.type === 'start')
        progress.start(event.index, `${event.repro.split('/')[1]} ${cellLabel(event.cell)}`);
      else {
        const r = event.result;
        const note = r.reason ? ` (${r.reason})` : '';
        const expect =
          r.expectation === 'violated' ? `  ✗ expected ${r.expected}` : r.expectation === 'met' ? '  ✓' : '';
        progress.finish(
          event.index,
          `${event.repro} ${cellLabel(event.cell)} → ${describeVerdict(r)}${note} in ${formatElapsed(event.elapsedMs)}${expect}`,
        );
      }
    },
  });
  progress.close();
  const startedAll = performance.now() - progress.elapsedMs;
  // Interrupted: the signal handler is cleaning up and will exit; record nothing partial.
  if (wasInterrupted()) return 130;

  const fresh: ReproResults[] = [];
  const checks: CheckOutcome[] = [];
  for (const [i, run] of runs.entries()) {
    const { repro } = plan[i]!;
    if (!run.cells.length) continue;
    const listing = values.listings?.get(repro.dir);
    const results = {
      ...toResults(run, sourcesHash(resolve(root, repro.dir))),
      ...(listing && { versionRange: listing }),
    };
    fresh.push(results);
    const recorded = readResults(root, repro.dir);
    if (values.check) {
      const outcome = checkResults(recorded, results, repro.manifest);
      checks.push(outcome);
      if (values.recordRegressions) keepRegressions(root, repro.dir, outcome.flips);
    } else if (!values.out) {
      const order = expandMatrix(repro.manifest).map(cellKey);
      err(`      recorded ${writeResults(root, withFits(mergeResults(recorded, results, order), repro.manifest))}`);
    }
  }
  if (values.out) {
    writeFileSync(values.out, `${JSON.stringify({ results: fresh }, null, 2)}\n`);
    err(`      wrote ${fresh.length} repro(s) to ${values.out} (merge the shards with aftermath repro merge)`);
  }

  const rows = fresh.flatMap((r) =>
    r.cells.map((c) => [
      `${r.repro.incident}/${r.repro.id}`,
      cellLabel(c),
      c.tally ? `${c.verdict} ${c.tally.reproduced}/${c.tally.runs}` : c.verdict,
      c.expected ?? '—',
      c.expectation,
      c.environment.packageVersionImported ?? '—',
      formatElapsed(c.durationMs),
    ]),
  );
  err(`\n${formatTable(['repro', 'cell', 'verdict', 'expected', 'expectation', 'imported', 'time'], rows)}`);
  const cellsRun = fresh.flatMap((r) => r.cells);
  const violated = cellsRun.filter((c) => c.expectation === 'violated').length;
  const skipped = cellsRun.filter((c) => c.verdict === 'skipped').length;
  const errors = cellsRun.filter((c) => c.verdict === 'error').length;
  const checkProblems = checks.flatMap((c) => c.problems);
  err(
    `\n${cellsRun.length} cell(s) in ${formatElapsed(performance.now() - startedAll)} with --jobs ${jobs}: ${violated} expectation(s) violated, ${errors} error(s), ${skipped} skipped`,
  );
  if (values.check) {
    for (const flip of checks.flatMap((c) => c.flips)) printFlip(flip);
    for (const problem of checkProblems) err(`  ✗ ${problem}`);
    for (const note of checks.flatMap((c) => c.notes)) err(`  ~ ${note}`);
    const failed = new Set(checks.flatMap((c) => c.flips.map((f) => `${f.repro} ${f.cell}`))).size;
    // The plain closing line CI reads: a recorded verdict is one check.
    err(
      `repro check: ${cellsRun.length - failed} passed, ${failed} failed${checkProblems.length > failed ? ` (and ${checkProblems.length - failed} other problem(s) above)` : ''}`,
    );
  }
  if (values.json) {
    const check = values.check
      ? { check: { ok: checkProblems.length === 0, problems: checkProblems, flips: checks.flatMap((c) => c.flips) } }
      : {};
    process.stdout.write(`${JSON.stringify({ results: fresh, ...check }, null, 2)}\n`);
  }
  return violated > 0 || checkProblems.length > 0 ? 1 : 0;
}

/**
 * `--watch`: after the first run, re-runs a repro's cells whenever a file in its folder changes
 * (the snippet, repro.yaml), reading the manifest again each time, until Ctrl-C.
 */
async function watchRepros(
  root: string,
  siteOptions: ArchiveOptions,
  plan: PlanItem[],
  values: ExecuteOptions,
): Promise<number> {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const rerun = () => {
    const ids = [...pending];
    pending.clear();
    running = running.then(async () => {
      const { incidents } = readArchive(root, siteOptions);
      const items: PlanItem[] = [];
      for (const id of ids) {
        const [incident, repro] = id.split('/') as [string, string];
        const fresh = incidents.find((i) => i.slug === incident)?.repros.find((r) => r.id === repro);
        const latest = plan.find((item) => item.repro.dir === fresh?.dir)?.latest;
        if (fresh) items.push({ incident, repro: fresh, cells: expandMatrix(fresh.manifest), latest });
        else err(`${id}: its files have a problem now; fix them and save again (aftermath check shows it)`);
      }
      if (items.length) await executePlan(root, items, { jobs: values.jobs });
      err('watching for changes (Ctrl-C to stop)');
    });
  };
  const watchers = plan.map((item) =>
    watch(resolve(root, item.repro.dir), { recursive: true }, (_event, file) => {
      // The runner's own output is not a change of the repro.
      if (!file || file === 'results.json' || file.endsWith('.tmp') || file.includes('__pycache__')) return;
      pending.add(`${item.incident}/${item.repro.id}`);
      clearTimeout(timer);
      timer = setTimeout(rerun, 300);
    }),
  );
  err('watching for changes (Ctrl-C to stop)');
  await new Promise<void>(() => {}); // until a signal ends the process (exitCleanlyOnSignals)
  for (const watcher of watchers) watcher.close();
  return 0;
}

/** `aftermath repro …` */
export async function run(args: string[]): Promise<void> {
  // Before anything starts: Ctrl-C must find every process and folder registered.
  exitCleanlyOnSignals(() => err('\ninterrupted: stopping snippets and services, removing temp folders…'));
  // A usage mistake, a service that cannot start, a listing that fails: said by `aftermath`
  // with the catalogue's hint and exit code (src/errors.ts).
  process.exitCode = await main(args);
}

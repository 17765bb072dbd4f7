/**
 * `npm run repro -- [incident] [repro] [--version v] [--check] [--shard i/n] [--json]`
 *
 * Runs repro matrices from content/incidents/<slug>/repros/<id>/repro.yaml and records
 * results.json next to each manifest. With --check it records nothing and fails when the
 * fresh verdicts differ from the recording or the recording is stale. Exit codes: 0 fine,
 * 1 an expectation was violated (or --check failed), 2 usage error, 130 interrupted.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { readArchive } from '../src/content/archive.ts';
import { exitCleanlyOnSignals, wasInterrupted } from '../src/repro/cleanup.ts';
import { formatMs, formatTable, inShard, parseShard, selectRepros, UsageError } from '../src/repro/cli.ts';
import { checkResults, mergeResults, readResults, sourcesHash, toResults, writeResults, type CheckOutcome, type ReproResults } from '../src/repro/results.ts';
import { cellKey, cellLabel, expandMatrix, ReproConfigError, runRepro, type Cell } from '../src/repro/runner.ts';
import { formatProblems } from '../src/schemas/problems.ts';
import { resolve } from 'node:path';

const err = (text: string) => process.stderr.write(`${text}\n`);

// Before anything starts: Ctrl-C must find every process and folder registered.
exitCleanlyOnSignals(() => err('\ninterrupted: stopping snippets and services, removing temp folders…'));

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      check: { type: 'boolean', default: false },
      shard: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    err(`usage: npm run repro -- [incident] [repro] [--version v] [--check] [--shard i/n] [--json]

  --version v   only this package version of each repro
  --check       run, record nothing, fail if verdicts differ from results.json or it is stale
  --shard i/n   only every n-th cell of the whole plan, starting at cell i (for CI)
  --json        print the results as JSON on stdout (progress stays on stderr)

environment:
  REPRO_PYTHON             python for runtime: python (default python3)
  REPRO_NODE, REPRO_NPM    node and npm for runtime: node (default this node, npm)
  REDIS_SERVER             redis-server binary (default: redis-server on PATH)
  XDG_CACHE_HOME           venvs and node_modules are cached in $XDG_CACHE_HOME/aftermath/repro-envs
  REPRO_INSTALL_TIMEOUT_S  limit for creating one environment (default 600)
  REPRO_NPM_TARBALLS       offline node mode: install pkg@v from <folder>/<pkg>-<v>.tgz when present
  PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, npm_config_*: passed to pip and npm untouched`);
    return 0;
  }
  if (positionals.length > 2) throw new UsageError(`expected at most an incident and a repro id; got ${positionals.join(' ')}`);
  const [incidentArg, reproArg] = positionals;
  const shard = parseShard(values.shard);
  const root = process.cwd();
  const archive = readArchive(root);
  if (archive.problems.length) err(`warning: incidents with content problems are left out:\n${formatProblems(archive.problems)}`);
  const selected = selectRepros(archive.incidents, incidentArg, reproArg);
  if (!selected.length) {
    err('no repros to run: add content/incidents/<slug>/repros/<id>/repro.yaml');
    return 0;
  }

  // Plan every cell first: shards split the global list, so CI machines get equal shares.
  const plan = selected.map(({ incident, repro }) => {
    let matrix: Cell[];
    try {
      matrix = expandMatrix(repro.manifest, { version: values.version });
    } catch (error) {
      // With several repros, one that does not list the version simply has nothing to run.
      if (error instanceof ReproConfigError && selected.length > 1) matrix = [];
      else throw error;
    }
    return { incident, repro, matrix, cells: [] as Cell[] };
  });
  let globalIndex = 0;
  for (const item of plan) item.cells = item.matrix.filter(() => inShard(globalIndex++, shard));
  const total = plan.reduce((n, item) => n + item.cells.length, 0);
  if (total === 0) {
    err('no cells to run (the version filter or shard selects none)');
    return 0;
  }

  const fresh: ReproResults[] = [];
  const checks: CheckOutcome[] = [];
  let done = 0;
  const startedAll = performance.now();
  for (const { incident, repro, cells } of plan) {
    if (!cells.length) continue;
    const name = `${incident.slug}/${repro.id}`;
    const offset = done;
    const run = await runRepro(root, incident.slug, repro, {
      cells,
      onProgress: (event) => {
        if (event.type === 'log') err(`      ${event.message}`);
        else if (event.type === 'start') err(`[${offset + event.index + 1}/${total}] ${name} ${cellLabel(event.cell)} …`);
        else {
          const r = event.result;
          const note = r.reason ? ` (${r.reason})` : '';
          const expect = r.expectation === 'violated' ? `  ✗ expected ${r.expected}` : r.expectation === 'met' ? '  ✓' : '';
          err(`[${offset + event.index + 1}/${total}] ${name} ${cellLabel(event.cell)} → ${r.verdict}${note} in ${formatMs(event.elapsedMs)}${expect}`);
        }
      },
    });
    done += cells.length;
    // Interrupted: the signal handler is cleaning up and will exit; record nothing partial.
    if (wasInterrupted()) return 130;
    const results = toResults(run, sourcesHash(resolve(root, repro.dir)));
    fresh.push(results);
    const recorded = readResults(root, repro.dir);
    if (values.check) checks.push(checkResults(recorded, results));
    else {
      const order = expandMatrix(repro.manifest).map(cellKey);
      const file = writeResults(root, mergeResults(recorded, results, order));
      err(`      recorded ${file}`);
    }
  }

  const rows = fresh.flatMap((r) =>
    r.cells.map((c) => [
      `${r.repro.incident}/${r.repro.id}`,
      cellLabel(c),
      c.verdict,
      c.expected ?? '—',
      c.expectation,
      c.environment.packageVersionImported ?? '—',
      formatMs(c.durationMs),
    ]),
  );
  err(`\n${formatTable(['repro', 'cell', 'verdict', 'expected', 'expectation', 'imported', 'time'], rows)}`);
  const cellsRun = fresh.flatMap((r) => r.cells);
  const violated = cellsRun.filter((c) => c.expectation === 'violated').length;
  const skipped = cellsRun.filter((c) => c.verdict === 'skipped').length;
  const errors = cellsRun.filter((c) => c.verdict === 'error').length;
  const checkProblems = checks.flatMap((c) => c.problems);
  err(
    `\n${cellsRun.length} cell(s) in ${formatMs(performance.now() - startedAll)}: ${violated} expectation(s) violated, ${errors} error(s), ${skipped} skipped` +
      (values.check ? `; check: ${checkProblems.length ? `${checkProblems.length} problem(s)` : 'matches the recording'}` : ''),
  );
  for (const problem of checkProblems) err(`  ✗ ${problem}`);
  if (values.json) process.stdout.write(`${JSON.stringify({ results: fresh, ...(values.check ? { check: { ok: checkProblems.length === 0, problems: checkProblems } } : {}) }, null, 2)}\n`);
  return violated > 0 || checkProblems.length > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof UsageError || error instanceof ReproConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    err(`repro: ${(error as Error).message}`);
    process.exitCode = 2;
  } else throw error;
}

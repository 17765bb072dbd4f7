/**
 * `npm run bench:repro -- [incident] [repro] [--runs 20] [--version v] [--json]`
 *
 * Runs repros N times and reports, per cell, how often the verdict agreed with itself and
 * how long a cell takes. A timing repro that says "reproduced" 17 times out of 20 is a flaky
 * claim, and the archive should not publish it as proof. Without arguments it benches the
 * flagship incident's repros. Records nothing; exit code 1 when any cell disagreed.
 */
import { formatElapsed } from '../src/domain/text.ts';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { readArchive } from '../src/archive/archive.ts';
import { siteOptionsOrExit } from '../src/integration/site-options.ts';
import { exitCleanlyOnSignals } from '../src/repro/cleanup.ts';
import { UsageError } from '../src/errors.ts';
import { formatTable, quantile, selectRepros } from '../src/repro/cli.ts';
import { cellKey, cellLabel } from '../src/domain/repro-cells.ts';
import type { Verdict } from '../src/schemas/repro-results.ts';
import { ReproConfigError, runPlan } from '../src/repro/runner.ts';
import { planRun } from '../src/repro/plan.ts';

const FLAGSHIP = '2023-03-20-chatgpt-redis-py';
const err = (text: string) => process.stderr.write(`${text}\n`);
exitCleanlyOnSignals(() => err('\ninterrupted: cleaning up…'));

interface CellStats {
  repro: string;
  label: string;
  verdicts: Map<Verdict, number>;
  /** The snippet's own run time. */
  processMs: number[];
  /** Everything for the cell: services up and down, the run, the verdict. */
  cellMs: number[];
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '20' },
      version: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`--runs expects a positive whole number; got "${values.runs}"`);
  const root = process.cwd();
  const { incidents } = readArchive(root, { ...(await siteOptionsOrExit(root)), recording: true });
  const selected = selectRepros(incidents, positionals[0] ?? FLAGSHIP, positionals[1]);
  if (!selected.length)
    throw new UsageError(`${positionals[0] ?? FLAGSHIP} has no repros yet; pass an incident and a repro id`);

  // The recorded versions, as a --check runs them (the same planner as the CLI's).
  const plan = await planRun(selected, { check: true, version: values.version, env: process.env, say: err });
  const stats = new Map<string, CellStats>();
  const started = performance.now();
  for (let run = 1; run <= runs; run++) {
    for (const item of plan.items) {
      const name = `${item.incident}/${item.repro.id}`;
      const [result] = await runPlan(root, [item], {
        onProgress: (event) => {
          if (event.type !== 'done') return;
          const key = `${name} ${cellKey(event.cell)}`;
          let s = stats.get(key);
          if (!s)
            stats.set(
              key,
              (s = { repro: name, label: cellLabel(event.cell), verdicts: new Map(), processMs: [], cellMs: [] }),
            );
          s.verdicts.set(event.result.verdict, (s.verdicts.get(event.result.verdict) ?? 0) + 1);
          s.processMs.push(event.result.durationMs);
          s.cellMs.push(event.elapsedMs);
        },
      });
      err(`run ${run}/${runs} ${name}: ${result!.cells.map((c) => `${cellLabel(c)}=${c.verdict}`).join(', ')}`);
    }
  }

  const summary = [...stats.values()].map((s) => {
    const [top, count] = [...s.verdicts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    return {
      repro: s.repro,
      cell: s.label,
      runs: s.cellMs.length,
      verdict: top,
      agreement: count / s.cellMs.length,
      verdicts: Object.fromEntries(s.verdicts),
      processMs: {
        median: quantile(s.processMs, 0.5),
        p95: quantile(s.processMs, 0.95),
        max: Math.max(...s.processMs),
      },
      cellMs: { median: quantile(s.cellMs, 0.5), p95: quantile(s.cellMs, 0.95), max: Math.max(...s.cellMs) },
    };
  });
  const rows = summary.map((s) => [
    s.repro,
    s.cell,
    s.verdict,
    `${Math.round(s.agreement * 100)} % (${Object.entries(s.verdicts)
      .map(([v, n]) => `${v} ${n}`)
      .join(', ')})`,
    formatElapsed(s.processMs.median),
    formatElapsed(s.cellMs.median),
    formatElapsed(s.cellMs.p95),
  ]);
  err(`\n${formatTable(['repro', 'cell', 'verdict', 'agreement', 'snippet median', 'cell median', 'cell p95'], rows)}`);
  err(`\n${runs} run(s) in ${formatElapsed(performance.now() - started)}`);
  if (values.json) process.stdout.write(`${JSON.stringify({ runs, cells: summary }, null, 2)}\n`);
  return summary.every((s) => s.agreement === 1) ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (
    error instanceof UsageError ||
    error instanceof ReproConfigError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    err(`bench:repro: ${(error as Error).message}`);
    process.exitCode = 2;
  } else throw error;
}

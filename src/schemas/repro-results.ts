/**
 * `content/incidents/<slug>/repros/<id>/results.json`: what the repro runner recorded for each
 * cell of a repro's matrix, with enough about the machine and the packages to judge it later.
 * The runner writes it; the archive reads it back through this schema, so a hand-edited or
 * truncated recording is reported like any other content problem.
 */
import { z } from 'astro/zod';

export const RESULTS_FILE = 'results.json';

const verdict = z.enum(['reproduced', 'not-reproduced', 'error', 'skipped']);
export type Verdict = z.output<typeof verdict>;
const expectedVerdict = z.enum(['reproduced', 'not-reproduced']);

/** One package the cell's environment installed, as the installer reported it. */
const installedPackage = z.object({
  name: z.string(),
  version: z.string(),
  /** Where it came from: a wheel's file name (found locally) or the URL it was downloaded from. */
  source: z.string(),
  /** sha256 of that file, hex; null when the installer did not report one. */
  sha256: z.string().nullable(),
});
export type InstalledPackage = z.output<typeof installedPackage>;

/** How the runs of a repeated cell (`repeat: N`) turned out. */
const runTally = z.object({ runs: z.number(), reproduced: z.number(), notReproduced: z.number(), errors: z.number() });
export type RunTally = z.output<typeof runTally>;

const decodedMessage = z.object({
  conn: z.number(),
  dir: z.enum(['c2s', 's2c']),
  /** When the chunk that completed this message arrived, in ms since the proxy started. */
  t: z.number(),
  text: z.string(),
});
export type DecodedMessage = z.output<typeof decodedMessage>;

const decodedTrace = z.object({
  messages: z.array(decodedMessage),
  /** Messages left out to keep the trace bounded (plus any chunks the proxy dropped). */
  omitted: z.number(),
});
export type DecodedTrace = z.output<typeof decodedTrace>;

const cellEnvironment = z.object({
  runtime: z.string(),
  /** Relative to the environment cache (`repro-envs/<key>/bin/python`) or a bare name: never a machine path. */
  interpreter: z.string().nullable(),
  interpreterVersion: z.string().nullable(),
  /** From the snippet's `imported <pkg> <version>` line; null when it printed none. */
  packageVersionImported: z.string().nullable(),
  redisServerVersion: z.string().nullable(),
  /** What the environment installed for this version (pinned cells only), from the installer's report. */
  packages: z.array(installedPackage).optional(),
  /** `os.type() os.release() os.arch()` of the machine that ran the cell. */
  os: z.string(),
  /** The Node.js version of the runner. */
  node: z.string(),
});
export type CellEnvironmentInfo = z.output<typeof cellEnvironment>;

/** One measurement of a cell: every run's value, in run order, and their summary. */
const measurementSummary = z.object({
  values: z.array(z.number()).min(1),
  min: z.number(),
  median: z.number(),
  max: z.number(),
});

/** A chart line's fitted growth: y ∝ x^slope over the line's points (log–log least squares). */
const growthFit = z.object({
  measurement: z.string(),
  /** The numeric parameter the measurement grows with. */
  x: z.string(),
  /** The line: its version and the other parameters' values. */
  version: z.string(),
  parameters: z.record(z.string(), z.string()),
  slope: z.number(),
  points: z.number(),
});

const cellResult = z.object({
  version: z.string(),
  /** Parameter values are strings: they travel as environment variables. */
  parameters: z.record(z.string(), z.string()),
  verdict,
  /** Why the verdict is `error` or `skipped` (and notes on the others). */
  reason: z.string().optional(),
  /** What the manifest predicts for this cell, if anything. */
  expected: expectedVerdict.optional(),
  expectation: z.enum(['met', 'violated', 'none']),
  /** With `repeat` > 1: stdout, trace and exit code are those of the first run that agrees with the verdict. */
  tally: runTally.optional(),
  /** What the snippet measured (`measure <name>=<value>` lines), by name. */
  measurements: z.record(z.string(), measurementSummary).optional(),
  exitCode: z.number().nullable(),
  durationMs: z.number(),
  stdout: z.string(),
  stderr: z.string(),
  trace: decodedTrace,
  environment: cellEnvironment,
  ranAt: z.string(),
});
export type CellResult = z.output<typeof cellResult>;
export type Expectation = CellResult['expectation'];

export const reproResultsSchema = z.object({
  repro: z.object({ incident: z.string(), id: z.string(), title: z.string(), dir: z.string() }),
  /** sha256 over the repro folder's files (name and content), results.json excluded. */
  sourcesHash: z.string(),
  recordedAt: z.string(),
  /** For a repro that gives a version range: what the index listed in it when this was recorded. */
  versionRange: z
    .object({
      range: z.string(),
      /** How the versions were listed (e.g. `pip index versions redis`). */
      listedBy: z.string(),
      /** The final releases in the range, oldest first: the versions the matrix ran. */
      versions: z.array(z.string()),
      listedAt: z.string(),
    })
    .optional(),
  cells: z.array(cellResult),
  /** For a repro with a chart of a measurement: each line's fitted growth, as the page shows it. */
  fits: z.array(growthFit).optional(),
});
export type ReproResults = z.output<typeof reproResultsSchema>;
export type VersionRangeListing = NonNullable<ReproResults['versionRange']>;
/** One point of the matrix. */
export type Cell = Pick<CellResult, 'version' | 'parameters'>;

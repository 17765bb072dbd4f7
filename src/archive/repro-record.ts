/**
 * Reading a repro's recording (`results.json`) back, and telling whether it still describes the
 * repro's files: a hash over the folder's sources, results.json and caches excluded.
 */
import type { z } from 'astro/zod';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { RESULTS_FILE, reproResultsSchema, type ReproResults } from '../schemas/repro-results.ts';
import { REGRESSIONS_FILE, regressionsSchema, type Regression } from '../schemas/repro-regressions.ts';

// Caches and installs are not sources: a run must not make its own recording stale.
// Nor is what a re-run found: a regression must not make the recording it contradicts look stale.
const IGNORED = new Set([RESULTS_FILE, REGRESSIONS_FILE, '__pycache__', 'node_modules', '.DS_Store']);

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
  for (const file of files.sort())
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0');
  return `sha256:${hash.digest('hex')}`;
}

/** True when the sources changed since the recording (or there is no recording). Pure. */
export function isStale(recorded: Pick<ReproResults, 'sourcesHash'> | undefined, currentHash: string): boolean {
  return !recorded || recorded.sourcesHash !== currentHash;
}

export function resultsPath(root: string, reproDir: string): string {
  return resolve(root, reproDir, RESULTS_FILE);
}

/**
 * The recording, or undefined when there is none. A file that is not a recording (broken JSON,
 * a field missing) throws a RecordingError saying what is wrong with it.
 */
export function readResults(root: string, reproDir: string): ReproResults | undefined {
  return readRecord(resultsPath(root, reproDir), reproResultsSchema);
}

/** The regressions a re-run recorded (none when there is no regressions.json); a broken file throws a RecordingError. */
export function readRegressions(root: string, reproDir: string): Regression[] {
  return readRecord(resolve(root, reproDir, REGRESSIONS_FILE), regressionsSchema)?.regressions ?? [];
}

function readRecord<S extends z.ZodType>(file: string, schema: S): z.output<S> | undefined {
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RecordingError(`not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RecordingError(`${issue.path.join('.') || 'the document'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A results.json that cannot be read as a recording. */
export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

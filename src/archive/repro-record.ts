/**
 * Reading a repro's recording (`results.json`) back, and telling whether it still describes the
 * repro's files: a hash over the folder's sources, results.json and caches excluded.
 */
import type { z } from 'astro/zod';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { openIncidentFolder } from './incident-folder.ts';
import { formatPath, issueMessage } from '../schemas/problems.ts';
import { RESULTS_FILE, reproResultsSchema, type ReproResults } from '../schemas/repro-results.ts';
import { REGRESSIONS_FILE, regressionsSchema, type Regression } from '../schemas/repro-regressions.ts';

/** What a run writes is not a source: a re-run must not make its own recording look stale. */
const IGNORED = new Set([RESULTS_FILE, REGRESSIONS_FILE]);

/**
 * Hashes every file under `dir` except results.json and regressions.json (installs and caches
 * are never listed), sorted by relative path with `/` separators, each as `path NUL content
 * NUL`, so a rename changes the hash too. The folder is listed like an incident's: a link that
 * leaves it, loops or names a special file is not read.
 */
export function sourcesHash(dir: string): string {
  const folder = openIncidentFolder(dirname(dir), basename(dir));
  const hash = createHash('sha256');
  const files = folder.files.map((path) => path.slice(folder.dir.length + 1)).filter((file) => !IGNORED.has(file));
  for (const file of files.sort())
    hash
      .update(file)
      .update('\0')
      .update(folder.bytes(`${folder.dir}/${file}`)!)
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
  const parsed = parseRecord(readFileSync(file, 'utf8'), schema);
  if (typeof parsed === 'string') throw new RecordingError(parsed);
  return parsed;
}

/** A recording's text as data, or what is wrong with it (a string). */
export function parseRecord<S extends z.ZodType>(text: string, schema: S): z.output<S> | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `${formatPath(issue.path as PropertyKey[]) || 'the document'}: ${issueMessage(issue)}`;
}

/** A results.json that cannot be read as a recording. */
export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

/**
 * The importer interface: a source reads its API's answer (through {@link ImportIO}) and maps it
 * to timeline entries or history items; {@link importPayload} merges them, keeping hand edits.
 *
 * Adding a source (PagerDuty, incident.io, …) touches three files:
 * 1. `src/importers/sources/<name>.ts` exports a {@link TimelineSource} or {@link HistorySource}:
 *    `read` fetches or loads the payload with the `io` it is given (no `fetch` or `fs` of its
 *    own), `map` turns it into entries or items and is pure. Only the API's specifics live there;
 *    errors are {@link ImportError}s.
 * 2. `src/cli/import-<name>.ts` names its options and turns them into the source's request for
 *    `runImport` from `src/cli/importer.ts`, which reads the command line and `--out`, fetches,
 *    merges, validates, writes and reports the same way for every source.
 * 3. `src/cli/aftermath.ts`: one line in `COMMANDS`, so that `aftermath import <name>` runs it.
 * Its tests go in `tests/unit/` (the mapping) and `tests/integration/importers.test.ts` (the CLI).
 */
import type { ContentProblem } from '../schemas/problems.ts';
import { formatProblems } from '../schemas/problems.ts';
import type { TimelineKind } from '../schemas/timeline.ts';
import { ImportError } from './error.ts';
import { mergeHistoryYaml, validateHistoryText, type ImportedHistoryItem } from './merge/history.ts';
import { mergeTimelineYaml, validateTimelineText, type ImportedTimelineEntry } from './merge/timeline.ts';

// ---------------------------------------------------------------------------------------------
// Reading: what the driver gives a source to fetch or load its payload with
// ---------------------------------------------------------------------------------------------

/** An HTTP answer that was not 2xx, reduced to what a message needs. */
export interface HttpFailure {
  status: number;
  statusText: string;
  url: string;
  /** Reads a response header (case-insensitive). */
  header(name: string): string | null;
  /** The answer's JSON body, when it had one. */
  body: unknown;
  now: Date;
}

/** How a source words what can go wrong with a request; each returns the sentence to print. */
export interface JsonRequest {
  headers: Record<string, string>;
  /** The answer was not 2xx. */
  failed(failure: HttpFailure): string;
  /** A 2xx answer that is not JSON. */
  notJson(answer: { url: string; contentType: string; text: string }): string;
  /** No answer at all: the host is unknown, refused, or did not answer within `seconds`. */
  unreachable(problem: { url: string; timedOut: boolean; reason: string; seconds: number }): string;
}

/** How a source words a saved file that is missing or not JSON. */
export interface JsonFileWording {
  missing(path: string): string;
  notJson(path: string, reason: string): string;
}

/** Network and file access, given to a source's `read`; every failure is an {@link ImportError}. */
export interface ImportIO {
  getJson(url: string, request: JsonRequest): Promise<unknown>;
  readJsonFile(path: string, wording: JsonFileWording): unknown;
}

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

/** What a timeline source's mapping gives the merge. */
export interface TimelineImport {
  entries: ImportedTimelineEntry[];
  /** Addresses that identify this import's entries in the file; the first is the one written. */
  sources: string[];
  /** What was imported, for the report: `"Elevated error rates" (fx3nq8mw0t2k)`. */
  subject: string;
}

/** What a history source's mapping gives the merge. */
export interface HistoryImport {
  items: ImportedHistoryItem[];
  /** The main repository, written as the file's `repository` when it has none. */
  repository: string;
  /** What was imported from, for the report: `redis/redis-py`. */
  subject: string;
}

interface SourceBase<Request, Payload> {
  /** Names the source, e.g. `statuspage`. */
  readonly name: string;
  /** Fetches or loads the payload the request names. */
  read(request: Request, io: ImportIO): Promise<Payload>;
}

/** A source of timeline entries (status updates, pages, alerts). */
export interface TimelineSource<Request, Payload = unknown> extends SourceBase<Request, Payload> {
  readonly target: 'timeline';
  /** The kinds this source writes: with `sources`, what marks an entry in the file as its own. */
  readonly kinds: readonly TimelineKind[];
  /** Words for the report: what was imported (`incident`), one entry (`update`), where from (`the status page`). */
  readonly words: { subject: string; entry: string; origin: string };
  /** Pure: the payload as timeline entries. */
  map(payload: Payload, request: Request): TimelineImport;
}

/** A source of history items (issues, pull requests, releases). */
export interface HistorySource<Request, Payload = unknown> extends SourceBase<Request, Payload> {
  readonly target: 'history';
  /** Pure: the payload as history items. */
  map(payload: Payload, request: Request): HistoryImport;
}

export type ImportSource<Request, Payload = unknown> =
  TimelineSource<Request, Payload> | HistorySource<Request, Payload>;

/** What each kind of target file is called and how it is checked. */
export const TARGETS = {
  timeline: { file: 'timeline.yaml', noun: 'timeline', validate: validateTimelineText },
  history: { file: 'history.yaml', noun: 'history', validate: validateHistoryText },
} as const satisfies Record<
  string,
  { file: string; noun: string; validate: (text: string, file: string) => ContentProblem[] }
>;

// ---------------------------------------------------------------------------------------------
// Payload → merged file
// ---------------------------------------------------------------------------------------------

/** A finished import: the new file and what to tell the person running it. */
export interface ImportResult {
  text: string;
  /** One line: what was imported and what the merge did. */
  summary: string;
  /** Warnings to print after the summary ('' when there are none). */
  warnings: string;
}

/**
 * Maps a payload, merges it into `existing` (the target file's text, if any) and checks the
 * result with the site's schema; `file` names the target in messages. Nothing is written here.
 */
export function importPayload<Request, Payload>(
  source: ImportSource<Request, Payload>,
  payload: Payload,
  request: Request,
  existing: string | undefined,
  file: string = TARGETS[source.target].file,
): ImportResult {
  const result =
    source.target === 'timeline'
      ? mergeTimelineImport(source.map(payload, request), source, existing, file)
      : mergeHistoryImport(source.map(payload, request), existing, file);
  const target = TARGETS[source.target];
  const problems = target.validate(result.text, file);
  if (problems.length) {
    throw new ImportError(
      `the imported ${target.noun} would not be valid, so nothing was written:\n\n${formatProblems(problems)}`,
      { file },
    );
  }
  return result;
}

/** Timeline entries merged by their source's address; entries the source no longer has are reported. */
function mergeTimelineImport(
  { entries, sources, subject }: TimelineImport,
  { kinds, words }: Pick<TimelineSource<unknown>, 'kinds' | 'words'>,
  existing: string | undefined,
  file: string,
): ImportResult {
  const merge = mergeTimelineYaml(existing, entries, { sources, kinds }, file);
  const summary =
    `${subject}: ${entries.length} ${words.entry}(s): ` +
    `${merge.added} added, ${merge.updated} updated, ${merge.unchanged} unchanged; ${merge.kept} other entr${merge.kept === 1 ? 'y' : 'ies'} kept`;
  const n = merge.stale.length;
  const warnings = n
    ? `warning: ${n} entr${n === 1 ? 'y cites' : 'ies cite'} this ${words.subject} but match${n === 1 ? 'es' : ''} no ${words.entry} on ${words.origin}; ` +
      `kept as they are (remove them if they are out of date):\n  - ${merge.stale.join('\n  - ')}`
    : '';
  return { text: merge.text, summary, warnings };
}

/** History items merged by key, with the relations the merge found listed. */
function mergeHistoryImport(
  { items, repository, subject }: HistoryImport,
  existing: string | undefined,
  file: string,
): ImportResult {
  const merge = mergeHistoryYaml(existing, items, repository, file);
  const list = (keys: string[]) => (keys.length ? ` (${keys.join(', ')})` : '');
  const summary =
    `${items.length} item(s) from ${subject}: ${merge.added.length} added${list(merge.added)}, ` +
    `${merge.updated.length} updated${list(merge.updated)}, ${merge.unchanged.length} unchanged` +
    (merge.relations.length ? `; relations added: ${merge.relations.join(', ')}` : '');
  return { text: merge.text, summary, warnings: '' };
}

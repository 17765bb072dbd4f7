/**
 * Merges imported entries into a timeline.yaml an author may already have edited, for any
 * source: entries from the same import are refreshed, everything else is kept as written.
 */
import { Document, Scalar, type YAMLMap } from 'yaml';
import { parseYaml, problemsFromZod, type ContentProblem } from '../../schemas/problems.ts';
import { COMPONENT_STATUSES, timelineSchema, type TimelineKind } from '../../schemas/timeline.ts';
import { isInstant, parseTimestamp } from '../../domain/time.ts';
import { ImportError } from '../error.ts';
import {
  parseMergeTarget,
  setInOrder,
  writeEditedSequence,
  type OriginalStep,
  type SequencePlanItem,
} from '../yaml-edit.ts';

type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** A timeline entry as an importer writes it (before the schema fills in defaults). */
export interface ImportedTimelineEntry {
  at: string;
  kind: TimelineKind;
  title: string;
  body?: string;
  components?: { name: string; from?: ComponentStatus; to: ComponentStatus }[];
  source: string;
  confidence: 'verified';
  backfilled?: true;
}

/**
 * What makes an entry already in the file one an import wrote: it cites one of `sources` (the
 * first is what the import writes; the others are other addresses of the same thing, such as a
 * shortlink) and has one of `kinds`, the kinds the source writes.
 */
export interface TimelineImportIdentity {
  sources: readonly string[];
  kinds: readonly TimelineKind[];
}

/** What a merge did, for the importer's report. */
export interface TimelineMergeResult {
  /** The new timeline.yaml. */
  text: string;
  added: number;
  /** Imported before and changed at the source since (a body edited, a component added). */
  updated: number;
  /** Imported before and still the same. */
  unchanged: number;
  /** Entries in the file that did not come from this import, kept as they were. */
  kept: number;
  /** Entries that cite this import's sources with one of its kinds but match no imported entry any more. */
  stale: string[];
}

/**
 * Fields an import refreshes on an entry it imported before. The entry's `at`, `kind` and
 * `source` identify it (so they already agree), and its `title` only restates the kind, so
 * an author's better title is kept; everything else an author added (refs, notes) is kept too.
 * A field the import leaves empty (no body, no components) keeps what the author wrote.
 */
const REFRESHED_FIELDS = ['body', 'components', 'backfilled'] as const;
/** The order of timelineEntrySchema's fields, for fields added to an existing entry. */
const TIMELINE_FIELD_ORDER = [
  'at',
  'precision',
  'approximate',
  'kind',
  'title',
  'body',
  'components',
  'source',
  'confidence',
  'confidence_note',
  'backfilled',
  'refs',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Milliseconds of an exact timestamp; NaN for a date-only `at` or anything else. */
export function exactMs(at: unknown): number {
  if (typeof at !== 'string') return Number.NaN;
  const parsed = parseTimestamp(at.trim());
  return isInstant(parsed) ? parsed.ms : Number.NaN;
}

/**
 * Merges imported entries into the text of an existing timeline.yaml (or none). An existing
 * entry is the same one when it is this import's (see {@link TimelineImportIdentity}), has the
 * same kind, and names the same instant (`2023-03-20T08:00:00Z` and `2023-03-20T01:00:00-07:00`
 * are the same); each imported entry either refreshes such an entry or is inserted after the
 * last entry with an exact time not later than its own, so a file sorted by time stays sorted.
 * Existing entries are never reordered or dropped, and their text is kept as written unless
 * they change. `file` names the file in errors.
 */
export function mergeTimelineYaml(
  existingText: string | undefined,
  imported: readonly ImportedTimelineEntry[],
  identity: TimelineImportIdentity,
  file = 'timeline.yaml',
): TimelineMergeResult {
  const {
    source,
    doc,
    root: seq,
  } = parseMergeTarget(existingText, 'list', {
    what: 'timeline',
    rootHint: 'a list of entries (each entry starts with "- at:")',
    file,
  });
  const existing = doc.toJS() as unknown[];
  const matched = new Set<number>();
  const plan: (SequencePlanItem & { ms: number })[] = existing.map((entry, i) => ({
    original: i,
    changed: false,
    ms: exactMs(isRecord(entry) ? entry.at : undefined),
  }));
  let added = 0;
  let updated = 0;

  const isOurs = (entry: unknown): entry is Record<string, unknown> =>
    isRecord(entry) &&
    typeof entry.source === 'string' &&
    identity.sources.includes(entry.source) &&
    (identity.kinds as readonly unknown[]).includes(entry.kind);

  for (const entry of imported) {
    const ms = exactMs(entry.at);
    const index = existing.findIndex(
      (old, i) => !matched.has(i) && isOurs(old) && old.kind === entry.kind && exactMs(old.at) === ms,
    );
    if (index >= 0) {
      matched.add(index);
      const node = seq.items[index] as YAMLMap;
      const before = JSON.stringify(node.toJSON());
      for (const field of REFRESHED_FIELDS) {
        const value = entry[field];
        if (value !== undefined) setInOrder(node, field, doc.createNode(value), TIMELINE_FIELD_ORDER);
      }
      styleEntry(node);
      if (JSON.stringify(node.toJSON()) !== before) {
        const step = plan.find((p): p is OriginalStep & { ms: number } => 'original' in p && p.original === index);
        if (step) step.changed = true;
        updated++;
      }
      continue;
    }
    let after = -1;
    plan.forEach((p, i) => {
      if (p.ms <= ms) after = i;
    });
    const position =
      after >= 0
        ? after + 1
        : Math.max(
            0,
            plan.findIndex((p) => p.ms > ms),
          );
    plan.splice(position, 0, { added: entryNode(doc, entry), ms });
    added++;
  }
  if (added + matched.size !== imported.length) {
    throw new ImportError(
      `internal error: ${imported.length} entries to write, but only ${added + matched.size} written`,
      { file },
    );
  }

  const stale = existing.flatMap((old, i) =>
    !matched.has(i) && isOurs(old) ? [`${String(old.at)} ${String(old.kind)}: ${String(old.title ?? '')}`.trim()] : [],
  );
  return {
    text: writeEditedSequence(source, doc, seq, plan),
    added,
    updated,
    unchanged: matched.size - updated,
    kept: existing.length - matched.size,
    stale,
  };
}

function entryNode(doc: Document, entry: ImportedTimelineEntry): YAMLMap {
  const node = doc.createNode(entry) as YAMLMap;
  styleEntry(node);
  return node;
}

function styleEntry(node: YAMLMap): void {
  // Timestamps are quoted across the project's content, as the schema's messages advise.
  const at = node.get('at', true);
  if (at instanceof Scalar && at.type === undefined) at.type = Scalar.QUOTE_DOUBLE;
  // A body with line breaks is written as a literal block, which shows them as they are
  // (a folded block would re-wrap the text and hide where the breaks are).
  const body = node.get('body', true);
  if (body instanceof Scalar && typeof body.value === 'string' && body.value.includes('\n'))
    body.type = Scalar.BLOCK_LITERAL;
}

/** Validates a timeline.yaml text with the same schema and messages as the site's build. */
export function validateTimelineText(text: string, file: string): ContentProblem[] {
  const parsed = parseYaml(text, file);
  if (Array.isArray(parsed)) return parsed;
  const result = timelineSchema.safeParse(parsed.data ?? undefined, { reportInput: true });
  return result.success ? [] : problemsFromZod(result.error, file, parsed);
}

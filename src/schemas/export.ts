/**
 * The public shape of `/incidents/<slug>.json`, version 1: the contract that consumers of the
 * export rely on, published as JSON Schema (draft 2020-12) at `/schemas/incident-v2.json`.
 *
 * It is written out here rather than derived from the content schemas on purpose: those
 * describe what authors may write (and change with it), this describes what the site promises
 * to emit. A version is closed (`additionalProperties: false`), so adding, renaming or
 * removing a field means a new version (`incident-v3.json`, `schemaVersion: 3`). Version 2 added
 * `followUps`; otherwise it is version 1. The mapping in
 * `src/exports/incident-json.ts` is typed against this schema, and the endpoint parses every document
 * with it, so the two cannot drift apart unnoticed.
 */
import { z } from 'astro/zod';
import { FOLLOW_UP_KINDS, FOLLOW_UP_STATUSES } from './actions.ts';
import { confidence } from './fields.ts';
import { RELATION_TYPES } from './history.ts';
import { INCIDENT_STATUSES, SEVERITIES, SOURCE_KINDS } from './incident.ts';
import { COMPONENT_STATUSES, TIMELINE_KINDS } from './timeline.ts';

export const INCIDENT_EXPORT_VERSION = 2;

/** Where the JSON Schema is published, relative to the site's root (after `base`). */
export const INCIDENT_SCHEMA_PATH = 'schemas/incident-v2.json';

/**
 * Titles, descriptions and `$defs` names for the JSON Schema. A registry of our own (not
 * Zod's global one) so that re-evaluating this module (dev server reloads) never collides
 * with ids registered by an earlier evaluation.
 */
const exportRegistry = z.registry<{ id?: string; title?: string; description?: string }>();

function described<T extends z.ZodType>(schema: T, description: string): T {
  // Widened: TypeScript cannot resolve register()'s metadata type for a generic schema.
  (schema as z.ZodType).register(exportRegistry, { description });
  return schema;
}

const HISTORY_EVENT_KINDS = ['opened', 'merged', 'closed', 'committed', 'released', 'published'] as const;
const TIMELINE_SOURCES = ['status-page', 'incident', 'code', 'release', 'advisory'] as const;
const HISTORY_OUTCOMES = ['landed', 'incomplete', 'superseded', 'abandoned'] as const;
const HISTORY_TYPES = ['issue', 'pull', 'commit', 'release', 'advisory'] as const;

export const instantExportSchema = z
  .strictObject({
    iso: described(
      z.string().regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/),
      'The moment as the author wrote it: a timestamp with a UTC offset, or a date (YYYY-MM-DD) when only the day is known.',
    ),
    precision: described(
      z.enum(['exact', 'day']),
      '"day" when only the date is known; the time of day is then unknown, not midnight.',
    ),
  })
  .register(exportRegistry, {
    id: 'Instant',
    description: 'A moment in the incident, as written in its content files.',
  });
export type InstantExport = z.output<typeof instantExportSchema>;

const author = z.union([z.string(), z.strictObject({ name: z.string(), url: z.url().optional() })]);

const source = z.strictObject({
  url: z.url(),
  title: z.string(),
  publisher: z.string(),
  kind: z.enum(SOURCE_KINDS),
  note: z.string().optional(),
});

const frontmatterExportSchema = z
  .strictObject({
    title: z.string(),
    summary: z.string(),
    impact: z.string(),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    started: instantExportSchema.nullable(),
    detected: instantExportSchema.nullable(),
    mitigated: instantExportSchema.nullable(),
    resolved: instantExportSchema.nullable(),
    timezone: described(z.string(), 'The IANA time zone the incident is told in.'),
    components: z.array(z.string()),
    trigger: z.string().optional(),
    root_cause: z.string().optional(),
    detection: z.string().optional(),
    resolution: z.string().optional(),
    tags: z.array(z.string()),
    authors: z.array(author),
    sources: z.array(source),
    slug: z.string().optional(),
    draft: z.boolean(),
  })
  .register(exportRegistry, {
    id: 'Frontmatter',
    description: "The incident's frontmatter as validated; a key moment that is unknown is null.",
  });

const componentChange = z.strictObject({
  name: z.string(),
  from: z.enum(COMPONENT_STATUSES).optional(),
  to: z.enum(COMPONENT_STATUSES),
});

const timelineItemExportSchema = z
  .strictObject({
    id: described(z.string(), 'The entry\'s anchor on the incident page (append "#" and the id to the page URL).'),
    at: instantExportSchema,
    approximate: z.boolean(),
    source: described(
      z.enum(TIMELINE_SOURCES),
      "Who told it: the status page, the incident's own events, or the code host (code, release, advisory).",
    ),
    kind: z.enum([...TIMELINE_KINDS, ...HISTORY_EVENT_KINDS]),
    title: z.string(),
    body: described(
      z.string().optional(),
      'Markdown as written in timeline.yaml: untrusted text, so sanitize it before rendering it as HTML.',
    ),
    url: z.url().optional(),
    confidence,
    confidenceNote: z.string().optional(),
    components: z.array(componentChange),
    refs: described(z.array(z.string()), 'Keys of the history items the entry is about, such as "#2641" or "v4.5.5".'),
    item: z
      .strictObject({
        key: z.string(),
        type: z.enum(HISTORY_TYPES),
        outcome: z.enum(HISTORY_OUTCOMES).optional(),
      })
      .optional(),
    backfilled: z.boolean(),
  })
  .register(exportRegistry, {
    id: 'TimelineItem',
    description:
      "One entry of the merged timeline: status-page updates, the incident's events and the code host's history on one axis, oldest first.",
  });
export type TimelineItemExport = z.output<typeof timelineItemExportSchema>;

const relation = z.strictObject({ type: z.enum(RELATION_TYPES), to: z.string(), note: z.string().optional() });

const historyCommon = {
  repo: z.string().optional(),
  title: z.string(),
  author: z.string().optional(),
  url: z.url().optional(),
  state: z.string().optional(),
  labels: z.array(z.string()),
  relations: z.array(relation),
  confidence,
  note: z.string().optional(),
  source: z.string().optional(),
  outcome: z.enum(HISTORY_OUTCOMES).optional(),
};
const number = z.number().int().positive();
// Each kind's own fields, as history.yaml has them (src/schemas/history.ts) but with its moments
// as instants and its defaults filled in.
const at = instantExportSchema.optional();
const text = z.string().optional();
const texts = z.array(z.string());

const historyItemExportSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('issue'), number, opened: at, closed: at, ...historyCommon }),
    z.strictObject({
      type: z.literal('pull'),
      number,
      opened: at,
      merged: at,
      closed: at,
      target_branch: text,
      merge_commit: text,
      ...historyCommon,
    }),
    z.strictObject({ type: z.literal('commit'), sha: z.string(), committed: at, ...historyCommon }),
    z.strictObject({ type: z.literal('release'), tag: z.string(), published: at, ...historyCommon }),
    z.strictObject({
      type: z.literal('advisory'),
      id: z.string(),
      aliases: texts,
      published: at,
      severity: text,
      cvss: text,
      affected: texts,
      fixed_in: texts,
      ...historyCommon,
    }),
  ])
  .register(exportRegistry, {
    id: 'HistoryItem',
    description: 'An issue, pull request, commit, release or advisory from history.yaml.',
  });
export type HistoryItemExport = z.output<typeof historyItemExportSchema>;

const moment = z
  .strictObject({ label: z.string(), at: instantExportSchema })
  .register(exportRegistry, { id: 'Moment', description: 'A bound of a metric: what it is and when it was.' });

const metricExportSchema = z
  .strictObject({
    key: z.enum(['time-to-detect', 'time-to-mitigate', 'time-to-resolve', 'impact-window', 'report-to-fix-release']),
    label: z.string(),
    definition: described(z.string(), 'How the metric is computed, in words.'),
    value: described(z.number().nullable(), 'Milliseconds; null when a bound is unknown.'),
    text: described(z.string(), 'The value for people, e.g. "2 h" or "unknown".'),
    from: moment.nullable(),
    to: moment.nullable(),
  })
  .register(exportRegistry, { id: 'Metric', description: "A metric computed from the incident's moments and events." });
export type MetricExport = z.output<typeof metricExportSchema>;

const EVIDENCE_OUTCOMES = ['holds', 'fails', 'stated'] as const;
const evidenceOutcome = {
  outcome: described(
    z.enum(EVIDENCE_OUTCOMES),
    'Checked when the site was built: "holds" or "fails" against the history and the recorded repro verdicts; "stated" when it is only a statement.',
  ),
  detail: described(z.string(), 'What was found, or why it does not hold.'),
};

const evidenceExportSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('history'),
      key: described(
        z.string(),
        'A history item\'s key, such as "#2695" (a merged pull request) or "v4.5.5" (a release).',
      ),
      ...evidenceOutcome,
    }),
    z.strictObject({
      kind: z.literal('verdict'),
      repro: z.string(),
      version: z.string(),
      params: z.record(z.string(), z.string()),
      verdict: described(
        z.enum(['reproduced', 'not-reproduced']),
        'The verdict the follow-up relies on; it holds when the recording says the same.',
      ),
      ...evidenceOutcome,
    }),
    z.strictObject({ kind: z.literal('stated'), stated: z.string(), source: z.url(), ...evidenceOutcome }),
  ])
  .register(exportRegistry, {
    id: 'Evidence',
    description: 'What shows a follow-up done: a history item, a recorded repro verdict, or a sourced statement.',
  });

const followUpExportSchema = z
  .strictObject({
    id: described(
      z.string(),
      'Unique within the incident; the follow-up\'s anchor on the incident page is "follow-up-" and the id.',
    ),
    title: z.string(),
    kind: z.enum(FOLLOW_UP_KINDS),
    owner: z.string(),
    status: described(z.enum(FOLLOW_UP_STATUSES), 'What the authors say.'),
    state: described(
      z.enum(['contradicted', 'verified', 'done-stated', 'in-progress', 'open', 'wont-do']),
      'What the evidence says: a follow-up marked done is "verified" when all its checkable evidence holds, "contradicted" when some fails, "done-stated" when it has only statements; otherwise its status.',
    ),
    reasons: described(z.array(z.string()), 'Why a contradicted follow-up is contradicted.'),
    reason: z.string().optional(),
    due: instantExportSchema.optional(),
    since: instantExportSchema.optional(),
    links: z.array(z.strictObject({ url: z.url(), title: z.string().optional() })),
    evidence: z.array(evidenceExportSchema),
    note: z.string().optional(),
  })
  .register(exportRegistry, {
    id: 'FollowUp',
    description: 'A follow-up (action item) from actions.yaml, with its state as its evidence decides it.',
  });
export type FollowUpExport = z.output<typeof followUpExportSchema>;

export const incidentExportSchema = z
  .strictObject({
    $schema: described(z.string(), 'The address of this JSON Schema.'),
    schemaVersion: z.literal(INCIDENT_EXPORT_VERSION),
    slug: z.string(),
    url: described(
      z.string(),
      "The incident page: an absolute URL when the site's address is configured, else a path.",
    ),
    frontmatter: frontmatterExportSchema,
    timeline: z.array(timelineItemExportSchema),
    history: z.strictObject({
      repository: described(z.string().optional(), 'The repository (owner/name) that "#123" and bare tags refer to.'),
      items: z.array(historyItemExportSchema),
    }),
    metrics: z.array(metricExportSchema),
    followUps: z.array(followUpExportSchema),
  })
  .register(exportRegistry, {
    title: 'Aftermath incident export, version 2',
    description:
      'One incident postmortem as data: frontmatter, the merged timeline, the fix history, the computed metrics and the follow-ups.',
  });
export type IncidentExport = z.output<typeof incidentExportSchema>;

/**
 * The JSON Schema (draft 2020-12) of this version, identified by `id` (its own published
 * address, so `$ref`s and validators can resolve it).
 */
export function incidentExportJsonSchema(id: string): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(incidentExportSchema, {
    metadata: exportRegistry,
    target: 'draft-2020-12',
  });
  // Key order for readers: dialect and identity first, then the rest as Zod wrote it.
  return { $schema, $id: id, ...rest };
}

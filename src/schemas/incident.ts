/** The frontmatter of `content/incidents/<slug>/index.mdx`. */
import { z } from 'astro/zod';
import { maybeTimestamp, nonEmpty, slugWord, timeZone, url } from './fields.ts';

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] as const;
export const SOURCE_KINDS = [
  'postmortem',
  'status-page',
  'statement',
  'code',
  'advisory',
  'analysis',
  'news',
  'other',
] as const;

export const sourceSchema = z.strictObject(
  {
    url,
    title: nonEmpty('a source title'),
    publisher: nonEmpty('the publisher'),
    kind: z.enum(SOURCE_KINDS, { error: `expected kind to be one of: ${SOURCE_KINDS.join(', ')}` }),
    /** Why a reader should (or should not) lean on this source. */
    note: z.string().optional(),
  },
  { error: 'expected a source with url, title, publisher and kind' },
);

const author = z.union([
  nonEmpty('an author name'),
  z.strictObject({ name: nonEmpty('an author name'), url: url.optional() }),
]);

/** An optional one-line answer for the summary card, e.g. `root_cause: "…"`. */
const oneLine = (field: string, what: string) =>
  nonEmpty(`${what} in one line`).refine((text) => !text.includes('\n'), {
    error: `${field} must fit on one line (${what}); say the rest in the body`,
  });

export const incidentSchema = z.strictObject(
  {
    title: nonEmpty('a title'),
    /** One paragraph: shown under the title and in feeds and link previews. */
    summary: nonEmpty('a summary').refine((text) => !/\n\s*\n/.test(text), {
      error: 'the summary must be one paragraph (no blank lines); move the rest into the body',
    }),
    /** One line for the index card: who was affected and how. */
    impact: nonEmpty('a one-line impact').refine((text) => !text.includes('\n'), {
      error: 'the impact must fit on one line; say the rest in the summary',
    }),
    severity: z.enum(SEVERITIES, {
      error: 'expected severity to be one of SEV1 (critical), SEV2 (major), SEV3 (minor), SEV4 (none)',
    }),
    status: z.enum(INCIDENT_STATUSES, { error: `expected status to be one of: ${INCIDENT_STATUSES.join(', ')}` }),
    started: maybeTimestamp,
    detected: maybeTimestamp,
    mitigated: maybeTimestamp,
    resolved: maybeTimestamp,
    /** The zone the incident is told in (the affected team's or users' local time). */
    timezone: timeZone,
    components: z.array(nonEmpty('a component name'), { error: 'expected a list of affected components' }).default([]),
    /** One line each for the summary card under the title; the card says "unknown" when one is absent. */
    trigger: oneLine('trigger', 'what set the incident off').optional(),
    root_cause: oneLine('root_cause', 'the root cause').optional(),
    detection: oneLine('detection', 'how the incident was noticed').optional(),
    resolution: oneLine('resolution', 'how it ended').optional(),
    tags: z.array(slugWord, { error: 'expected a list of tags' }).default([]),
    authors: z.array(author, { error: 'expected a list of authors' }).min(1, { error: 'name at least one author' }),
    sources: z.array(sourceSchema, { error: 'expected a list of sources' }).default([]),
    /** Overrides the folder name as the URL slug. */
    slug: slugWord.optional(),
    draft: z.boolean({ error: 'expected draft to be true or false' }).default(false),
  },
  { error: 'expected the frontmatter to hold fields such as title, summary, severity and timezone' },
);

export type IncidentFrontmatter = z.output<typeof incidentSchema>;
export type Severity = (typeof SEVERITIES)[number];

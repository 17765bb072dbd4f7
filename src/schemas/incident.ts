/** The frontmatter of `content/incidents/<slug>/index.mdx`. */
import { z } from 'astro/zod';
import { longText, maybeTimestamp, nonEmpty, oneLine, slugWord, timeZone, url } from './fields.ts';

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
    title: oneLine('a source title', 200),
    publisher: oneLine('the publisher', 100),
    kind: z.enum(SOURCE_KINDS, { error: `expected kind to be one of: ${SOURCE_KINDS.join(', ')}` }),
    /** Why a reader should (or should not) lean on this source. */
    note: longText('a note', 1000).optional(),
  },
  { error: 'expected a source with url, title, publisher and kind' },
);

const author = z.union([
  oneLine('an author name', 100),
  z.strictObject({ name: oneLine('an author name', 100), url: url.optional() }),
]);

/** An optional one-line answer for the summary card, e.g. `root_cause: "…"`. */
const cardLine = (field: string, what: string) =>
  nonEmpty(`${what} in one line`)
    .refine((text) => !text.includes('\n'), {
      error: `${field} must fit on one line (${what}); say the rest in the body`,
    })
    .pipe(oneLine(field, 240));

export const incidentSchema = z.strictObject(
  {
    title: oneLine('a title', 160),
    /** One paragraph: shown under the title and in feeds and link previews. */
    summary: nonEmpty('a summary')
      .refine((text) => !/\n\s*\n/.test(text), {
        error: 'the summary must be one paragraph (no blank lines); move the rest into the body',
      })
      .pipe(longText('a summary', 1200)),
    /** One line for the index card: who was affected and how. */
    impact: nonEmpty('a one-line impact')
      .refine((text) => !text.includes('\n'), { error: 'the impact must fit on one line; say the rest in the summary' })
      .pipe(oneLine('the impact', 200)),
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
    components: z
      .array(oneLine('a component name', 80), { error: 'expected a list of affected components' })
      .default([]),
    /** One line each for the summary card under the title; the card says "unknown" when one is absent. */
    trigger: cardLine('trigger', 'what set the incident off').optional(),
    root_cause: cardLine('root_cause', 'the root cause').optional(),
    detection: cardLine('detection', 'how the incident was noticed').optional(),
    resolution: cardLine('resolution', 'how it ended').optional(),
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

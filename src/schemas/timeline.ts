/** `content/incidents/<slug>/timeline.yaml`: the status page's updates and the postmortem's events. */
import { z } from 'astro/zod';
import { confidence, longText, oneLine, timestamp, timestampOrDay, url } from './fields.ts';
import { isInstant, parseDay, type Instant } from '../domain/time.ts';
import { TIMELINE_KINDS } from '../domain/timeline-kinds.ts';

export { EVENT_KINDS, STATUS_KINDS, TIMELINE_KINDS } from '../domain/timeline-kinds.ts';
export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;

const componentChange = z.strictObject({
  name: oneLine('a component name', 80),
  from: z.enum(COMPONENT_STATUSES, { error: `expected one of: ${COMPONENT_STATUSES.join(', ')}` }).optional(),
  to: z.enum(COMPONENT_STATUSES, { error: `expected one of: ${COMPONENT_STATUSES.join(', ')}` }),
});

export const timelineEntrySchema = z
  .strictObject({
    at: z.string({ error: 'expected a timestamp with an offset, like 2023-03-20T01:00:00-07:00' }),
    /** `day` allows a date-only `at` (the time of day is not known). */
    precision: z.enum(['exact', 'day'], { error: 'expected precision to be exact or day' }).default('exact'),
    /** The time is an estimate (shown as "about"). */
    approximate: z.boolean().default(false),
    kind: z.enum(TIMELINE_KINDS, { error: `expected kind to be one of: ${TIMELINE_KINDS.join(', ')}` }),
    title: oneLine('a title', 200),
    body: longText('the body', 8000).optional(),
    components: z.array(componentChange).default([]),
    source: url,
    confidence,
    confidence_note: longText('a confidence note', 1000).optional(),
    /** Written after the fact (for example a status update reconstructed later). */
    backfilled: z.boolean().default(false),
    /** Keys of related items in history.yaml, such as "#2641" or "v4.5.5". */
    refs: z.array(z.string()).default([]),
  })
  .transform((entry, ctx) => {
    const parser = entry.precision === 'day' ? timestampOrDay : timestamp;
    const parsed = parser.safeParse(entry.at);
    if (!parsed.success) {
      // The shared date-only message suggests leaving the field out, but `at` is required here.
      const dateOnly = entry.precision !== 'day' && isInstant(parseDay(entry.at.trim()));
      for (const issue of parsed.error.issues) {
        const hint = entry.precision === 'day' ? '' : ' (if only the day is known, add precision: day)';
        const message = dateOnly
          ? `"${entry.at}" is a date without a time. If only the day is known, add precision: day to this entry; otherwise give a full timestamp with an offset, like 2023-03-20T01:00:00-07:00`
          : issue.message + hint;
        ctx.addIssue({ code: 'custom', path: ['at'], message, input: entry.at });
      }
      return z.NEVER;
    }
    return { ...entry, at: parsed.data as Instant };
  });

export const timelineSchema = z.array(timelineEntrySchema, {
  error: 'expected timeline.yaml to be a list of entries, each starting with "- at:"',
});

export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/**
 * Field types shared by every content schema. Each one rejects bad input with a message that
 * says what was expected and how to fix it; the file, field path and line are added by
 * `./problems.ts`.
 */
import { z } from 'astro/zod';
import { linkProblem } from '../domain/links.ts';
import { isInstant, isTimeZone, parseDay, parseTimestamp, type Instant } from '../domain/time.ts';

const EXAMPLE = '2023-03-20T01:00:00-07:00';

function describeTimestampProblem(kind: string, text: string): string {
  switch (kind) {
    case 'missing-offset':
      return `"${text}" has no UTC offset, so the moment it names is ambiguous. Add "Z" for UTC or the offset in force at that time, e.g. ${EXAMPLE}`;
    case 'date-only':
      return `"${text}" is a date without a time. Give a full timestamp with an offset (e.g. ${EXAMPLE}), or leave the field out if the time is unknown`;
    case 'impossible':
      return `"${text}" is not a real date or time of day`;
    default:
      return `expected an ISO 8601 timestamp with a UTC offset, like ${EXAMPLE}; found "${text}"`;
  }
}

/** A timestamp that must carry an offset: `2023-03-20T01:00:00-07:00` or `…Z`. */
export const timestamp = z
  .string({ error: `expected an ISO 8601 timestamp with a UTC offset, like ${EXAMPLE} (quote it in YAML)` })
  .transform((text, ctx): Instant => {
    const parsed = parseTimestamp(text.trim());
    if (isInstant(parsed)) return parsed;
    ctx.addIssue({ code: 'custom', message: describeTimestampProblem(parsed.kind, text), input: text });
    return z.NEVER;
  });

/** A timestamp with an offset, or a date (`2023-03-24`) when only the day is known. */
export const timestampOrDay = z
  .string({ error: `expected a timestamp with an offset (${EXAMPLE}) or a date (2023-03-24)` })
  .transform((text, ctx): Instant => {
    const trimmed = text.trim();
    const asDay = parseDay(trimmed);
    if (isInstant(asDay)) return asDay;
    const parsed = parseTimestamp(trimmed);
    if (isInstant(parsed)) return parsed;
    const kind = parsed.kind === 'date-only' ? 'impossible' : parsed.kind;
    ctx.addIssue({ code: 'custom', message: describeTimestampProblem(kind, text), input: text });
    return z.NEVER;
  });

/**
 * A key moment that may be unknown: leave it out, write `null`, or write `unknown`.
 * Unknown is a real answer in a postmortem, and the site shows it as such.
 */
export const maybeTimestamp = z
  .preprocess((value) => (value === 'unknown' ? null : value), timestamp.nullable().optional())
  .transform((value): Instant | null => value ?? null);

export const timeZone = z
  .string({ error: 'expected an IANA time zone name such as America/Los_Angeles or UTC' })
  .check((ctx) => {
    if (!isTimeZone(ctx.value)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `"${ctx.value}" is not an IANA time zone. Use a name such as America/Los_Angeles, Europe/Berlin or UTC (abbreviations like PST are ambiguous)`,
      });
    }
  });

/**
 * A published link: https:// or http:// only, with the story's rule and message
 * (src/domain/links.ts), so `javascript:` is refused in YAML exactly as in the MDX.
 */
export const url = z.string({ error: 'expected an absolute URL starting with https:// or http://' }).check((ctx) => {
  const problem =
    linkProblem(ctx.value, { inStory: false }) ??
    (URL.canParse(ctx.value) ? undefined : `"${ctx.value.slice(0, 80)}" is not a valid URL`);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

/**
 * Text shown on one line (a title, a label): not empty, no line break, and at most `max`
 * characters, because it is a heading, a card or a link preview and the rest belongs in the body.
 */
export const oneLine = (what: string, max: number) =>
  nonEmpty(what)
    .refine((text) => !text.includes('\n'), { error: `${what} must fit on one line; say the rest in the body` })
    .check(tooLong(max, ' (it is shown on one line: in headings, cards and link previews); say the rest in the body'));

/** Longer text (a summary, a note, a body) with a generous limit, so a pasted file is caught. */
export const longText = (what: string, max: number) =>
  z.string({ error: `expected ${what} as text` }).check(tooLong(max, ''));

/** A length limit that counts characters as a reader does (an emoji is one). */
function tooLong(max: number, why: string) {
  return (ctx: z.core.ParsePayload<string>) => {
    const length = [...ctx.value].length;
    if (length > max)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `too long: ${length} characters, where at most ${max} fit${why}`,
      });
  };
}

export const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what} as text` })
    .trim()
    .min(1, { error: `${what} must not be empty` });

/** Lower-case words joined by hyphens: usable in a URL as they are. */
export const slugWord = z
  .string({ error: 'expected a lower-case word such as "redis" or "data-exposure"' })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
    error: 'use lower-case letters, digits and hyphens only (e.g. "data-exposure"), since it becomes part of a URL',
  });

export const confidence = z.enum(['verified', 'secondary', 'estimated'], {
  error:
    'expected confidence to be one of: verified (read in a primary source), secondary (a third party reports it), estimated (inferred)',
});

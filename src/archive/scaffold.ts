/**
 * The files of a new, empty incident, as `aftermath new` writes them. Pure: it only builds text,
 * so the same output can be checked by readArchive in tests before anything touches the disk.
 *
 * The result passes validation as it is: times not yet known are `unknown`, the timeline and
 * history are empty, and `draft: true` keeps the page out of the published site until the
 * author has replaced the TODOs.
 */
import { SEVERITIES, type Severity } from '../schemas/incident.ts';
import { slugify } from '../domain/slug.ts';
import { isInstant, isTimeZone, parseDay } from '../domain/time.ts';

export interface ScaffoldOptions {
  title: string;
  /** The day the incident started, `YYYY-MM-DD`; it starts the folder name. Default: today. */
  date?: string;
  timezone?: string;
  severity?: string;
  /** The clock "today" is read from (for tests). */
  now?: Date;
}

export interface ScaffoldedIncident {
  /** The folder name, `<date>-<slugified title>`. */
  slug: string;
  /** File name inside the incident folder → its content. */
  files: Record<string, string>;
}

/** Bad options, with a message meant to be printed to the author as it is. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

/** Longest title part of a slug; URLs and folder listings stay readable below this. */
const MAX_TITLE_SLUG = 60;

/** A title as a slug, cut at a word boundary so folder names stay readable. */
export function titleSlug(title: string): string {
  return slugify(title, MAX_TITLE_SLUG);
}

/** Today's date (`YYYY-MM-DD`) in the given zone: an incident is filed under its local day. */
export function todayIn(timezone: string, now: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

export function scaffoldIncident({
  title,
  date,
  timezone = 'UTC',
  severity = 'SEV3',
  now,
}: ScaffoldOptions): ScaffoldedIncident {
  const trimmedTitle = title.trim();
  if (!trimmedTitle)
    throw new ScaffoldError('the title must not be empty, e.g. npx aftermath new "Queue backlog delays orders"');
  if (!isTimeZone(timezone)) {
    throw new ScaffoldError(
      `"${timezone}" is not an IANA time zone; give --timezone as a name such as America/Los_Angeles, Europe/Berlin or UTC`,
    );
  }
  date ??= todayIn(timezone, now);
  if (!isInstant(parseDay(date)))
    throw new ScaffoldError(`"${date}" is not a date; give --date as YYYY-MM-DD, e.g. 2024-06-02`);
  if (!isSeverity(severity))
    throw new ScaffoldError(`"${severity}" is not a severity; give --severity as one of ${SEVERITIES.join(', ')}`);

  // A title with no Latin letters or digits (say, in Japanese) still needs a usable folder name.
  const slug = `${date}-${titleSlug(trimmedTitle) || 'incident'}`;
  return {
    slug,
    files: {
      'index.mdx': indexMdx(trimmedTitle, timezone, severity),
      'timeline.yaml': timelineYaml(date),
      'history.yaml': HISTORY_YAML,
    },
  };
}

function indexMdx(title: string, timezone: string, severity: Severity): string {
  // JSON strings are valid YAML double-quoted scalars, so any title survives as written.
  return `---
title: ${JSON.stringify(title)}
summary: >-
  TODO: one paragraph for the top of the page and link previews: what happened, who was
  affected, for how long, and how it ended.
impact: "TODO: one line for the index card: who was affected and how"
severity: ${severity}
status: investigating
# Key moments, each with a UTC offset (e.g. "2024-06-02T09:15:00+02:00"), or unknown.
started: unknown
detected: unknown
mitigated: unknown
resolved: unknown
timezone: ${timezone}
components: []
tags: []
authors:
  - "TODO: your name"
# Where each fact comes from: url, title, publisher and kind (postmortem, status-page, …).
sources: []
# Drafts appear only in npm run dev. Set this to false to publish.
draft: true
---

{/* Scaffolded by npx aftermath new. Replace every TODO, then run npx aftermath check. */}

## What happened

TODO: Tell the story in order: what changed, what users saw, how it was noticed, and what
stopped it. Give times in the incident's time zone (${timezone}), and put each event with its
source in timeline.yaml.

## Impact

TODO: Who was affected, how badly and for how long. Give numbers where you have them, and say
where they come from.

## Why it happened

TODO: The causes, technical and organisational. Keep asking why until the answer is something
that can be changed.

## What is changing

TODO: The follow-up work, each item with an owner. List the issues and pull requests in
history.yaml, then cite them here with the Ref component.
`;
}

function timelineYaml(date: string): string {
  return `# Events and status updates, oldest first. Each entry looks like:
#
# - at: "${date}T09:15:00Z"     # with a UTC offset; for a date alone add precision: day
#   kind: trigger                  # trigger, impact-start, detected, mitigated, deploy, note, …
#   title: What happened at that moment
#   source: https://example.com/   # where this is recorded
#   confidence: verified           # verified, secondary or estimated
[]
`;
}

const HISTORY_YAML = `# The fix as the code host records it: issues, pull requests, commits, releases, advisories.
# repository: owner/name     # the repository that "#123" refers to
items: []
`;

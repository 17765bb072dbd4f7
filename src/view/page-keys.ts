/**
 * The keys Astro's incremental build skips pages by (`experimental.incrementalBuild`, which the
 * integration turns on): a page returned by getStaticPaths with a `cacheKey` is copied from the
 * last build instead of rendered again when its key and its code (Astro hashes the page's module
 * graph, Aftermath's included) are both unchanged. So a key must name everything besides code
 * that the page shows: the incident's data as the content store holds it (the store's digest
 * covers the record and the story), and the one thing that changes with the day alone, which
 * follow-ups are overdue. The site's address and options are Astro's config, which Astro hashes
 * itself. tests/e2e/incremental-build.test.ts edits each kind of input and watches the pages.
 */
import { createHash } from 'node:crypto';
import type { IncidentData } from '../collections.ts';
import { isOverdue } from '../domain/follow-ups.ts';

/** An incident's entry in the content store. */
interface Entry {
  digest?: string | number;
  data: IncidentData;
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

/** What the store holds for one incident: its digest, or (without one) its data itself. */
function entryDigest(entry: Entry): string {
  return String(entry.digest ?? hash(JSON.stringify(entry.data)));
}

/** Which of an incident's follow-ups are overdue on `today`: the day's only effect on a page. */
function overdue(entry: Entry, today: number): string {
  return entry.data.followUps.map((f) => (isOverdue(f, today) ? '1' : '0')).join('');
}

/** A page of one incident (its page, exports, repro pages, badges): its data and, for pages that list follow-ups, the day. */
export function incidentPageKey(entry: Entry, today?: number): string {
  return hash(entryDigest(entry), today === undefined ? '' : overdue(entry, today));
}

/** A page drawn from every published incident (facets, follow-up lists, feeds). */
export function archivePageKey(entries: readonly Entry[], today?: number): string {
  return hash(...entries.map((entry) => incidentPageKey(entry, today)));
}

/** An incident's page in another locale: the incident's key, and its translated story's when it has one. */
export function editionPageKey(
  locale: string,
  entry: Entry,
  story: { digest?: string | number } | undefined,
  today?: number,
): string {
  return hash(locale, incidentPageKey(entry, today), String(story?.digest ?? ''));
}

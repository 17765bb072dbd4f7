import { getCollection, render, type CollectionEntry } from 'astro:content';
import config from 'virtual:aftermath/config';
import { archivePageKey, incidentPageKey } from './page-keys.ts';
import { isPublished, sortNewestFirst } from '../domain/incidents.ts';
import { translatedRecord } from '../domain/translation.ts';
import { english, type Translator } from '../i18n/catalogue.ts';
import { followUpFilters, siteFollowUps, type SiteFollowUp } from './follow-ups-view.ts';
import { localeHref } from './page-locale.ts';
import type { IncidentData, TranslatedStoryData } from '../collections.ts';

export type IncidentEntry = CollectionEntry<'incidents'> & { data: IncidentData };
export type StoryEntry = CollectionEntry<'incidents'> & { data: TranslatedStoryData };

const isIncident = (entry: CollectionEntry<'incidents'>): entry is IncidentEntry => !('translationOf' in entry.data);

/** Incidents that belong on the site: drafts appear only in `astro dev`. */
export async function publishedIncidents(): Promise<IncidentEntry[]> {
  return (await getCollection('incidents')).filter(
    (entry): entry is IncidentEntry => isIncident(entry) && isPublished(entry.data.frontmatter, import.meta.env.DEV),
  );
}

/** The incident's story in `locale`, when it has one (`index.<locale>.mdx`). */
export async function translatedStory(entry: IncidentEntry, locale: string): Promise<StoryEntry | undefined> {
  if (!entry.data.translations.some((t) => t.locale === locale && t.file)) return undefined;
  const story = (await getCollection('incidents')).find((e) => e.id === `${locale}/${entry.id}`);
  return story && !isIncident(story) ? (story as StoryEntry) : undefined;
}

/** The paths of a route with one page per published incident, each keyed like the incident's page. */
export async function incidentPaths() {
  const incidents = await publishedIncidents();
  return incidents.map((entry) => ({
    params: { slug: entry.id },
    props: { incident: entry.data },
    cacheKey: incidentPageKey(entry),
  }));
}

/** The paths of a route with one page per repro of a published incident, keyed like the incident's page. */
export async function reproPaths() {
  const incidents = await publishedIncidents();
  return incidents.flatMap((entry) =>
    entry.data.repros.map((repro) => ({
      params: { slug: entry.id, repro: repro.id },
      props: { slug: entry.id, repro },
      cacheKey: incidentPageKey(entry),
    })),
  );
}

/**
 * The incident's compiled story. In `astro dev`, right after a save that makes a broken incident
 * whole again, the content store already has the entry while Astro's map of content modules is
 * still being regenerated, and rendering fails once with UnknownContentCollectionError; the next
 * try, a moment later, finds it. A build renders once.
 */
export async function renderIncident(entry: CollectionEntry<'incidents'>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await render(entry);
    } catch (error) {
      const racing = import.meta.env.DEV && (error as Error).name === 'UnknownContentCollectionError';
      if (!racing || attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Every published incident as a reader of `locale` sees it: in its translation's words where it has one. */
export async function localizedIncidents(locale: string): Promise<IncidentData[]> {
  return (await publishedIncidents()).map(({ data }) => {
    const translation = data.translations.find((t) => t.locale === locale);
    return translation ? translatedRecord(data, translation) : data;
  });
}

/** Every follow-up of every published incident, newest incident first, in `locale`'s words. */
export async function localizedFollowUps(locale: string, t: Translator): Promise<SiteFollowUp[]> {
  const code = config.locales.find((l) => l.code === locale) ?? config.locales[0]!;
  // Overdue is relative to the day the site is built.
  return siteFollowUps(sortNewestFirst(await localizedIncidents(locale)), Date.now(), localeHref(code), t);
}

/** The follow-up filter pages (a status or kind that some follow-up has) of each locale given (undefined: the first). */
export async function followUpFilterPaths(locales: (string | undefined)[]) {
  const entries = await publishedIncidents();
  const today = Date.now();
  const list = siteFollowUps(sortNewestFirst(entries.map((e) => e.data)), today, config.base, english);
  const cacheKey = archivePageKey(entries, today);
  return locales.flatMap((locale) =>
    followUpFilters(list, english)
      .filter((f) => f.count > 0)
      .map((f) => ({
        params: { locale, facet: f.facet, value: f.value },
        props: { facet: f.facet, value: f.value },
        cacheKey,
      })),
  );
}

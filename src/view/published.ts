import { getCollection, render, type CollectionEntry } from 'astro:content';
import { isPublished } from '../domain/incidents.ts';
import { incidentPageKey } from './page-keys.ts';

/** Incidents that belong on the site: drafts appear only in `astro dev`. */
export async function publishedIncidents(): Promise<CollectionEntry<'incidents'>[]> {
  return getCollection('incidents', (entry) => isPublished(entry.data.frontmatter, import.meta.env.DEV));
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

import { getCollection, type CollectionEntry } from 'astro:content';

/** Incidents that belong on the site: drafts appear only in `astro dev`. */
export async function publishedIncidents(): Promise<CollectionEntry<'incidents'>[]> {
  return getCollection('incidents', (entry) => import.meta.env.DEV || !entry.data.frontmatter.draft);
}

import { getCollection, type CollectionEntry } from 'astro:content';
import { isPublished } from '../domain/incidents.ts';

/** Incidents that belong on the site: drafts appear only in `astro dev`. */
export async function publishedIncidents(): Promise<CollectionEntry<'incidents'>[]> {
  return getCollection('incidents', (entry) => isPublished(entry.data.frontmatter, import.meta.env.DEV));
}

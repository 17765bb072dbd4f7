/** `/feeds/incidents.json`: the incidents feed as JSON Feed 1.1 (see src/lib/feeds.ts). */
import type { APIRoute } from 'astro';
import { publishedIncidents } from '../../content/published.ts';
import { feedSiteRoot, incidentsFeed, renderFeed } from '../../lib/feeds.ts';

export const GET: APIRoute = async ({ site }) => {
  const incidents = (await publishedIncidents()).map((entry) => entry.data);
  // Feeds need absolute links: without a configured `site` they point at the dev server.
  const feed = incidentsFeed(incidents, feedSiteRoot(site, import.meta.env.BASE_URL));
  const { body, contentType } = renderFeed(feed, 'json');
  return new Response(body, { headers: { 'Content-Type': contentType } });
};

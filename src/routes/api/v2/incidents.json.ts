/** `/api/v2/incidents.json`: every published incident in Atlassian Statuspage's public API v2 shape. */
import config from 'virtual:aftermath/config';
import type { APIRoute } from 'astro';
import { publishedIncidents } from '../../../view/published.ts';
import { siteRoot } from '../../../exports/incident-json.ts';
import { statuspageDocument } from '../../../exports/statuspage-api.ts';

export const GET: APIRoute = async ({ site }) => {
  const incidents = (await publishedIncidents()).map((entry) => entry.data);
  // Without a configured `site`, page.url and each shortlink are paths (see siteRoot).
  const document = statuspageDocument(incidents, {
    id: 'aftermath',
    name: config.title,
    root: siteRoot(site, config.base),
  });
  return new Response(`${JSON.stringify(document, null, 2)}\n`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};

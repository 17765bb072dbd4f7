/** `/incidents/<slug>.md`: the incident as one Markdown document (src/view/markdown-export.ts), for trackers and wikis. */
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { splitFrontmatter } from '../../domain/mdx-source.ts';
import { incidentPageUrl, siteRoot } from '../../exports/incident-json.ts';
import { incidentPageView } from '../../view/incident-view.ts';
import { incidentMarkdown } from '../../view/markdown-export.ts';
import { publishedIncidents } from '../../view/published.ts';
import { incidentPageKey } from '../../view/page-keys.ts';

// The stories as written (the content store keeps no body: Astro renders the MDX files themselves).
const sources = import.meta.glob<string>('/content/incidents/*/index.mdx', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export async function getStaticPaths() {
  const incidents = await publishedIncidents();
  return incidents.map((entry) => ({
    params: { slug: entry.id },
    props: { incident: entry.data },
    cacheKey: incidentPageKey(entry),
  }));
}

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

export const GET: APIRoute<Props> = async ({ props, site }) => {
  const { incident } = props;
  const body = splitFrontmatter(sources[`/${incident.file}`] ?? '')?.body ?? '';
  const view = await incidentPageView(incident);
  const pageUrl = incidentPageUrl(siteRoot(site, import.meta.env.BASE_URL), incident.slug);
  return new Response(incidentMarkdown(view, body, pageUrl), {
    headers: { 'Content-Type': 'text/markdown; charset=utf-8' },
  });
};

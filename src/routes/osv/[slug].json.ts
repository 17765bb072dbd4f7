/** `/osv/<slug>.json`: the affected ranges an incident's repros computed, as an OSV document. */
import config from 'virtual:aftermath/config';
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { incidentPageUrl, siteRoot } from '../../exports/incident-json.ts';
import { osvDocument } from '../../exports/osv.ts';
import { affectedRangesView } from '../../view/affected-ranges-view.ts';
import { publishedIncidents } from '../../view/published.ts';
import { incidentPageKey } from '../../view/page-keys.ts';

export async function getStaticPaths() {
  const incidents = await publishedIncidents();
  return incidents.flatMap((entry) => {
    const repros = entry.data.repros.flatMap((repro) => {
      const ranges = affectedRangesView(repro, entry.data.history);
      return ranges ? [{ repro, ranges }] : [];
    });
    return repros.length > 0
      ? [{ params: { slug: entry.id }, props: { incident: entry.data, repros }, cacheKey: incidentPageKey(entry) }]
      : [];
  });
}

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

export const GET: APIRoute<Props> = ({ props, site }) => {
  const { incident, repros } = props;
  const pageUrl = incidentPageUrl(siteRoot(site, config.base), incident.slug);
  const document = osvDocument({ slug: incident.slug, title: incident.frontmatter.title, pageUrl, repros });
  return new Response(`${JSON.stringify(document, null, 2)}\n`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};

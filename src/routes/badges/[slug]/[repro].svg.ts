/** `/badges/<incident>/<repro>.svg`: the repro's standing as a badge (see src/exports/repro-badge.ts). */
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { badgeSvg, reproStatus } from '../../../exports/repro-badge.ts';
import { publishedIncidents } from '../../../view/published.ts';
import { incidentPageKey } from '../../../view/page-keys.ts';

export async function getStaticPaths() {
  const incidents = await publishedIncidents();
  return incidents.flatMap((entry) =>
    entry.data.repros.map((repro) => ({
      params: { slug: entry.id, repro: repro.id },
      props: { status: reproStatus(entry.id, repro) },
      cacheKey: incidentPageKey(entry),
    })),
  );
}

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

export const GET: APIRoute<Props> = ({ props }) =>
  new Response(badgeSvg(props.status), { headers: { 'Content-Type': 'image/svg+xml; charset=utf-8' } });

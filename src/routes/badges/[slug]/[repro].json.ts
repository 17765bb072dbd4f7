/** `/badges/<incident>/<repro>.json`: the repro's standing as data, for tools that want more than the badge. */
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { reproStatus } from '../../../exports/repro-badge.ts';
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
  new Response(`${JSON.stringify(props.status, null, 2)}\n`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });

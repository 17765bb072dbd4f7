/** `/badges/<incident>/<repro>.json`: the repro's standing as data, for tools that want more than the badge. */
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { reproStatus } from '../../../exports/repro-badge.ts';
import { reproPaths } from '../../../view/published.ts';

export const getStaticPaths = reproPaths;

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

export const GET: APIRoute<Props> = ({ props }) =>
  new Response(`${JSON.stringify(reproStatus(props.slug, props.repro), null, 2)}\n`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });

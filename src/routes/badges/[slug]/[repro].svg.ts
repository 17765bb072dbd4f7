/** `/badges/<incident>/<repro>.svg`: the repro's standing as a badge (see src/exports/repro-badge.ts). */
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { badgeSvg, reproStatus } from '../../../exports/repro-badge.ts';
import { reproPaths } from '../../../view/published.ts';

export const getStaticPaths = reproPaths;

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

export const GET: APIRoute<Props> = ({ props }) =>
  new Response(badgeSvg(reproStatus(props.slug, props.repro)), {
    headers: { 'Content-Type': 'image/svg+xml; charset=utf-8' },
  });

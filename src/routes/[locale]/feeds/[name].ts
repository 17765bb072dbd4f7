/** `/<locale>/feeds/<name>.<ext>`: the feeds in each of the site's other locales (../../feeds/[name].ts). */
import config from 'virtual:aftermath/config';
import type { APIRoute, GetStaticPaths } from 'astro';
import { feedPaths, feedResponse, type FeedProps } from '../../../exports/feed-pages.ts';

export const getStaticPaths: GetStaticPaths = ({ routePattern }) =>
  feedPaths(
    config.locales.slice(1).map((l) => l.code),
    routePattern,
  );

export const GET: APIRoute<FeedProps> = ({ site, props }) => feedResponse(site, props);

/** `/<locale>/feeds/<name>.<ext>`: the feeds in each of the site's other locales (../../feeds/[feed].ts). */
import config from 'virtual:aftermath/config';
import type { APIRoute } from 'astro';
import { feedPaths, feedResponse, type FeedProps } from '../../../exports/feed-pages.ts';

export const getStaticPaths = () => feedPaths(config.locales.slice(1).map((l) => l.code));

export const GET: APIRoute<FeedProps> = ({ site, props }) => feedResponse(site, props);

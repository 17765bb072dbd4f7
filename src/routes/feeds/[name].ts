/**
 * `/feeds/<name>.<ext>`: the incidents, status-updates and follow-up feeds, each as Atom 1.0 (`.atom`),
 * RSS 2.0 (`.xml`) and JSON Feed 1.1 (`.json`); what they hold is built in src/exports/feeds.ts.
 * The integration injects this file once per extension. Each other locale has its own feeds, in
 * its words (../[locale]/feeds/[name].ts).
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { feedPaths, feedResponse, type FeedProps } from '../../exports/feed-pages.ts';

export const getStaticPaths: GetStaticPaths = ({ routePattern }) => feedPaths([undefined], routePattern);

export const GET: APIRoute<FeedProps> = ({ site, props }) => feedResponse(site, props);

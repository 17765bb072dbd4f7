/**
 * `/feeds/<name>.<ext>`: the incidents, status-updates and follow-up feeds, each as Atom 1.0 (`.atom`),
 * RSS 2.0 (`.xml`) and JSON Feed 1.1 (`.json`); what they hold is built in src/exports/feeds.ts.
 */
import config from 'virtual:aftermath/config';
import type { APIRoute, GetStaticPaths } from 'astro';
import { publishedIncidents } from '../../view/published.ts';
import {
  FEED_PATHS,
  feedSiteRoot,
  followUpsFeed,
  incidentsFeed,
  renderFeed,
  updatesFeed,
  type FeedFormat,
  type FeedName,
} from '../../exports/feeds.ts';
import { archivePageKey } from '../../view/page-keys.ts';

export const getStaticPaths = (async () => {
  const cacheKey = archivePageKey(await publishedIncidents());
  return (Object.keys(FEED_PATHS) as FeedName[]).flatMap((name) =>
    (Object.keys(FEED_PATHS[name]) as FeedFormat[]).map((format) => ({
      params: { feed: FEED_PATHS[name][format].replace(/^feeds\//, '') },
      props: { name, format },
      cacheKey,
    })),
  );
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ name: FeedName; format: FeedFormat }> = async ({ site, props }) => {
  const incidents = (await publishedIncidents()).map((entry) => entry.data);
  // Feeds need absolute links: without a configured `site` they point at the dev server.
  const root = feedSiteRoot(site, config.base);
  const feed =
    props.name === 'incidents'
      ? incidentsFeed(incidents, root, config.title)
      : props.name === 'updates'
        ? updatesFeed(incidents, root, config.title)
        : // A follow-up's state depends on the day only through "overdue", which the feed does not show.
          followUpsFeed(incidents, root, Date.now(), config.title);
  const { body, contentType } = renderFeed(feed, props.format);
  return new Response(body, { headers: { 'Content-Type': contentType } });
};

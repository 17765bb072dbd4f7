/**
 * The feed endpoints of every locale: which exist, and the response for one. The first locale's
 * live at /feeds/, another's at /<locale>/feeds/ and link to that locale's pages, in its words.
 */
import config from 'virtual:aftermath/config';
import {
  FEED_PATHS,
  feedSiteRoot,
  followUpsFeed,
  incidentsFeed,
  renderFeed,
  updatesFeed,
  type FeedFormat,
  type FeedName,
} from './feeds.ts';
import { archivePageKey } from '../view/page-keys.ts';
import { localeHref, translator } from '../view/page-locale.ts';
import { localizedIncidents, publishedIncidents } from '../view/published.ts';

export interface FeedProps {
  name: FeedName;
  format: FeedFormat;
  /** The locale's code; the first locale's when undefined. */
  locale?: string;
}

/**
 * Every feed whose file ends in `.<ext>` (the extension of the route's pattern: one route per
 * extension), for each locale given (undefined: the site's first).
 */
export async function feedPaths(locales: (string | undefined)[], routePattern: string) {
  const ext = /\.(\w+)$/.exec(routePattern)![1]!;
  const cacheKey = archivePageKey(await publishedIncidents());
  return locales.flatMap((locale) =>
    (Object.keys(FEED_PATHS) as FeedName[]).flatMap((name) =>
      (Object.keys(FEED_PATHS[name]) as FeedFormat[])
        .filter((format) => FEED_PATHS[name][format].endsWith(`.${ext}`))
        .map((format) => ({ params: { locale, name }, props: { name, format, locale } satisfies FeedProps, cacheKey })),
    ),
  );
}

export async function feedResponse(site: URL | undefined, { name, format, locale }: FeedProps): Promise<Response> {
  const edition = config.locales.find((l) => l.code === locale) ?? config.locales[0]!;
  const t = translator(edition);
  const incidents = await localizedIncidents(edition.code);
  // Feeds need absolute links: without a configured `site` they point at the dev server.
  const feedSite = { root: feedSiteRoot(site, localeHref(edition)), name: config.title, t };
  const feed =
    name === 'incidents'
      ? incidentsFeed(incidents, feedSite)
      : name === 'updates'
        ? updatesFeed(incidents, feedSite)
        : // A follow-up's state depends on the day only through "overdue", which the feed does not show.
          followUpsFeed(incidents, feedSite, Date.now());
  const { body, contentType } = renderFeed(feed, format);
  return new Response(body, { headers: { 'Content-Type': contentType } });
}

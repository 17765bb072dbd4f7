/**
 * Two feeds, each in three formats: incidents (one item per incident) and status updates (one
 * item per status-page timeline entry, across incidents), as Atom 1.0, RSS 2.0 and JSON Feed 1.1.
 *
 * Each feed is first built as a {@link FeedDocument} (plain text, safe HTML, absolute links),
 * then serialized. Atom and RSS go through the `feed` package; JSON Feed is written here,
 * because `feed` 6 writes JSON Feed 1.0 only (no `authors`, no `language`).
 *
 * Text from content is never trusted as markup: titles and summaries are plain text, escaped
 * wherever a format reads them as HTML; bodies are Markdown rendered by `renderSafeMarkdown`.
 * Output is deterministic: a feed's `updated` is its newest item's date, never the build time.
 * Feeds need absolute links; the endpoints pass a root address with a fallback host when the
 * site's address is not configured.
 */
import { Feed, type Item } from 'feed';
import type { TimelineEntry } from '../schemas/timeline.ts';
import { escapeHtml } from '../domain/text.ts';
import { incidentPageUrl, siteRoot, type ExportableIncident } from './incident-json.ts';
import { incidentDate, sortNewestFirst } from '../domain/incidents.ts';
import { renderSafeMarkdown } from './safe-markdown.ts';
import { english, type Translator } from '../i18n/catalogue.ts';
import { severityWords } from '../i18n/format.ts';
import { mergeTimeline, type TimelineItem } from '../domain/timeline.ts';
import { siteFollowUps, type FollowUpIncident, type SiteFollowUp } from '../view/follow-ups-view.ts';
import { regressionRows, type RegressionView } from '../view/regressions-view.ts';

export type FeedFormat = 'atom' | 'rss' | 'json';
export type FeedName = 'incidents' | 'updates' | 'follow-ups';

/** Where each feed is published, relative to the site's root. */
export const FEED_PATHS: Readonly<Record<FeedName, Readonly<Record<FeedFormat, string>>>> = {
  incidents: { atom: 'feeds/incidents.atom', rss: 'feeds/incidents.xml', json: 'feeds/incidents.json' },
  updates: { atom: 'feeds/updates.atom', rss: 'feeds/updates.xml', json: 'feeds/updates.json' },
  'follow-ups': { atom: 'feeds/follow-ups.atom', rss: 'feeds/follow-ups.xml', json: 'feeds/follow-ups.json' },
};

export const FEED_CONTENT_TYPES: Readonly<Record<FeedFormat, string>> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

const FORMAT_TITLES: Readonly<Record<FeedFormat, string>> = { atom: 'Atom', rss: 'RSS', json: 'JSON Feed' };

/** The site a feed is of: its absolute root address (ending in `/`), its name, its language. */
export interface FeedSite {
  root: string;
  name?: string;
  t?: Translator;
}

/** Every feed as a page's `<link rel="alternate">` announces it, under the site's base path. */
export function feedAlternates(
  base: string,
  siteName = 'Aftermath',
  t: Translator = english,
): { href: string; type: string; title: string }[] {
  return (Object.keys(FEED_PATHS) as FeedName[]).flatMap((name) =>
    (Object.keys(FEED_PATHS[name]) as FeedFormat[]).map((format) => ({
      href: base + FEED_PATHS[name][format],
      type: FEED_CONTENT_TYPES[format].split(';')[0]!,
      title: `${t(`feed.${name}.title`, { site: siteName })} (${FORMAT_TITLES[format]})`,
    })),
  );
}

/** Astro's dev-server address: feeds need absolute links even when no `site` is configured. */
export const FEED_FALLBACK_SITE = 'http://localhost:4321';

/**
 * The absolute root address feeds link under: the configured `site` with `base`, else the
 * dev server's address (links in such a feed only work locally; set `site` when deploying).
 */
export function feedSiteRoot(site: URL | undefined, base: string): string {
  return siteRoot(site ?? new URL(FEED_FALLBACK_SITE), base);
}

/**
 * How many items each feed carries: the newest ones. Readers fetch a feed again on every poll,
 * so it holds what is recent, not the archive (that is what the JSON exports are for).
 */
export const FEED_LIMITS: Readonly<Record<FeedName, number>> = { incidents: 50, updates: 100, 'follow-ups': 100 };

/** Used for a feed without items, so that an empty archive still gives the same bytes. */
const EMPTY_FEED_UPDATED = new Date(0);

export interface FeedAuthor {
  name: string;
  url?: string;
}

export interface FeedCategory {
  term: string;
  /** The taxonomy the term belongs to (tags link to the site's tag index). */
  scheme?: string;
}

export interface FeedEntry {
  /** A permanent, absolute URL. */
  id: string;
  link: string;
  /** Plain text. */
  title: string;
  date: Date;
  /** Plain text. */
  summary?: string;
  /** Sanitized HTML. */
  contentHtml: string;
  categories: FeedCategory[];
  authors: FeedAuthor[];
}

/** A feed before serialization: every text is plain or already sanitized, every link absolute. */
export interface FeedDocument {
  title: string;
  /** BCP 47: the language of the feed's own words (`en`, `zh-CN`). */
  language: string;
  description: string;
  /** The site's home page. */
  home: string;
  /** The feed's own address in each format. */
  links: Readonly<Record<FeedFormat, string>>;
  author: FeedAuthor;
  /** The newest entry's date. */
  updated: Date;
  /** Newest first. */
  entries: FeedEntry[];
}

function newest(entries: readonly FeedEntry[]): Date {
  return (
    entries.reduce<Date | undefined>((max, e) => (!max || e.date > max ? e.date : max), undefined) ?? EMPTY_FEED_UPDATED
  );
}

/** A feed's document around its entries: its title and description in the page's words, its links. */
function feedDocument(
  name: FeedName,
  root: string,
  siteName: string,
  t: Translator,
  entries: FeedEntry[],
): FeedDocument {
  return {
    title: t(`feed.${name}.title`, { site: siteName }),
    language: t.lang,
    description: t(`feed.${name}.description`),
    home: root,
    links: feedLinks(root, name),
    author: { name: siteName, url: root },
    updated: newest(entries),
    entries,
  };
}

function feedLinks(root: string, name: FeedName): Record<FeedFormat, string> {
  const paths = FEED_PATHS[name];
  return { atom: root + paths.atom, rss: root + paths.rss, json: root + paths.json };
}

function capitalized(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/**
 * One item per incident, the newest {@link FEED_LIMITS} first. The item's date is when the incident started (else its
 * first timeline entry); an incident with neither has no date to file it under and is left out
 * rather than given an invented one (it is still in the JSON exports).
 */
export function incidentsFeed(incidents: readonly ExportableIncident[], site: FeedSite): FeedDocument {
  const { root, name: siteName = 'Aftermath', t = english } = site;
  const dated = sortNewestFirst(incidents.filter((incident) => incidentDate(incident))).slice(0, FEED_LIMITS.incidents);
  const entries = dated.map((incident): FeedEntry => {
    const date = incidentDate(incident)!;
    const fm = incident.frontmatter;
    const url = incidentPageUrl(root, incident.slug);
    const contentHtml = [
      `<p>${escapeHtml(fm.summary)}</p>`,
      `<p><strong>${escapeHtml(t('feed.impact'))}</strong> ${escapeHtml(fm.impact)}</p>`,
      `<p><strong>${escapeHtml(t('feed.severity'))}</strong> ${escapeHtml(severityWords(t, fm.severity))}${escapeHtml(t('followUps.sentenceEnd'))} <strong>${escapeHtml(t('header.status'))}</strong> ${escapeHtml(t(`header.status.${fm.status}`))}${escapeHtml(t('followUps.sentenceEnd'))}</p>`,
    ].join('\n');
    return {
      id: url,
      link: url,
      title: fm.title,
      date: new Date(date.ms),
      summary: fm.summary,
      contentHtml,
      categories: [{ term: fm.severity }, ...fm.tags.map((tag) => ({ term: tag, scheme: `${root}tags/` }))],
      authors: fm.authors.map((a) => (typeof a === 'string' ? { name: a } : { name: a.name, url: a.url })),
    };
  });
  return feedDocument('incidents', root, siteName, t, entries);
}

function componentChangesHtml(changes: TimelineEntry['components'], t: Translator): string {
  if (changes.length === 0) return '';
  const rows = changes.map(
    (c) =>
      `<li>${escapeHtml(c.name)}: ${c.from ? `${escapeHtml(t(`component.${c.from}`))} → ` : ''}${escapeHtml(t(`component.${c.to}`))}</li>`,
  );
  return `<ul>\n${rows.join('\n')}\n</ul>`;
}

/** The closing line of an update or a regression: which incident, linked, and how severe. */
function incidentLine(incident: ExportableIncident, root: string, t: Translator): string {
  const fm = incident.frontmatter;
  return `<p>${escapeHtml(t('feed.incident'))} <a href="${escapeHtml(incidentPageUrl(root, incident.slug))}">${escapeHtml(fm.title)}</a> (${escapeHtml(severityWords(t, fm.severity))})</p>`;
}

function updateEntry(incident: ExportableIncident, item: TimelineItem, root: string, t: Translator): FeedEntry {
  const fm = incident.frontmatter;
  const url = `${incidentPageUrl(root, incident.slug)}#${item.id}`;
  const status = escapeHtml(capitalized(t(`timeline.kind.${item.kind}`)));
  // A title such as "Resolved" only restates the status; saying it twice reads as a glitch.
  const restatesStatus = item.title.trim().toLowerCase() === item.kind;
  const contentHtml = [
    restatesStatus
      ? `<p><strong>${status}</strong></p>`
      : `<p><strong>${status}:</strong> ${escapeHtml(item.title)}</p>`,
    item.body?.trim() ? renderSafeMarkdown(item.body).trim() : '',
    componentChangesHtml(item.components, t),
    incidentLine(incident, root, t),
  ].filter(Boolean);
  return {
    id: url,
    link: url,
    title: `${fm.title}: ${item.title}`,
    date: new Date(item.at.ms),
    contentHtml: contentHtml.join('\n'),
    categories: [{ term: item.kind }, { term: fm.severity }],
    authors: [],
  };
}

/** A re-run contradicted a recorded verdict: news for everyone who relied on it. */
function regressionEntry(
  incident: ExportableIncident,
  regression: RegressionView,
  root: string,
  t: Translator,
): FeedEntry {
  const fm = incident.frontmatter;
  const page = incidentPageUrl(root, incident.slug);
  const url = `${page}#repro-${regression.reproId}`;
  return {
    id: `${url}/regression/${regression.detectedAt}`,
    link: url,
    title: t('feed.regressionTitle', { incident: fm.title, repro: regression.reproTitle }),
    date: new Date(regression.detectedAt),
    contentHtml: [
      `<p><strong>${escapeHtml(t('feed.regression'))}</strong> ${escapeHtml(regression.text)}</p>`,
      incidentLine(incident, root, t),
    ].join('\n'),
    categories: [{ term: 'regression' }, { term: fm.severity }],
    authors: [],
  };
}

/**
 * One item per status-page timeline entry (investigating … postmortem) and per open repro
 * regression (regressions.json) across incidents, the
 * newest {@link FEED_LIMITS} first; equal times go by incident slug, then later in the timeline first. Each item
 * links to the entry's anchor on its incident page. A date known only to the day is midnight UTC.
 */
export function updatesFeed(incidents: readonly ExportableIncident[], site: FeedSite): FeedDocument {
  const { root, name: siteName = 'Aftermath', t = english } = site;
  const updates = incidents.flatMap((incident) =>
    mergeTimeline(incident.timeline, incident.history, incident.frontmatter.timezone)
      .filter((item) => item.source === 'status-page')
      .map((item, index) => ({ incident, ms: item.at.ms, index, entry: () => updateEntry(incident, item, root, t) })),
  );
  const regressions = incidents.flatMap((incident) =>
    regressionRows(incident.repros ?? []).map((regression, index) => ({
      incident,
      ms: Date.parse(regression.detectedAt),
      index,
      entry: () => regressionEntry(incident, regression, root, t),
    })),
  );
  const all = [...updates, ...regressions];
  all.sort((a, b) => b.ms - a.ms || a.incident.slug.localeCompare(b.incident.slug) || b.index - a.index);
  const entries = all.slice(0, FEED_LIMITS.updates).map((u) => u.entry());
  return feedDocument('updates', root, siteName, t, entries);
}

function followUpEntry(followUp: SiteFollowUp & { since: string }, root: string, t: Translator): FeedEntry {
  const page = incidentPageUrl(root, followUp.incident.slug);
  const url = `${page}#${followUp.anchor}`;
  const evidence = followUp.evidence.map(
    (e) => `<li>${escapeHtml(e.label)}: ${escapeHtml(e.outcome)}${e.detail ? `, ${escapeHtml(e.detail)}` : ''}</li>`,
  );
  return {
    // A new status is a new item: the id carries the day it took effect.
    id: `${url}/${followUp.status}/${followUp.since}`,
    link: url,
    title: `${followUp.incident.title}: ${followUp.title}: ${followUp.stateLabel}`,
    date: new Date(`${followUp.since}T00:00:00Z`),
    contentHtml: [
      `<p><strong>${escapeHtml(followUp.stateLabel)}</strong> ${escapeHtml(t('followUp.since', { day: followUp.since }))} · ${escapeHtml(followUp.kindLabel)} · ${escapeHtml(t('feed.owner', { owner: followUp.owner }))}</p>`,
      ...followUp.reasons.map((r) => `<p>${escapeHtml(r)}</p>`),
      evidence.length ? `<ul>\n${evidence.join('\n')}\n</ul>` : '',
      `<p>${escapeHtml(t('feed.incident'))} <a href="${escapeHtml(page)}">${escapeHtml(followUp.incident.title)}</a></p>`,
    ]
      .filter(Boolean)
      .join('\n'),
    categories: [{ term: followUp.state }, { term: followUp.kind }],
    authors: [],
  };
}

/**
 * One item per follow-up whose status says since when it holds (`since` in actions.yaml), the
 * newest first: its state as the evidence decides it (verified, contradicted, …) and why.
 */
export function followUpsFeed(incidents: readonly FollowUpIncident[], site: FeedSite, today: number): FeedDocument {
  const { root, name: siteName = 'Aftermath', t = english } = site;
  const dated = siteFollowUps(incidents, today, root, t).filter(
    (f): f is SiteFollowUp & { since: string } => f.since !== undefined,
  );
  dated.sort((a, b) => b.since.localeCompare(a.since) || a.incident.slug.localeCompare(b.incident.slug));
  const entries = dated.slice(0, FEED_LIMITS['follow-ups']).map((f) => followUpEntry(f, root, t));
  return feedDocument('follow-ups', root, siteName, t, entries);
}

/**
 * xml-js, which `feed` writes XML with, escapes only the first `]]>` in a CDATA section, so a
 * second one would end it early. In HTML, `]]&gt;` reads the same.
 */
function cdataSafe(html: string): string {
  return html.replaceAll(']]>', ']]&gt;');
}

function libraryFeed(doc: FeedDocument, format: 'atom' | 'rss'): Feed {
  const feed = new Feed({
    id: doc.links.atom,
    title: doc.title,
    description: doc.description,
    link: doc.home,
    language: doc.language,
    updated: doc.updated,
    generator: 'Aftermath',
    feedLinks: doc.links,
    author: { name: doc.author.name, link: doc.author.url },
  });
  for (const entry of doc.entries) {
    const item: Item = {
      // Atom declares titles and summaries type="html", and RSS readers treat them as HTML.
      title: escapeHtml(entry.title),
      id: entry.id,
      link: entry.link,
      date: entry.date,
      description: entry.summary === undefined ? undefined : escapeHtml(entry.summary),
      content: cdataSafe(entry.contentHtml),
      category: entry.categories.map((c) => ({ name: c.term, term: c.term, scheme: c.scheme, domain: c.scheme })),
    };
    // RSS 2.0's <author> must be an e-mail address, which we do not have; Atom takes names.
    if (format === 'atom' && entry.authors.length)
      item.author = entry.authors.map((a) => ({ name: a.name, link: a.url }));
    feed.addItem(item);
  }
  return feed;
}

/** Atom 1.0. */
export function atomFeed(doc: FeedDocument): string {
  return `${libraryFeed(doc, 'atom').atom1()}\n`;
}

/** RSS 2.0. */
export function rssFeed(doc: FeedDocument): string {
  return `${libraryFeed(doc, 'rss').rss2()}\n`;
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function jsonFeed(doc: FeedDocument): string {
  const authors = (list: readonly FeedAuthor[]) =>
    list.map((a) => (a.url ? { name: a.name, url: a.url } : { name: a.name }));
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    home_page_url: doc.home,
    feed_url: doc.links.json,
    description: doc.description,
    language: doc.language,
    authors: authors([doc.author]),
    items: doc.entries.map((entry) => ({
      id: entry.id,
      url: entry.link,
      title: entry.title,
      ...(entry.summary === undefined ? {} : { summary: entry.summary }),
      content_html: entry.contentHtml,
      date_published: entry.date.toISOString(),
      tags: entry.categories.map((c) => c.term),
      ...(entry.authors.length ? { authors: authors(entry.authors) } : {}),
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/** The feed in the given format, with its media type. */
export function renderFeed(doc: FeedDocument, format: FeedFormat): { body: string; contentType: string } {
  const body = format === 'atom' ? atomFeed(doc) : format === 'rss' ? rssFeed(doc) : jsonFeed(doc);
  return { body, contentType: FEED_CONTENT_TYPES[format] };
}

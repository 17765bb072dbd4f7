import { describe, expect, it } from 'vitest';
import type { ExportableIncident } from '../../src/exports/incident-json.ts';
import {
  atomFeed,
  FEED_LIMITS,
  feedAlternates,
  feedSiteRoot,
  incidentsFeed,
  jsonFeed,
  renderFeed,
  rssFeed,
  updatesFeed,
} from '../../src/exports/feeds.ts';
import { frontmatter, history, timeline } from '../support/data.ts';

const ROOT = 'https://pm.example.com/';
const SITE = { root: ROOT };

function incident(
  slug: string,
  overrides: Record<string, unknown>,
  entries: Record<string, unknown>[] = [],
): ExportableIncident {
  return { slug, frontmatter: frontmatter(overrides), timeline: timeline(entries), history: history([]) };
}

const queue = incident(
  'queue',
  {
    title: 'Queue backlog',
    summary: 'Acks stopped & the queue grew.',
    severity: 'SEV2',
    started: '2024-06-02T09:15:00+02:00',
    timezone: 'Europe/Berlin',
    tags: ['queues', 'deploys'],
    authors: ['Ann', { name: 'Bo', url: 'https://example.com/bo' }],
  },
  [
    {
      at: '2024-06-02T09:52:00+02:00',
      kind: 'investigating',
      title: 'Investigating <delays>',
      body: 'Looking into **delays**. <script>alert(1)</script>',
      components: [{ name: 'Checkout', from: 'operational', to: 'degraded_performance' }],
    },
    { at: '2024-06-02T10:00:00+02:00', kind: 'deploy', title: 'Rollback starts' },
    { at: '2024-06-02T11:20:00+02:00', kind: 'resolved', title: 'Resolved' },
  ],
);
const dns = incident(
  'dns',
  { title: 'DNS expiry', severity: 'SEV1', started: '2022-11-08T23:30:00Z', timezone: 'UTC', tags: ['dns'] },
  [{ at: '2022-11-08T23:40:00Z', kind: 'identified', title: 'Record expired' }],
);
const undated = incident('undated', { title: 'Undated', started: 'unknown' });

/** Every CDATA section closes where it should: as many `]]>` as `<![CDATA[`. */
function cdataBalanced(xml: string): boolean {
  return xml.split('<![CDATA[').length === xml.split(']]>').length;
}

describe('feedSiteRoot', () => {
  it('uses the configured site with the base path, else the dev server', () => {
    expect(feedSiteRoot(new URL('https://pm.example.com'), '/docs/')).toBe('https://pm.example.com/docs/');
    expect(feedSiteRoot(undefined, '/')).toBe('http://localhost:4321/');
  });
});

describe('incidentsFeed', () => {
  const feed = incidentsFeed([dns, undated, queue], SITE);

  it('has one entry per dated incident, newest first, identified by its page', () => {
    expect(feed.entries.map((e) => e.id)).toEqual([
      'https://pm.example.com/incidents/queue/',
      'https://pm.example.com/incidents/dns/',
    ]);
    expect(feed.entries[0]).toMatchObject({
      link: 'https://pm.example.com/incidents/queue/',
      title: 'Queue backlog',
      summary: 'Acks stopped & the queue grew.',
    });
    expect(feed.entries[0]!.date.toISOString()).toBe('2024-06-02T07:15:00.000Z');
    expect(feed.updated.toISOString()).toBe('2024-06-02T07:15:00.000Z');
  });

  it('files severity and tags as categories, and names the authors', () => {
    expect(feed.entries[0]!.categories).toEqual([
      { term: 'SEV2' },
      { term: 'queues', scheme: `${ROOT}tags/` },
      { term: 'deploys', scheme: `${ROOT}tags/` },
    ]);
    expect(feed.entries[0]!.authors).toEqual([{ name: 'Ann' }, { name: 'Bo', url: 'https://example.com/bo' }]);
    expect(feed.entries[0]!.contentHtml).toContain('<p>Acks stopped &amp; the queue grew.</p>');
    expect(feed.entries[0]!.contentHtml).toContain('SEV2 · major');
  });

  it('falls back to the first timeline entry for the date, and to the epoch when there is no entry', () => {
    const fromTimeline = incident('t', { started: 'unknown' }, [{ at: '2024-01-01T10:00:00Z', kind: 'trigger' }]);
    expect(incidentsFeed([fromTimeline], SITE).entries[0]!.date.toISOString()).toBe('2024-01-01T10:00:00.000Z');
    expect(incidentsFeed([], SITE).updated.toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('updatesFeed', () => {
  const feed = updatesFeed([dns, queue], SITE);

  it('has one entry per status-page update across incidents, newest first, linking to its anchor', () => {
    expect(feed.entries.map((e) => e.title)).toEqual([
      'Queue backlog: Resolved',
      'Queue backlog: Investigating <delays>',
      'DNS expiry: Record expired',
    ]);
    expect(feed.entries[1]!.id).toMatch(
      /^https:\/\/pm\.example\.com\/incidents\/queue\/#t-2024-06-02t09-52-00-02-00-investigating$/,
    );
    expect(feed.entries[1]!.categories).toEqual([{ term: 'investigating' }, { term: 'SEV2' }]);
    expect(feed.updated.toISOString()).toBe('2024-06-02T09:20:00.000Z');
  });

  it('renders bodies as safe HTML with the component changes', () => {
    const html = feed.entries[1]!.contentHtml;
    expect(html).toContain('<p><strong>Investigating:</strong> Investigating &lt;delays&gt;</p>');
    expect(html).toContain('<strong>delays</strong>');
    expect(html).toContain('<li>Checkout: operational → degraded performance</li>');
    expect(html).not.toContain('<script');
    expect(feed.entries[0]!.contentHtml).toMatch(/^<p><strong>Resolved<\/strong><\/p>\n/);
  });

  it('breaks ties between incidents by slug', () => {
    const a = incident('a', { title: 'A' }, [{ at: '2024-01-01T00:00:00Z', kind: 'update', title: 'same time' }]);
    const b = incident('b', { title: 'B' }, [{ at: '2024-01-01T01:00:00+01:00', kind: 'update', title: 'same time' }]);
    expect(updatesFeed([b, a], SITE).entries.map((e) => e.title)).toEqual(['A: same time', 'B: same time']);
  });
});

describe('serializers', () => {
  const hostile = incident(
    'x',
    {
      title: 'A <b>bold</b> & "quoted" title',
      summary: 'Ends with ]]> here',
      started: '2024-01-01T00:00:00Z',
      tags: ['t'],
    },
    [{ at: '2024-01-01T01:00:00Z', kind: 'update', title: 'Update', body: 'one ]]> two ]]> three `]]>`' }],
  );

  it('writes Atom 1.0 with the required elements and the newest date as updated', () => {
    const xml = atomFeed(incidentsFeed([dns, queue], SITE));
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    expect(xml).toContain('<id>https://pm.example.com/feeds/incidents.atom</id>');
    expect(xml).toContain('<updated>2024-06-02T07:15:00.000Z</updated>');
    expect(xml).toContain('<link rel="self" href="https://pm.example.com/feeds/incidents.atom"/>');
    expect(xml.match(/<entry>/g)).toHaveLength(2);
    expect(xml).toContain('<category label="queues" scheme="https://pm.example.com/tags/" term="queues"/>');
    expect(xml).toContain('<uri>https://example.com/bo</uri>');
  });

  it('writes RSS 2.0 without author names (RSS wants e-mail addresses)', () => {
    const xml = rssFeed(incidentsFeed([dns, queue], SITE));
    expect(xml).toContain('<rss version="2.0"');
    expect(xml).toContain('<lastBuildDate>Sun, 02 Jun 2024 07:15:00 GMT</lastBuildDate>');
    expect(xml).toContain(
      '<atom:link href="https://pm.example.com/feeds/incidents.xml" rel="self" type="application/rss+xml"/>',
    );
    expect(xml).toContain('<guid isPermaLink="false">https://pm.example.com/incidents/queue/</guid>');
    expect(xml).toContain('<category domain="https://pm.example.com/tags/">queues</category>');
    expect(xml).not.toContain('<author>');
  });

  it('escapes titles and summaries that feeds read as HTML, and keeps every CDATA section closed', () => {
    for (const xml of [
      atomFeed(incidentsFeed([hostile], SITE)),
      rssFeed(updatesFeed([hostile], SITE)),
      atomFeed(updatesFeed([hostile], SITE)),
    ]) {
      expect(cdataBalanced(xml)).toBe(true);
      expect(xml).not.toContain('<b>bold</b>');
    }
    const atom = atomFeed(incidentsFeed([hostile], SITE));
    expect(atom).toContain(
      '<title type="html"><![CDATA[A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title]]></title>',
    );
    expect(atom).toContain('<summary type="html"><![CDATA[Ends with ]]&gt; here]]></summary>');
  });

  it('writes JSON Feed 1.1 with plain-text titles and safe HTML content', () => {
    const json = JSON.parse(jsonFeed(updatesFeed([hostile, queue], SITE)));
    expect(json).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Aftermath: status updates',
      home_page_url: ROOT,
      feed_url: `${ROOT}feeds/updates.json`,
      language: 'en',
      authors: [{ name: 'Aftermath', url: ROOT }],
    });
    expect(json.items.map((item: { title: string }) => item.title)).toEqual([
      'Queue backlog: Resolved',
      'Queue backlog: Investigating <delays>',
      'A <b>bold</b> & "quoted" title: Update',
    ]);
    expect(json.items[2]).toMatchObject({
      id: `${ROOT}incidents/x/#t-2024-01-01t01-00-00z-update`,
      url: `${ROOT}incidents/x/#t-2024-01-01t01-00-00z-update`,
      title: 'A <b>bold</b> & "quoted" title: Update',
      date_published: '2024-01-01T01:00:00.000Z',
      tags: ['update', 'SEV2'],
    });
    expect(json.items[2].summary).toBeUndefined();
    expect(json.items[2].content_html).toContain('<p>one ]]> two ]]> three <code>]]></code></p>');
    const incidents = JSON.parse(jsonFeed(incidentsFeed([queue], SITE)));
    expect(incidents.items[0]).toMatchObject({
      summary: 'Acks stopped & the queue grew.',
      authors: [{ name: 'Ann' }, { name: 'Bo', url: 'https://example.com/bo' }],
    });
    expect(json.items.every((item: { content_html: string }) => !item.content_html.includes('<script'))).toBe(true);
  });

  it("is deterministic, and names each format's media type", () => {
    const build = () => ['atom', 'rss', 'json'].map((f) => renderFeed(updatesFeed([dns, queue], SITE), f as 'atom'));
    expect(build()).toEqual(build());
    expect(build().map((r) => r.contentType)).toEqual([
      'application/atom+xml; charset=utf-8',
      'application/rss+xml; charset=utf-8',
      'application/feed+json; charset=utf-8',
    ]);
  });
});

describe('feed limits', () => {
  const many = Array.from({ length: FEED_LIMITS.incidents + 5 }, (_, i) =>
    incident(
      `i${String(i).padStart(3, '0')}`,
      { title: `Incident ${i}`, started: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(), timezone: 'UTC' },
      [
        { at: new Date(Date.UTC(2024, 0, 1 + i, 1)).toISOString(), kind: 'investigating', title: 'Looking' },
        { at: new Date(Date.UTC(2024, 0, 1 + i, 2)).toISOString(), kind: 'identified', title: 'Found' },
        { at: new Date(Date.UTC(2024, 0, 1 + i, 3)).toISOString(), kind: 'resolved', title: 'Fixed' },
      ],
    ),
  );

  it('keeps only the newest incidents and updates', () => {
    const incidents = incidentsFeed(many, SITE).entries;
    expect(incidents).toHaveLength(FEED_LIMITS.incidents);
    expect(incidents[0]!.title).toBe(`Incident ${many.length - 1}`);
    expect(incidents.at(-1)!.title).toBe(`Incident ${many.length - FEED_LIMITS.incidents}`);

    const updates = updatesFeed(many, SITE).entries;
    expect(updates).toHaveLength(FEED_LIMITS.updates);
    expect(updates[0]!.title).toBe(`Incident ${many.length - 1}: Fixed`);
    // Newest first all the way down: the cut drops only older updates.
    expect(updates.map((u) => u.date.getTime())).toEqual(updates.map((u) => u.date.getTime()).sort((a, b) => b - a));
  });
});

describe('feedAlternates', () => {
  it('announces the nine feeds under the base path with their media types', () => {
    const links = feedAlternates('/pm/');
    expect(links[0]).toEqual({
      href: '/pm/feeds/incidents.atom',
      type: 'application/atom+xml',
      title: 'Aftermath: incidents (Atom)',
    });
    expect(links.map((l) => l.href)).toEqual([
      '/pm/feeds/incidents.atom',
      '/pm/feeds/incidents.xml',
      '/pm/feeds/incidents.json',
      '/pm/feeds/updates.atom',
      '/pm/feeds/updates.xml',
      '/pm/feeds/updates.json',
      '/pm/feeds/follow-ups.atom',
      '/pm/feeds/follow-ups.xml',
      '/pm/feeds/follow-ups.json',
    ]);
    expect(links.map((l) => l.type)).toEqual(
      Array(3).fill(['application/atom+xml', 'application/rss+xml', 'application/feed+json']).flat(),
    );
  });
});

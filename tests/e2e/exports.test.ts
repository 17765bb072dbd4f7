/**
 * Builds the fixture site in tests/fixtures/sites/basic once, into a folder of its own (so it
 * never races basic-site.test.ts, which builds the same site into its dist/), and checks the
 * exports as their consumers read them: the JSON against the published JSON Schema with ajv,
 * the Statuspage document's fields, and the feeds with Chromium's XML parser.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, launchChromium, projectRoot } from '../support/site.ts';

const siteRoot = join(projectRoot, 'tests/fixtures/sites/basic');
const SITE = 'https://postmortems.example.com/';
const SLUGS = ['2022-11-08-dns-expiry', '2024-06-02-queue-backlog'];
let dist: string;
let browser: Browser;

const read = (path: string) => readFileSync(join(dist, path), 'utf8');
const readJson = (path: string) => JSON.parse(read(path));

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'aftermath-exports-'));
  const result = await buildSite(siteRoot, dist);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

interface ParsedXml {
  error: string | null;
  root: string;
  namespace: string | null;
  /** Text of the first element matching each selector, or null. */
  texts: Record<string, string | null>;
  entries: {
    title: string | null;
    id: string | null;
    link: string | null;
    date: string | null;
    content: string | null;
  }[];
}

/** Parses a feed with Chromium's DOMParser (a real, strict XML parser) and reads what tests need. */
async function parseFeed(xml: string, kind: 'atom' | 'rss'): Promise<ParsedXml> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      ({ xml, kind }) => {
        const doc = new DOMParser().parseFromString(xml, 'application/xml');
        const error = doc.getElementsByTagName('parsererror')[0]?.textContent ?? null;
        const text = (el: Element | Document, name: string) => el.getElementsByTagName(name)[0]?.textContent ?? null;
        const root = doc.documentElement;
        const selectors =
          kind === 'atom' ? ['id', 'title', 'updated'] : ['title', 'link', 'description', 'lastBuildDate'];
        const scope = kind === 'atom' ? root : (root.getElementsByTagName('channel')[0] ?? root);
        // Only the feed's own children, not the first match inside an entry.
        const own = (name: string) => [...scope.children].find((c) => c.localName === name)?.textContent ?? null;
        const entries = [...root.getElementsByTagName(kind === 'atom' ? 'entry' : 'item')].map((e) => ({
          title: text(e, 'title'),
          id: text(e, kind === 'atom' ? 'id' : 'guid'),
          link: kind === 'atom' ? (e.getElementsByTagName('link')[0]?.getAttribute('href') ?? null) : text(e, 'link'),
          date: text(e, kind === 'atom' ? 'updated' : 'pubDate'),
          content:
            kind === 'atom'
              ? text(e, 'content')
              : (e.getElementsByTagNameNS('http://purl.org/rss/1.0/modules/content/', 'encoded')[0]?.textContent ??
                null),
        }));
        return {
          error,
          root: root.localName,
          namespace: root.namespaceURI,
          texts: Object.fromEntries(selectors.map((s) => [s, own(s)])),
          entries,
        };
      },
      { xml, kind },
    );
  } finally {
    await page.close();
  }
}

describe('incident JSON', () => {
  it('publishes a draft 2020-12 JSON Schema at its own address', () => {
    const schema = readJson('schemas/incident-v2.json');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`${SITE}schemas/incident-v2.json`);
  });

  it('validates every /incidents/<slug>.json against the published schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addFormat('uri', (text: string) => URL.canParse(text));
    const validate = ajv.compile(readJson('schemas/incident-v2.json'));
    for (const slug of SLUGS) {
      const doc = readJson(`incidents/${slug}.json`);
      expect(validate(doc), `${slug}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(doc).toMatchObject({
        $schema: `${SITE}schemas/incident-v2.json`,
        schemaVersion: 2,
        slug,
        url: `${SITE}incidents/${slug}/`,
      });
    }
  });

  it("carries the fixture's content: instants as written, the merged timeline, history and metrics", () => {
    const doc = readJson('incidents/2024-06-02-queue-backlog.json');
    expect(doc.frontmatter.started).toEqual({ iso: '2024-06-02T09:15:00+02:00', precision: 'exact' });
    // 7 entries in timeline.yaml + 5 dated history events (#10 opened, #11 merged, #12 opened and merged, v42.1).
    expect(doc.timeline).toHaveLength(12);
    expect(doc.timeline[0]).toMatchObject({
      id: 'h-11-merged',
      source: 'code',
      kind: 'merged',
      title: 'PR #11 merged: Move the ack into the retry wrapper',
    });
    expect(doc.timeline.at(-1)).toMatchObject({
      kind: 'communication',
      at: { iso: '2024-06-03', precision: 'day' },
      confidence: 'secondary',
    });
    expect(doc.history.repository).toBe('example/consumer');
    expect(doc.history.items.map((i: { type: string }) => i.type)).toEqual(['issue', 'pull', 'pull', 'release']);
    const metric = (key: string) => doc.metrics.find((m: { key: string }) => m.key === key);
    expect(metric('time-to-detect')).toMatchObject({ value: 25 * 60_000, text: '25 min' });
    expect(metric('report-to-fix-release')).toMatchObject({ value: 65 * 60_000, text: '1 h 5 min' });

    const dns = readJson('incidents/2022-11-08-dns-expiry.json');
    expect(dns.frontmatter.detected).toBeNull();
    expect(dns.timeline).toEqual([]);
    expect(dns.metrics.find((m: { key: string }) => m.key === 'time-to-detect')).toMatchObject({
      value: null,
      text: 'unknown',
      from: { label: 'Started (frontmatter)' },
      to: null,
    });
  });

  it('gives timeline ids that are anchors on the incident page', () => {
    const doc = readJson('incidents/2024-06-02-queue-backlog.json');
    const html = read('incidents/2024-06-02-queue-backlog/index.html');
    for (const item of doc.timeline) expect(html, item.id).toContain(`id="${item.id}"`);
  });
});

describe('Statuspage API v2 document', () => {
  const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  it("has the page and every incident with Statuspage's fields and types", () => {
    const doc = readJson('api/v2/incidents.json');
    expect(doc.page).toEqual({
      id: 'aftermath',
      name: 'Aftermath',
      url: SITE,
      time_zone: 'Etc/UTC',
      updated_at: '2024-06-03T00:00:00.000Z',
    });
    expect(doc.incidents.map((i: { id: string }) => i.id)).toEqual([
      '2024-06-02-queue-backlog',
      '2022-11-08-dns-expiry',
    ]);
    for (const incident of doc.incidents) {
      for (const field of ['id', 'name', 'status', 'impact', 'shortlink', 'page_id'])
        expect(typeof incident[field], field).toBe('string');
      for (const field of ['created_at', 'updated_at', 'started_at']) expect(incident[field], field).toMatch(isoUtc);
      for (const field of ['monitoring_at', 'resolved_at'])
        expect(incident[field] === null || isoUtc.test(incident[field]), field).toBe(true);
      expect(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']).toContain(incident.status);
      expect(['none', 'minor', 'major', 'critical']).toContain(incident.impact);
      expect(Array.isArray(incident.incident_updates) && Array.isArray(incident.components)).toBe(true);
      for (const update of incident.incident_updates) {
        for (const field of ['id', 'status', 'body', 'incident_id']) expect(typeof update[field], field).toBe('string');
        for (const field of ['created_at', 'updated_at', 'display_at']) expect(update[field], field).toMatch(isoUtc);
        expect(update.incident_id).toBe(incident.id);
        expect(Array.isArray(update.affected_components)).toBe(true);
      }
    }
  });

  it("maps the fixture's updates newest first, with safe bodies and components", () => {
    const [queue, dns] = readJson('api/v2/incidents.json').incidents;
    expect(queue).toMatchObject({
      name: 'Checkout queue backlog after a consumer deploy',
      status: 'resolved',
      impact: 'major',
      created_at: '2024-06-02T07:15:00.000Z',
      monitoring_at: '2024-06-02T08:55:00.000Z',
      resolved_at: '2024-06-02T09:20:00.000Z',
      shortlink: `${SITE}incidents/2024-06-02-queue-backlog/`,
      components: [{ id: 'checkout', name: 'Checkout', status: 'degraded_performance' }],
    });
    expect(queue.incident_updates.map((u: { status: string }) => u.status)).toEqual([
      'resolved',
      'monitoring',
      'investigating',
    ]);
    const investigating = queue.incident_updates[2];
    expect(investigating.body).toBe(
      '<p>Investigating delayed order confirmations</p>\n<p>We are looking into <strong>delayed</strong> confirmations. window.__pwned = true</p>',
    );
    expect(investigating.affected_components).toEqual([
      { code: 'checkout', name: 'Checkout', old_status: 'operational', new_status: 'degraded_performance' },
    ]);
    expect(dns).toMatchObject({ impact: 'critical', incident_updates: [], resolved_at: '2022-11-09T00:10:00.000Z' });
  });
});

describe('feeds', () => {
  it('writes the incidents feed as well-formed Atom 1.0', async () => {
    const atom = await parseFeed(read('feeds/incidents.atom'), 'atom');
    expect(atom.error).toBeNull();
    expect(atom.root).toBe('feed');
    expect(atom.namespace).toBe('http://www.w3.org/2005/Atom');
    expect(atom.texts).toEqual({
      id: `${SITE}feeds/incidents.atom`,
      title: 'Aftermath: incidents',
      updated: '2024-06-02T07:15:00.000Z',
    });
    expect(atom.entries.map((e) => e.id)).toEqual([
      `${SITE}incidents/2024-06-02-queue-backlog/`,
      `${SITE}incidents/2022-11-08-dns-expiry/`,
    ]);
    expect(atom.entries[0]).toMatchObject({
      title: 'Checkout queue backlog after a consumer deploy',
      link: `${SITE}incidents/2024-06-02-queue-backlog/`,
      date: '2024-06-02T07:15:00.000Z',
    });
  });

  it('writes the updates feed as well-formed Atom 1.0 with sanitized content', async () => {
    const atom = await parseFeed(read('feeds/updates.atom'), 'atom');
    expect(atom.error).toBeNull();
    expect(atom.texts.updated).toBe('2024-06-02T09:20:00.000Z');
    expect(atom.entries.map((e) => e.title)).toEqual([
      'Checkout queue backlog after a consumer deploy: Resolved',
      'Checkout queue backlog after a consumer deploy: Rollback complete, queue draining',
      'Checkout queue backlog after a consumer deploy: Investigating delayed order confirmations',
    ]);
    const investigating = atom.entries[2]!;
    expect(investigating.link).toBe(
      `${SITE}incidents/2024-06-02-queue-backlog/#t-2024-06-02t09-52-00-02-00-investigating`,
    );
    expect(investigating.content).toContain('<strong>delayed</strong>');
    expect(investigating.content).not.toContain('<script');
  });

  it('writes both feeds as well-formed RSS 2.0', async () => {
    const incidents = await parseFeed(read('feeds/incidents.xml'), 'rss');
    expect(incidents.error).toBeNull();
    expect(incidents.root).toBe('rss');
    expect(incidents.texts).toEqual({
      title: 'Aftermath: incidents',
      link: SITE,
      description: 'Incident postmortems, newest first.',
      lastBuildDate: 'Sun, 02 Jun 2024 07:15:00 GMT',
    });
    expect(incidents.entries.map((e) => e.link)).toEqual([
      `${SITE}incidents/2024-06-02-queue-backlog/`,
      `${SITE}incidents/2022-11-08-dns-expiry/`,
    ]);
    expect(incidents.entries[1]!.date).toBe('Tue, 08 Nov 2022 23:30:00 GMT');

    const updates = await parseFeed(read('feeds/updates.xml'), 'rss');
    expect(updates.error).toBeNull();
    expect(updates.entries).toHaveLength(3);
    expect(updates.entries[2]!.content).toContain('<li>Checkout: operational → degraded performance</li>');
  });

  it('writes both feeds as JSON Feed 1.1', () => {
    for (const name of ['incidents', 'updates']) {
      const feed = readJson(`feeds/${name}.json`);
      expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
      expect(typeof feed.title).toBe('string');
      expect(feed.feed_url).toBe(`${SITE}feeds/${name}.json`);
      for (const item of feed.items) {
        expect(typeof item.id).toBe('string');
        expect(typeof (item.content_html ?? item.content_text)).toBe('string');
      }
    }
    const incidents = readJson('feeds/incidents.json');
    expect(incidents.items.map((i: { id: string }) => i.id)).toEqual([
      `${SITE}incidents/2024-06-02-queue-backlog/`,
      `${SITE}incidents/2022-11-08-dns-expiry/`,
    ]);
    expect(incidents.items[0].tags).toEqual(['SEV2', 'queues', 'deploys']);
    expect(readJson('feeds/updates.json').items).toHaveLength(3);
  });

  it("is announced in every page's head, and every announced feed exists", () => {
    const html = read('index.html');
    const links = [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)"/g)].map(
      ([, type, href]) => `${type} ${href}`,
    );
    expect(links).toEqual([
      'application/atom+xml /feeds/incidents.atom',
      'application/rss+xml /feeds/incidents.xml',
      'application/feed+json /feeds/incidents.json',
      'application/atom+xml /feeds/updates.atom',
      'application/rss+xml /feeds/updates.xml',
      'application/feed+json /feeds/updates.json',
      'application/atom+xml /feeds/follow-ups.atom',
      'application/rss+xml /feeds/follow-ups.xml',
      'application/feed+json /feeds/follow-ups.json',
    ]);
    for (const link of links) expect(existsSync(join(dist, link.split(' ')[1]!)), link).toBe(true);
  });
});

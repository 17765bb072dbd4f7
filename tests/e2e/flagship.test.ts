/** The bundled site as a new user gets it: the flagship incident builds and reads correctly. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvValidator } from '../support/osv.ts';
import { en } from '../../src/i18n/locales/en.ts';
import { fromHtml } from 'hast-util-from-html';
import { buildSite, launchChromium, projectRoot, serveStatic, type StaticServer } from '../support/site.ts';

const outDir = mkdtempSync(join(tmpdir(), 'aftermath-flagship-'));
let server: StaticServer;
let browser: Browser;
const slug = '2023-03-20-chatgpt-redis-py';

beforeAll(async () => {
  const result = await buildSite(projectRoot, outDir);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  server = await serveStatic(outDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(outDir, { recursive: true, force: true });
});

it('lists the flagship incident on the index', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/');
  const card = page.locator('.card', { hasText: 'ChatGPT' });
  await expect(card.locator('a').getAttribute('href')).resolves.toBe(`/incidents/${slug}/`);
  await expect(card.locator('time').textContent()).resolves.toBe('2023-03-20');
  await expect(card.textContent()).resolves.toContain('SEV1 · critical');
  await page.close();
});

it("keeps the newest incident on a phone's first screen: long facets fold away, still plain links", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(server.url + '/');
  const folded = page.locator('.facets details.facet-folded');
  await expect(folded.count()).resolves.toBeGreaterThan(0);
  for (const details of await folded.all()) {
    await expect(details.getAttribute('open')).resolves.toBeNull();
    await expect(details.locator('a[href]').count()).resolves.toBeGreaterThan(6);
  }
  const firstCard = await page.locator('.card').first().boundingBox();
  expect(firstCard!.y).toBeLessThan(844);
  await page.close();
});

it('renders the header, a build-time Mermaid SVG, Shiki code and sources', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/incidents/${slug}/`);
  await expect(page.locator('article h1').textContent()).resolves.toContain('ChatGPT');
  await expect(page.locator('time[datetime="2023-03-20T01:00:00-07:00"]').first().textContent()).resolves.toBe(
    '2023-03-20 01:00 PDT2023-03-20 08:00 UTC',
  );
  await expect(page.locator('.summary-how-long dd').textContent()).resolves.toBe('9 h (impact window)');
  await expect(page.locator('figure.mdx-diagram svg[aria-roledescription="sequence"]').count()).resolves.toBe(1);
  await expect(page.locator('figure.mdx-diagram svg[aria-roledescription^="state"]').count()).resolves.toBe(1);
  await expect(page.locator('pre.astro-code[data-language="diff"]').count()).resolves.toBeGreaterThanOrEqual(3);
  await expect(
    page.locator('a[href="https://openai.com/blog/march-20-chatgpt-outage"]').count(),
  ).resolves.toBeGreaterThan(0);
  await page.close();
});

it('cites every number from facts.yaml and fits a phone screen', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${server.url}/incidents/${slug}/`);
  const share = page.locator('.fact', { hasText: '1.2%' }).first();
  await expect(share.count()).resolves.toBe(1);
  const citation = await page.locator('.cite a').first().getAttribute('href');
  expect(citation).toMatch(/^#fact-/);
  await expect(page.locator(`tr${citation}`).count()).resolves.toBe(1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.close();
});

it('merges the postmortem, the status page and redis-py history on one timeline', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/incidents/${slug}/`);
  const lanes = new Set(await page.locator('.tl-item .lane').allTextContents());
  expect([...lanes].sort()).toEqual(['Advisory', 'Code', 'Incident', 'Release', 'Status page']);
  await expect(
    page.locator('.tl-item.conf-secondary.src-status-page .tl-title').first().textContent(),
  ).resolves.toContain('Last status-page update');
  await expect(
    page.locator('.metrics .metric', { hasText: 'Impact window' }).locator('dd').textContent(),
  ).resolves.toContain('9 h');
  await expect(
    page.locator('.metrics .metric', { hasText: 'Report to fix release' }).locator('dd').textContent(),
  ).resolves.toBe('43 dIssue #2579 opened → Release v4.5.3');
  await expect(page.locator('svg#fix-graph').count()).resolves.toBe(1);
  await page.close();
});

it('shows the bound on going offline, and labels secondary and inferred facts where they are cited', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/incidents/${slug}/`);
  const mitigated = page.locator('dt:text-is("Mitigated") + dd');
  await expect(mitigated.locator('.moment-bound').textContent()).resolves.toMatch(
    /^not before 2023-03-20 10:00 PDT\[\d+\]$/,
  );
  await expect(mitigated.locator('.moment-bound a').getAttribute('href')).resolves.toBe('#fact-offline-not-before');
  await expect(page.locator('.prose .fact-secondary + .confidence').first().textContent()).resolves.toBe(
    'secondary source',
  );
  await expect(page.locator('.prose .fact-estimated + .confidence').first().textContent()).resolves.toBe('inference');
  await expect(page.locator('tr#fact-nine-hour-window-span .confidence').textContent()).resolves.toBe('inference');
  const window = page.locator('.tl-item.conf-estimated', { hasText: 'nine-hour window' });
  await expect(window.locator('.confidence').first().textContent()).resolves.toBe('inference');
  await page.close();
});

it('embeds its repros with their recorded results: real releases, their provenance, no pinned cell skipped', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/incidents/${slug}/`);
  const repros = ['cancel-race', 'cancel-race-proxy', 'cancel-race-cluster', 'fix-reconnect', 'resp-desync'];
  for (const id of repros) {
    await expect(page.locator(`.prose #repro-${id}`).count(), id).resolves.toBe(1);
    await expect(
      page.locator(`#repro-${id} .repro-stale, #repro-${id} .repro-not-run`).count(),
      `${id} is fresh`,
    ).resolves.toBe(0);
    await expect(
      page.locator(`#repro-${id} .verdict-skipped, #repro-${id} .verdict-error`).count(),
      `${id}: nothing skipped or failed`,
    ).resolves.toBe(0);
  }
  const row = (id: string, version: string) =>
    page.locator(`#repro-${id} .repro-matrix tbody tr:has(th:text-is("${version}"))`);
  const verdicts = async (id: string, version: string) =>
    (await row(id, version).locator('.verdict').allTextContents()).map((t) => t.replace(/\u00a0/g, ' '));
  // The measured truth of the plain GET through the proxy, recorded by this project's runner.
  for (const v of ['4.4.0', '4.5.1', '4.5.3'])
    await expect(verdicts('cancel-race-proxy', v), v).resolves.toEqual(['✗ reproduced']);
  for (const v of ['4.3.4', '4.4.4', '4.5.4', '4.5.5'])
    await expect(verdicts('cancel-race-proxy', v), v).resolves.toEqual(['✓ not reproduced']);
  // OpenAI's configuration: one measured row per version.
  for (const v of ['4.4.0', '4.5.1'])
    await expect(verdicts('cancel-race-cluster', v), v).resolves.toEqual(['✗ reproduced']);
  for (const v of ['4.3.4', '4.4.4', '4.5.3', '4.5.4', '4.5.5', 'latest (4.5.5)'])
    await expect(verdicts('cancel-race-cluster', v), v).resolves.toEqual(['✓ not reproduced']);
  // The sweep: a rate in every cell, four delays across, the fixed versions never leaking.
  for (const v of ['4.3.4', '4.4.0', '4.5.1', '4.5.5']) {
    const cells = await verdicts('cancel-race', v);
    expect(cells, v).toHaveLength(4);
    for (const cell of cells) expect(cell, v).toMatch(/^(✗ reproduced|✓ not reproduced) ?\d+\/10/);
    if (v === '4.3.4' || v === '4.5.5') for (const cell of cells) expect(cell, v).toMatch(/^✓ not reproduced ?0\/10/);
  }
  await expect(verdicts('cancel-race', '4.5.1').then((c) => c[3])).resolves.toMatch(/^✗ reproduced/);
  // Every pinned version names the wheel it ran and that file's sha256, on the repro's own page.
  const details = await browser.newPage();
  await details.goto(`${server.url}/incidents/${slug}/repros/cancel-race-proxy/`);
  const provenance = await details.locator('.repro-provenance').textContent();
  for (const v of ['4.3.4', '4.4.0', '4.4.4', '4.5.1', '4.5.3', '4.5.4', '4.5.5'])
    expect(provenance).toMatch(
      new RegExp(
        `redis ${v.replace(/\./g, '\\.')} from redis-${v.replace(/\./g, '\\.')}-\\S+\\.whl, sha256 [0-9a-f]{64}`,
      ),
    );
  await details.close();
  // The prose states results only through <Verdict>, which reads the same record.
  await expect(
    page.locator('.prose a.verdict-inline[href="#repro-cancel-race-proxy"]').count(),
  ).resolves.toBeGreaterThanOrEqual(7);
  await expect(page.locator('.prose a.verdict-inline[data-state="verdict"]').count()).resolves.toBe(
    await page.locator('.prose a.verdict-inline').count(),
  );
  const naive = page.locator('#repro-resp-desync .repro-matrix tbody td.repro-cell').first();
  await expect(naive.locator('.verdict').textContent()).resolves.toBe('✗\u00a0reproduced');
  await page.close();
});

it('computes the affected ranges of the proxied GET from a run over every release, beside CVE-2023-28859', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/incidents/${slug}/`);
  const ranges = page.locator('#repro-cancel-race-proxy .affected-ranges');
  // Every final release from 4.2.0 to 4.5.5 ran: 21 rows, each a real verdict.
  await expect(page.locator('#repro-cancel-race-proxy .repro-matrix tbody tr').count()).resolves.toBe(21);
  await expect(ranges.locator('p.muted').first().innerText()).resolves.toMatch(
    /^Every release of redis that pip index versions redis listed in >=4\.2\.0,<=4\.5\.5 on \d{4}-\d{2}-\d{2} ran here \(21\): none was skipped or inferred by bisection\.$/,
  );
  await expect(ranges.locator('dt:text-is("Measured here") + dd li').allTextContents()).resolves.toEqual([
    '4.4.0 to 4.4.3 (fixed in 4.4.4)',
    '4.5.0 to 4.5.3 (fixed in 4.5.4)',
  ]);
  await expect(ranges.locator('dt:has-text("Stated by") + dd li').allTextContents()).resolves.toEqual([
    '>=4.2.0, <4.4.4',
    '>=4.5.0, <4.5.4',
  ]);
  // Exactly where the measurements say: the advisory's 4.2.x-4.3.x never leaked here.
  await expect(ranges.locator('.ranges-disagree li').allTextContents()).resolves.toEqual([
    '4.2.0 to 4.3.6 (10 releases): CVE-2023-28859 states affected; every one ran without reproducing',
  ]);

  // The same ranges as an OSV document, valid against the official OSV schema.
  const href = await ranges.locator('.ranges-export a').getAttribute('href');
  expect(href).toBe(`/osv/${slug}.json`);
  const doc = await (await fetch(`${server.url}${href}`)).json();
  const validate = osvValidator();
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  expect(doc.related).toEqual(['CVE-2023-28859']);
  expect(doc.affected[0].package).toEqual({ ecosystem: 'PyPI', name: 'redis' });
  expect(doc.affected[0].ranges[0].events).toEqual([
    { introduced: '4.4.0' },
    { fixed: '4.4.4' },
    { introduced: '4.5.0' },
    { fixed: '4.5.4' },
  ]);
  await page.close();
});

it('publishes a badge and a status per repro at stable addresses; the badge renders in Chromium', async () => {
  const status = (await (await fetch(`${server.url}/badges/${slug}/cancel-race-proxy.json`)).json()) as {
    subject: string;
    state: string;
    message: string;
  };
  expect(status).toMatchObject({ subject: 'redis 4.5.5', state: 'fixed' });
  expect(status.message).toMatch(/^fixed · verified \d{4}-\d{2}-\d{2}$/);
  const page = await browser.newPage();
  await page.setContent(`<img alt="" src="${server.url}/badges/${slug}/cancel-race-proxy.svg">`);
  const size = await page
    .locator('img')
    .evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
  expect(size[1]).toBe(20);
  expect(size[0]).toBeGreaterThan(150);
  const svg = await (await fetch(`${server.url}/badges/${slug}/cancel-race-proxy.svg`)).text();
  expect(svg).toContain(`aria-label="redis 4.5.5: ${status.message}"`);
  // A matrix that ends in latest names the release latest was when it ran.
  const cluster = await (await fetch(`${server.url}/badges/${slug}/cancel-race-cluster.json`)).json();
  expect(cluster).toMatchObject({ subject: 'redis 4.5.5 (latest)', state: 'fixed' });
  await page.close();
});

describe('the Chinese edition (/zh-cn/)', () => {
  const zh = `/zh-cn/incidents/${slug}/`;
  const html = (path: string) => readFileSync(join(outDir, path, 'index.html'), 'utf8');

  it('has its own index, flagship page and follow-ups, in Chinese, at addresses beside the English ones', async () => {
    for (const path of ['zh-cn', `zh-cn/incidents/${slug}`, 'zh-cn/follow-ups']) {
      expect(html(path), path).toContain('<html lang="zh-CN"');
    }
    expect(html(`incidents/${slug}`)).toContain('<html lang="en"');
    const page = await browser.newPage();
    await page.goto(server.url + zh);
    await expect(page.locator('article h1').textContent()).resolves.toMatch(/^ChatGPT，2023 年 3 月 20 日：/);
    await expect(page.locator('#toc-title').textContent()).resolves.toBe('本页内容');
    await expect(page.locator('.summary-how-long dd').textContent()).resolves.toBe('9 小时（影响时段）');
    // The day separators and the notice's date go through Intl in Chinese.
    await expect(page.locator('.tl-day h3').first().textContent()).resolves.toBe('2022年4月13日星期三');
    // Data is the source's: the same moments, the same citations, the same recorded verdicts.
    const english = await browser.newPage();
    await english.goto(`${server.url}/incidents/${slug}/`);
    for (const selector of [
      'time[datetime]',
      '.tl-item',
      'sup.cite',
      'a.verdict-inline',
      '.repro-cell',
      'tr[id^="fact-"]',
    ]) {
      const count = (p: typeof page) => p.locator(selector).count();
      await expect(count(page), selector).resolves.toBe(await count(english));
    }
    const datetimes = (p: typeof page) =>
      p.locator('time[datetime]').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')).sort());
    expect(await datetimes(page)).toEqual(await datetimes(english));
    const verdicts = (p: typeof page) =>
      p.locator('a.verdict-inline').evaluateAll((els) => els.map((e) => `${e.getAttribute('href')} ${e.className}`));
    expect(await verdicts(page)).toEqual(await verdicts(english));
    await english.close();
    await page.close();
  });

  it('says none of Aftermath’s own English on the Chinese pages: every word of the chrome is the catalogue’s', () => {
    // Each English catalogue text cut at its placeholders; a piece of two words or more that
    // appears on a Chinese page is chrome someone forgot to translate (single words such as
    // "open" or "verified" are also data, and are left out).
    const pieces = Object.values(en)
      .flatMap((text) => text.replace(/<[^>]+>/g, '').split(/\{\w+\}/))
      .map((piece) => piece.trim().replace(/^[(:;,.·–\s]+|[(:;,.·\s]+$/g, ''))
      .filter((piece) => piece.split(/\s+/).length >= 2 && piece.length >= 8);
    // The text a reader sees, less what is marked as English (an untranslated incident's words).
    const chinese = (path: string) => {
      const parts: string[] = [];
      type Node = ReturnType<typeof fromHtml>['children'][number];
      const walk = (node: Node) => {
        if (node.type === 'text') parts.push(node.value);
        if (node.type !== 'element') return;
        if (['script', 'style', 'svg', 'code', 'pre'].includes(node.tagName) || node.properties.lang === 'en') return;
        for (const child of node.children) walk(child as Node);
      };
      for (const child of fromHtml(html(path)).children) walk(child);
      return parts.join(' ').replace(/\s+/g, ' ');
    };
    for (const path of ['zh-cn', `zh-cn/incidents/${slug}`, 'zh-cn/search']) {
      const text = chinese(path);
      expect(
        pieces.filter((piece) => text.includes(piece)),
        path,
      ).toEqual([]);
    }
  });

  it('links each edition to the other, for readers and for search engines, on the same incident', async () => {
    const alternates = (path: string) =>
      [...html(path).matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    const expected = [
      ['en', `http://localhost:4321/incidents/${slug}/`],
      ['zh-CN', `http://localhost:4321/zh-cn/incidents/${slug}/`],
      ['x-default', `http://localhost:4321/incidents/${slug}/`],
    ];
    expect(alternates(`incidents/${slug}`)).toEqual(expected);
    expect(alternates(`zh-cn/incidents/${slug}`)).toEqual(expected);
    const page = await browser.newPage();
    await page.goto(`${server.url}/incidents/${slug}/#timeline`);
    await page.locator('.locale-switch a[hreflang="zh-CN"]').click();
    await page.waitForURL(`**${zh}`);
    await expect(page.locator('.locale-switch [aria-current="page"]').textContent()).resolves.toBe('简体中文');
    await page.close();
    const sitemap = readFileSync(join(outDir, 'sitemap-0.xml'), 'utf8');
    expect(sitemap).toContain(`<loc>http://localhost:4321/zh-cn/incidents/${slug}/</loc>`);
    expect(sitemap).toContain(
      `<xhtml:link rel="alternate" hreflang="zh-CN" href="http://localhost:4321/zh-cn/incidents/${slug}/"/>`,
    );
  });

  it('marks the untranslated incidents on the Chinese index, and shows them with Chinese chrome and a notice', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/zh-cn/`);
    const cloudflare = page.locator('.card', { hasText: 'Cloudflare' });
    await expect(cloudflare.locator('.badge', { hasText: '仅英语' }).count()).resolves.toBe(1);
    await expect(cloudflare.locator('h2').getAttribute('lang')).resolves.toBe('en');
    const flagshipCard = page.locator('.card', { hasText: 'ChatGPT' });
    await expect(flagshipCard.locator('a').getAttribute('href')).resolves.toBe(zh);
    await expect(flagshipCard.locator('.badge', { hasText: '仅英语' }).count()).resolves.toBe(0);
    await page.goto(`${server.url}/zh-cn/incidents/2019-07-02-cloudflare-waf-regex/`);
    await expect(page.locator('[data-edition-notice="untranslated"]').textContent()).resolves.toContain(
      '此事件尚未翻译',
    );
    await expect(page.locator('[data-incident-body]').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('#toc-title').textContent()).resolves.toBe('本页内容');
    // The flagship is current: no notice at all.
    await page.goto(server.url + zh);
    await expect(page.locator('[data-edition-notice]').count()).resolves.toBe(0);
    await page.close();
  });

  it('finds the flagship by a two-character Chinese query', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/zh-cn/search/?q=${encodeURIComponent('取消')}`);
    await page.waitForFunction(() => /事件提到/.test(document.querySelector('.search-status')?.textContent ?? ''));
    const hrefs = await page.locator('.search-results a').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(hrefs).toContain(zh);
    await page.close();
  });

  it('publishes feeds in Chinese that link to the Chinese pages', () => {
    const feed = JSON.parse(readFileSync(join(outDir, 'zh-cn/feeds/incidents.json'), 'utf8'));
    expect(feed).toMatchObject({ language: 'zh-CN', title: 'Aftermath：事件' });
    expect(feed.items.map((i: { url: string }) => i.url)).toContain(`http://localhost:4321${zh}`);
  });

  it('prints a Chinese PDF: its headings and its diagrams’ labels are Chinese text', async () => {
    const bytes = readFileSync(join(outDir, `zh-cn/incidents/${slug}.pdf`));
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
    // Noto CJK gives some ideographs the glyph of a Kangxi radical, and the PDF's text layer then
    // names the radical (⽉ for 月): NFKC folds those back. (A few, such as 页, are CJK radicals
    // that NFKC keeps: a reader's search in the PDF misses them; left as Chromium prints it.)
    const words = text.normalize('NFKC').replace(/\s+/g, '');
    for (const heading of ['事件经过', '根因', '修复历程', '事实及其来源']) expect(words, heading).toContain(heading);
    // Labels of the two Mermaid diagrams: a participant and a state.
    for (const label of ['共享连接', '已污染']) expect(words, label).toContain(label);
    expect(html(`zh-cn/incidents/${slug}`)).toContain(`href="/zh-cn/incidents/${slug}.pdf"`);
    // The social card is drawn in Chinese too.
    expect(html(`zh-cn/incidents/${slug}`)).toContain(`/og/zh-cn/${slug}.png`);
  });
});

/**
 * Reading a long postmortem, on a site holding the flagship incident alone, built with
 * the real Astro CLI and read in Chromium: the table of contents marks where you are and works
 * without JavaScript; every diagram's text is readable at a laptop's and a phone's width; the
 * summary card answers the first questions; the Markdown export and the PDF carry the whole story.
 */
import { english } from '../../src/i18n/catalogue.ts';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Root, RootContent, Table, TableCell } from 'mdast';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { extractText, getDocumentProxy } from 'unpdf';
import { unified } from 'unified';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { incidentAsOf } from '../../src/domain/incidents.ts';
import { checkDiagramReadability, drawnLabel, pageDiagrams } from '../../src/integration/diagram-readability.ts';
import { createChromiumPool } from '../../src/render/chromium-pool.ts';
import { MIN_LABEL_PX, smallestLabels } from '../../src/render/label-size.ts';
import {
  buildSite,
  launchChromium,
  projectRoot,
  serveStatic,
  writeSiteConfig,
  type StaticServer,
} from '../support/site.ts';
import { builtSite } from '../../src/integration/dist-browser.ts';

const slug = '2023-03-20-chatgpt-redis-py';
const flagship = () => readArchive(siteRoot).incidents.find((i) => i.slug === slug)!;
const siteRoot = mkdtempSync(join(projectRoot, 'tests/fixtures/sites/.tmp-reading-'));
const outDir = mkdtempSync(join(tmpdir(), 'aftermath-reading-'));
let server: StaticServer;
let browser: Browser;
let buildLog = '';

beforeAll(async () => {
  mkdirSync(join(siteRoot, 'content/incidents'), { recursive: true });
  cpSync(join(projectRoot, 'content/incidents', slug), join(siteRoot, 'content/incidents', slug), { recursive: true });
  writeSiteConfig(siteRoot, "site: 'https://postmortems.example.com', trailingSlash: 'always'");
  const result = await buildSite(siteRoot, outDir);
  buildLog = result.stdout + result.stderr;
  expect(result.code, buildLog).toBe(0);
  server = await serveStatic(outDir);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(siteRoot, { recursive: true, force: true });
});

async function open(width: number, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width > 600 ? 900 : 844 }, ...options });
  const page = await context.newPage();
  await page.goto(`${server.url}/incidents/${slug}/`);
  return page;
}

const marked = (page: Page) => page.locator('.toc a[aria-current="location"]').getAttribute('href');

describe('where am I', () => {
  it('keeps the list beside the text on a wide screen and marks the section scrolled to', async () => {
    const page = await open(1280);
    const list = page.locator('.toc ol');
    await expect(list.isVisible()).resolves.toBe(true);
    await expect(marked(page)).resolves.toBe('#what-happened');
    for (const id of ['timeline', 'sources', 'who-was-affected-and-how']) {
      await page.locator(`#${id}`).evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
      await expect.poll(() => marked(page), { timeout: 2000 }).toBe(`#${id}`);
      // Sticky: the list is still on screen, beside the text, however far down the page is.
      const link = (await page.locator('.toc a[aria-current]').boundingBox())!;
      expect(link.y).toBeGreaterThanOrEqual(0);
      expect(link.y + link.height).toBeLessThanOrEqual(900);
      expect(link.x).toBeGreaterThan((await page.locator('.prose[data-incident-body]').boundingBox())!.x + 600);
    }
    await page.context().close();
  });

  it('is a compact control at the top of a phone screen that opens the list', async () => {
    const page = await open(390);
    await expect(page.locator('.toc summary').isVisible()).resolves.toBe(true);
    await expect(page.locator('.toc ol').isVisible()).resolves.toBe(false);
    const summary = (await page.locator('.toc summary').boundingBox())!;
    expect(summary.y).toBeLessThan((await page.locator('.prose[data-incident-body]').boundingBox())!.y);
    await page.locator('.toc summary').click();
    await page.locator('.toc a[href="#repros"]').click();
    await expect(page.evaluate(() => location.hash)).resolves.toBe('#repros');
    await expect.poll(() => marked(page), { timeout: 2000 }).toBe('#repros');
    await page.context().close();
  });

  for (const width of [1280, 390]) {
    it(`works without JavaScript at ${width} px: the list is there and every link reaches its heading`, async () => {
      const page = await open(width, { javaScriptEnabled: false });
      if (width < 600) await page.locator('.toc summary').click();
      const links = page.locator('.toc a');
      const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      expect(hrefs.length).toBeGreaterThan(10);
      for (const href of hrefs) await expect(page.locator(href).count(), href).resolves.toBe(1);
      await page.locator('.toc a[href="#fix-history"]').click();
      await expect(page.evaluate(() => location.hash)).resolves.toBe('#fix-history');
      const top = await page.locator('#fix-history').evaluate((h) => h.getBoundingClientRect().top);
      expect(Math.abs(top)).toBeLessThan(40);
      await expect(page.locator('.toc a[aria-current]').count()).resolves.toBe(0);
      await page.context().close();
    });
  }
});

describe('every diagram readable', () => {
  for (const width of [1280, 390]) {
    it(`draws no diagram label under ${MIN_LABEL_PX} px at ${width} px, and nothing overflows the page`, async () => {
      const page = await open(width);
      const measured = await page.evaluate(smallestLabels, 'figure.diagram svg[id]');
      expect(measured.map((m) => m.id).sort()).toEqual([
        'chart-cancel-race',
        'fix-graph',
        'mermaid-0',
        'mermaid-1',
        'trace-cancel-race-cluster',
        'trace-cancel-race-proxy',
        'trace-fix-reconnect',
        'trace-resp-desync',
      ]);
      for (const m of measured) expect(m.px, `${m.id} at ${width} px`).toBeGreaterThanOrEqual(MIN_LABEL_PX);
      // The build computes these sizes from each SVG and its figure's column instead of loading
      // every page: the computation must give what Chromium measures, diagram by diagram.
      const columns = await page.evaluate(() =>
        [...document.querySelectorAll('figure.diagram')].map((figure) => {
          const svg = figure.querySelector('svg')!;
          const box = getComputedStyle(figure);
          const style = getComputedStyle(svg);
          return {
            id: svg.id,
            width: figure.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight),
            padding: parseFloat(style.paddingLeft) + parseFloat(style.paddingRight),
          };
        }),
      );
      const html = readFileSync(join(outDir, 'incidents', slug, 'index.html'), 'utf8');
      const computed = pageDiagrams(html).map((d) => ({
        id: d.id,
        ...drawnLabel(
          d,
          columns.find((c) => c.id === d.id)!,
        ),
      }));
      expect(computed.map((c) => c.id).sort()).toEqual(measured.map((m) => m.id).sort());
      for (const c of computed) {
        const m = measured.find((x) => x.id === c.id)!;
        expect(Math.abs(c.px - m.px), `${c.id} at ${width} px: computed ${c.px}, measured ${m.px}`).toBeLessThan(0.05);
        expect(Math.abs(c.width - m.width), `${c.id} at ${width} px`).toBeLessThanOrEqual(1);
      }
      // Wide diagrams leave the text column (at most the content column), and scroll inside their box.
      if (width === 1280) {
        const prose = await page
          .locator('.prose[data-incident-body] > p')
          .first()
          .evaluate((p) => p.getBoundingClientRect().width);
        const figure = await page
          .locator('figure.mdx-diagram')
          .first()
          .evaluate((f) => f.getBoundingClientRect().width);
        expect(figure).toBeGreaterThan(prose + 100);
      }
      await expect(page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).resolves.toBeLessThanOrEqual(
        0,
      );
      await page.context().close();
    });
  }

  it('links each Mermaid diagram to its own SVG file, which opens at full size without JavaScript', async () => {
    const page = await open(1280, { javaScriptEnabled: false });
    // A repro's chart is drawn at its readable width already, with its numbers in a table beside it.
    const figures = page.locator('figure.diagram:not(:has(svg[id^="chart-"]))');
    const count = await figures.count();
    expect(count).toBe(7);
    for (let i = 0; i < count; i++) {
      const href = await figures.nth(i).locator('a.diagram-open').getAttribute('href');
      expect(href).toMatch(/^\/diagrams\/[0-9a-f]{20}\.svg$/);
      const response = await page.request.get(new URL(href!, page.url()).href);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toContain('image/svg+xml');
    }
    await figures.nth(1).locator('a.diagram-open').click();
    await page.waitForURL(/\/diagrams\/.*\.svg$/);
    const [alone] = await page.evaluate(smallestLabels, 'svg');
    expect(alone!.px).toBeGreaterThanOrEqual(MIN_LABEL_PX);
    await page.context().close();
  });

  it('has the build check every diagram, and report one drawn too small with its file and line', async () => {
    expect(buildLog).toMatch(
      /diagram text: 8 diagram\(s\), every label at least 11 px at 1280 and 390 px \(\d+ column width\(s\) measured, \d+ from cache\)/,
    );
    // The same page, with a stylesheet that squeezes every diagram into 200 px.
    const squeezed = mkdtempSync(join(tmpdir(), 'aftermath-squeezed-'));
    try {
      cpSync(outDir, squeezed, { recursive: true });
      const file = join(squeezed, 'incidents', slug, 'index.html');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          '</head>',
          '<style>figure.diagram svg { min-width: 0 !important; max-width: 200px !important }</style></head>',
        ),
      );
      const incident = readArchive(siteRoot).incidents.find((i) => i.slug === slug)!;
      const pool = createChromiumPool({ size: 1 });
      const { problems, measuredPages } = await checkDiagramReadability(
        pool,
        [{ incident, page: `incidents/${slug}`, t: english }],
        builtSite(squeezed, '/'),
      ).finally(() => pool.close());
      // The squeezing stylesheet sizes the diagrams otherwise than the model: the page is measured.
      expect(measuredPages).toBe(1);
      const stateDiagram = problems.find((p) => p.message.startsWith('diagram "mermaid-1"'));
      expect(stateDiagram?.file).toBe(`content/incidents/${slug}/index.mdx`);
      expect(stateDiagram?.line).toBeGreaterThan(200);
      expect(stateDiagram?.message).toMatch(/smallest label at \d+\.\d px on a 1280 px wide page/);
      expect(problems.find((p) => p.message.startsWith('diagram "fix-graph"'))?.file).toBe(
        `content/incidents/${slug}/history.yaml`,
      );
    } finally {
      rmSync(squeezed, { recursive: true, force: true });
    }
  });
});

describe('the first screen', () => {
  it('answers the first questions in a card under the title, "unknown" where the data is silent', async () => {
    const page = await open(1280);
    const card = page.locator('.incident-header .summary-card');
    const item = (key: string) => card.locator(`.summary-${key} dd`).innerText();
    await expect(item('trigger')).resolves.toContain('A server change makes Redis request cancellations spike');
    await expect(item('how-long')).resolves.toBe('9 h (impact window)');
    await expect(item('ending')).resolves.toContain('ChatGPT is taken offline');
    await expect(item('root-cause')).resolves.toMatch(/^redis-py's asyncio client left a cancelled request's reply/);
    await expect(item('detection')).resolves.toBe('unknown');
    const box = (await card.boundingBox())!;
    expect(box.y).toBeGreaterThan((await page.locator('h1').boundingBox())!.y);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    await page.context().close();
    const phone = await open(390);
    await expect(phone.locator('.summary-card').evaluate((c) => c.getBoundingClientRect().top)).resolves.toBeLessThan(
      844,
    );
    await phone.context().close();
  });
});

describe('take it with you', () => {
  it('exports the incident as Markdown that parses back to its title, severity, times and every timeline entry', async () => {
    const markdown = readFileSync(join(outDir, 'incidents', `${slug}.md`), 'utf8');
    const tree = unified().use(remarkParse).use(remarkGfm).parse(markdown) as Root;
    const text = (node: RootContent | TableCell): string =>
      'value' in node
        ? String(node.value)
        : 'children' in node
          ? (node.children as RootContent[]).map(text).join('')
          : '';
    const headingAfter = (title: string) => tree.children.findIndex((n) => n.type === 'heading' && text(n) === title);
    const tableAfter = (title: string) =>
      tree.children.slice(headingAfter(title)).find((n): n is Table => n.type === 'table')!;
    const rows = (t: Table) => t.children.slice(1).map((row) => row.children.map(text));

    const h1 = tree.children.find((n) => n.type === 'heading' && n.depth === 1);
    expect(text(h1!)).toBe("ChatGPT, 20 March 2023: cancelled Redis requests served one user's data to another");
    const facts = Object.fromEntries(rows(tableAfter('Key facts')).map(([k, v]) => [k, v]));
    expect(facts.Severity).toBe('SEV1 · critical');
    expect(facts.Started).toBe('2023-03-20 01:00 PDT (2023-03-20 08:00 UTC)');
    expect(facts.Mitigated).toBe('unknown');
    expect(facts.Duration).toBe('9 h (impact window)');

    // Every entry of the page's timeline, in order, with its time.
    const page = await open(1280);
    const shown = await page.locator('.tl-item .tl-title').allTextContents();
    await page.context().close();
    const timeline = rows(tableAfter('Timeline'));
    // (A title's `code` is Markdown code in the export, whose text has no backticks.)
    expect(timeline.map((r) => r[4])).toEqual(shown.map((t) => t.trim().replace(/`/g, '')));
    expect(timeline.find((r) => r[3] === 'trigger')?.slice(0, 2)).toEqual([
      '2023-03-20 01:00 PDT',
      '2023-03-20 08:00 UTC',
    ]);

    // The story, its components resolved to words: no MDX left, facts numbered as in the facts table.
    const story = markdown.slice(markdown.indexOf('## Story'), markdown.indexOf('## Timeline'));
    expect(story).toContain('### Root cause');
    expect(story).not.toMatch(/<(Fact|Ref|Verdict|Repro)\b/);
    expect(story).toContain('At 01:00 Pacific time [1]');
    expect(story).toContain('```mermaid');
    expect(rows(tableAfter('Facts and their sources'))[0]![0]).toBe('1');
    expect(rows(tableAfter('Reproductions')).length).toBe(5);
    // The computed ranges travel with it, beside the advisory's.
    expect(markdown).toContain(
      '**Affected redis versions, computed by running** every release in `>=4.2.0,<=4.5.5` (21, “Cancel between send and reply, made certain with a slow link”): 4.4.0 to 4.4.3 (fixed in 4.4.4); 4.5.0 to 4.5.3 (fixed in 4.5.4). CVE-2023-28859 states `>=4.2.0, <4.4.4`, `>=4.5.0, <4.5.4`; they disagree on 4.2.0 to 4.3.6 (10 releases): CVE-2023-28859 states affected; every one ran without reproducing.',
    );
  });
});

describe('the PDF', () => {
  it('is built with the site, linked from the page, and holds every section heading and diagram label, its links, page numbers and footer', async () => {
    const page = await open(1280);
    const href = await page.locator('.incident-exports a', { hasText: 'PDF' }).getAttribute('href');
    expect(href).toBe(`/incidents/${slug}.pdf`);
    const response = await page.request.get(server.url + href);
    expect(response.status()).toBe(200);
    const bytes = await response.body();
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const headings = (await page.locator('article :is(h2, h3)[id]:not(#toc-title)').allTextContents()).map((h) =>
      h.replace(/#\s*$/, '').trim(),
    );
    const labels = await page
      .locator('figure.diagram svg')
      .evaluateAll((svgs) =>
        svgs.flatMap((svg) =>
          [...svg.querySelectorAll('text, foreignObject div, foreignObject span')]
            .map((e) => e.textContent?.trim() ?? '')
            .filter((t) => t.length > 1),
        ),
      );
    // What the page folds away: the bodies of timeline entries, and the numbers under a chart
    // (cell by cell: a PDF's text may run a table in another order).
    const numbers = await page.locator('details.chart-numbers:not([open]) :is(th, td)').allTextContents();
    const hidden = await page
      .locator('details.tl-details:not([open]) > :not(summary)')
      .evaluateAll((bodies) => bodies.map((b) => (b.textContent ?? '').trim().slice(0, 80)).filter(Boolean));
    await page.context().close();
    expect(hidden.length).toBeGreaterThan(3);
    expect(headings.length).toBeGreaterThan(25);
    expect(labels.length).toBeGreaterThan(50);

    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const { totalPages, text } = await extractText(pdf, { mergePages: true });
    expect(totalPages).toBeGreaterThan(10);
    // Line breaks and hyphenation differ between the page and the PDF: compare without whitespace.
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    // The footer (address, "as of" date, page n of m) lands between pages: left out of the comparison.
    const all = squeeze(text.replace(/https:\/\/\S+ · as of \d{4}-\d{2}-\d{2} Page \d+ of \d+/g, ''));
    expect(headings.filter((h) => !all.includes(squeeze(h)))).toEqual([]);
    // Diagram labels are text in the PDF, so the diagrams went in as vectors, not pictures.
    expect([...new Set(labels)].filter((l) => !all.includes(squeeze(l)))).toEqual([]);
    // Every collapsed detail was opened: what the page folds away is in the PDF.
    expect(hidden.filter((t) => !all.includes(squeeze(t)))).toEqual([]);
    expect(numbers.length).toBeGreaterThan(10);
    expect(numbers.filter((t) => !all.includes(squeeze(t)))).toEqual([]);
    expect(text).toContain('Page 1 of');
    expect(text).toContain(`Page ${totalPages} of ${totalPages}`);
    expect(text).toMatch(
      // The newest dated thing the incident records (its repro recordings), never the build date.
      new RegExp(`https://postmortems\\.example\\.com/incidents/${slug}/ · as of ${incidentAsOf(flagship())}`),
    );
    const links = (await (await pdf.getPage(1)).getAnnotations()).filter(
      (a: { subtype?: string; url?: string }) => a.subtype === 'Link' && a.url,
    );
    let external = links.length;
    for (let n = 2; n <= totalPages && external < 20; n++)
      external += (await (await pdf.getPage(n)).getAnnotations()).filter(
        (a: { subtype?: string; url?: string }) => a.subtype === 'Link' && a.url,
      ).length;
    expect(external).toBeGreaterThanOrEqual(20);
    expect(buildLog).toMatch(/PDFs: \d+ from cache, \d+ printed/);
  });
});

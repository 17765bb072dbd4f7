/**
 * Builds the fixture site in tests/fixtures/sites/basic with the real Astro CLI and reads it
 * in Chromium the way a visitor would: with JavaScript, without it, in light and dark.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, launchChromium, projectRoot, serveStatic, type StaticServer } from '../support/site.ts';

const siteRoot = join(projectRoot, 'tests/fixtures/sites/basic');
const dist = join(siteRoot, 'dist');
let server: StaticServer;
let browser: Browser;
const consoleErrors: string[] = [];

async function open(
  path: string,
  options: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  // The 404 page is fetched on purpose; Chromium logs its status as a console error.
  const expectedStatus = path.startsWith('/no-such') ? 404 : 200;
  page.on('console', (m) => {
    if (m.type() === 'error' && !(expectedStatus === 404 && m.text().includes('404')))
      consoleErrors.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  const response = await page.goto(server.url + path);
  expect(response?.status(), path).toBe(expectedStatus);
  return page;
}

beforeAll(async () => {
  const result = await buildSite(siteRoot);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  server = await serveStatic(dist);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('index', () => {
  it('lists every incident as a card, newest first, with date, severity and duration', async () => {
    const page = await open('/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Incidents');
    const titles = await page.locator('.card h2').allTextContents();
    expect(titles).toEqual([
      'Checkout queue backlog after a consumer deploy',
      'API unreachable after a DNS record expired',
    ]);
    const first = page.locator('.card').first();
    await expect(first.locator('time').getAttribute('datetime')).resolves.toBe('2024-06-02T09:15:00+02:00');
    await expect(first.locator('time').textContent()).resolves.toBe('2024-06-02');
    await expect(first.locator('.badge').textContent()).resolves.toBe('SEV2 · major');
    await expect(first.textContent()).resolves.toContain('2 h (start to resolution)');
    await expect(first.textContent()).resolves.toContain('Order confirmations delayed');
  });
});

describe('incident page', () => {
  const path = '/incidents/2024-06-02-queue-backlog/';

  it('has a semantic header with times in the incident zone and UTC', async () => {
    const page = await open(path);
    await expect(page.locator('article h1').textContent()).resolves.toBe(
      'Checkout queue backlog after a consumer deploy',
    );
    const started = page.locator('time[datetime="2024-06-02T09:15:00+02:00"]').first();
    await expect(started.textContent()).resolves.toBe('2024-06-02 09:15 CEST2024-06-02 07:15 UTC');
    await expect(started.locator('.utc').textContent()).resolves.toBe('2024-06-02 07:15 UTC');
  });

  it('renders the body: anchored headings, a build-time diagram and highlighted code', async () => {
    const page = await open(path);
    await expect(page.locator('h2#what-happened a.heading-anchor').getAttribute('href')).resolves.toBe(
      '#what-happened',
    );
    await expect(page.locator('.prose svg[aria-roledescription="flowchart-v2"]').count()).resolves.toBe(1);
    await expect(page.locator('pre.astro-code[data-language="ts"]').count()).resolves.toBe(1);
    await expect(page.locator('pre.astro-code[data-language="diff"]').count()).resolves.toBe(1);
    await expect(page.locator('#sources + ol a').getAttribute('href')).resolves.toBe(
      'https://status.example.com/incidents/abc123',
    );
  });

  it("draws the site's own MDX component on the page and writes it into the Markdown export", async () => {
    const page = await open(path);
    const shown = await page.locator('.prose .on-call').textContent();
    expect(shown?.replace(/\s+/g, ' ').trim()).toBe('paged: checkout-primary');
    const markdown = await (await fetch(server.url + '/incidents/2024-06-02-queue-backlog.md')).text();
    expect(markdown).toContain('stopped acknowledging messages. (paged: checkout-primary)');
    expect(markdown).not.toContain('<OnCall');
  });

  it('says unknown rather than inventing a time', async () => {
    const page = await open('/incidents/2022-11-08-dns-expiry/');
    const detected = page.locator('dt:text-is("Detected") + dd');
    await expect(detected.textContent()).resolves.toBe('unknown');
    // How long it lasted is the summary card's answer (the key moments do not repeat it).
    await expect(page.locator('.summary-how-long dd').textContent()).resolves.toContain('40 min');
    await expect(page.locator('dt:text-is("Duration")').count()).resolves.toBe(0);
  });

  it('reads the same with JavaScript disabled, and ships no inline script', async () => {
    const page = await open(path, { javaScriptEnabled: false });
    await expect(page.locator('article h1').isVisible()).resolves.toBe(true);
    await expect(page.locator('.prose svg[aria-roledescription="flowchart-v2"]').isVisible()).resolves.toBe(true);
    // The only enhancement (local time zone) stays out of sight when it cannot work.
    await expect(page.locator('.tz-toggle').isVisible()).resolves.toBe(false);
    await expect(page.locator('time[datetime="2024-06-02T09:15:00+02:00"]').first().textContent()).resolves.toContain(
      'UTC',
    );
    const scripts = await page
      .locator('script')
      .evaluateAll((els) => els.map((e) => ({ src: e.getAttribute('src'), inline: e.textContent?.trim() ?? '' })));
    expect(scripts.every((s) => s.src && s.inline === '')).toBe(true);
  });

  it('follows the system theme for the page and the code', async () => {
    const light = await open(path, { colorScheme: 'light' });
    const dark = await open(path, { colorScheme: 'dark' });
    const bg = (p: Page) => p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await expect(bg(light)).resolves.toBe('rgb(255, 255, 255)');
    await expect(bg(dark)).resolves.toBe('rgb(17, 20, 24)');
    const keyword = (p: Page) =>
      p
        .locator('pre[data-language="ts"] span span')
        .first()
        .evaluate((el) => getComputedStyle(el).color);
    expect(await keyword(light)).not.toBe(await keyword(dark));
  });
});

describe('timeline and fix history', () => {
  const path = '/incidents/2024-06-02-queue-backlog/';

  it('merges the status page, the incident and the code host on one axis with day separators', async () => {
    const page = await open(path);
    const intro = await page.locator('#timeline + p').textContent();
    expect(intro).toMatch(/on one axis\. Times are in Europe\/Berlin with UTC beneath\.$/);
    const titles = await page.locator('.tl-item .tl-title').allTextContents();
    expect(titles.slice(0, 4)).toEqual([
      'PR #11 merged: Move the ack into the retry wrapper',
      'Consumer release 42 rolls out',
      'Confirmations start to lag',
      'Issue #10 opened: Messages are never acknowledged after release 42',
    ]);
    await expect(page.locator('.tl-day h3').allTextContents()).resolves.toEqual([
      'Thursday, 30 May 2024',
      'Sunday, 2 June 2024',
      'Monday, 3 June 2024',
    ]);
    await expect(page.locator('.tl-item.src-status-page .lane').first().textContent()).resolves.toBe('Status page');
  });

  it('draws the impact window as a band and marks secondary and estimated entries in words', async () => {
    const page = await open(path);
    const inImpact = await page.locator('.tl-item.in-impact .tl-title').allTextContents();
    expect(inImpact[0]).toBe('Consumer release 42 rolls out');
    expect(inImpact.at(-1)).toBe('Queue back to normal');
    await expect(page.locator('.tl-item.conf-estimated .confidence').textContent()).resolves.toBe('inference');
    const secondary = page.locator('.tl-item.conf-secondary .tl-title');
    await expect(secondary.evaluate((el) => getComputedStyle(el, '::after').content)).resolves.toContain(
      'secondary source',
    );
  });

  it('offers a "copy link" button that puts the incident’s address on the clipboard', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(server.url + path);
    const button = page.locator('.incident-header .copy-button');
    await button.click();
    // The handler writes to the clipboard first, then relabels the button: wait for it.
    await expect.poll(() => button.textContent(), { timeout: 5000 }).toBe('Copied');
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(
      'https://postmortems.example.com/incidents/2024-06-02-queue-backlog/',
    );
    await context.close();
  });

  it('gives every entry a working permalink and renders imported text inert', async () => {
    const page = await open(path);
    const first = page.locator('.tl-item').first();
    const id = await first.getAttribute('id');
    await expect(first.locator('.tl-permalink').getAttribute('href')).resolves.toBe(`#${id}`);
    await page.locator('.tl-item', { hasText: 'Investigating delayed' }).locator('summary').click();
    await expect(
      page.locator('.tl-item', { hasText: 'Investigating delayed' }).locator('details strong').textContent(),
    ).resolves.toBe('delayed');
    await expect(page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).resolves.toBeUndefined();
  });

  it('computes the metrics strip and leaves unknowns unknown', async () => {
    const page = await open(path);
    const metric = (label: string) => page.locator('.metrics .metric', { hasText: label }).locator('dd');
    await expect(metric('Time to detect').textContent()).resolves.toContain('25 min');
    await expect(metric('Impact window').textContent()).resolves.toContain('2 h');
    const other = await open('/incidents/2022-11-08-dns-expiry/');
    await expect(
      other.locator('.metrics .metric', { hasText: 'Time to detect' }).locator('dd').textContent(),
    ).resolves.toBe('unknown');
  });

  it('shows the fix history as a build-time diagram and as a table', async () => {
    const page = await open(path, { javaScriptEnabled: false });
    await expect(page.locator('figure.diagram svg#fix-graph').count()).resolves.toBe(1);
    await expect(page.locator('figure:has(svg#fix-graph)').textContent()).resolves.toContain('(superseded)');
    await expect(page.locator('.history-table tbody tr').count()).resolves.toBe(4);
  });

  it('switches times to the reader’s zone on request and remembers it', async () => {
    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    await page.goto(server.url + path);
    const time = page.locator('.tl-item', { hasText: 'Consumer release 42' }).locator('time');
    await expect(time.textContent()).resolves.toBe('09:15 CEST');
    await page.locator('.tz-toggle button').click();
    await expect(time.textContent()).resolves.toMatch(/^16:15 GMT\+9$/);
    await page.reload();
    await expect(time.textContent()).resolves.toMatch(/^16:15 GMT\+9$/);
    await expect(page.locator('.tz-toggle button').getAttribute('aria-pressed')).resolves.toBe('true');
    await context.close();
  });
});

describe('theme', () => {
  const path = '/incidents/2024-06-02-queue-backlog/';
  const bg = (p: Page) => p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

  it('toggles system → light → dark, and remembers the choice without a flash', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(server.url + path);
    const toggle = page.locator('.theme-toggle');
    await expect(toggle.textContent()).resolves.toBe('Theme: system');
    await toggle.click();
    await toggle.click();
    await expect(toggle.textContent()).resolves.toBe('Theme: dark');
    await expect(bg(page)).resolves.toBe('rgb(17, 20, 24)');
    // On the next page the saved theme applies before first paint: check the very first frame.
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        (window as unknown as { firstBg: string }).firstBg = getComputedStyle(document.documentElement).backgroundColor;
      });
    });
    await page.goto(server.url + '/');
    await expect(page.evaluate(() => (window as unknown as { firstBg: string }).firstBg)).resolves.toBe(
      'rgb(17, 20, 24)',
    );
    await page.locator('.theme-toggle').click();
    await expect(bg(page)).resolves.toBe('rgb(255, 255, 255)');
    await context.close();
  });

  it('keeps diagrams and code readable in dark without re-rendering', async () => {
    const page = await open(path, { colorScheme: 'dark' });
    const panel = await page
      .locator('figure.diagram svg')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(panel).toBe('rgb(245, 246, 248)');
  });
});

describe('security', () => {
  it('sends a Content-Security-Policy that allows no inline script', async () => {
    const page = await open('/incidents/2024-06-02-queue-backlog/');
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const scriptSrc = policy!
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
  });
});

describe('search', () => {
  it('finds incidents from the header box, showing title, date and severity', async () => {
    const page = await open('/tags/');
    await page.locator('.header-search input').fill('acknowledgement');
    await page.locator('.header-search input').press('Enter');
    await page.waitForURL(/\/search\/\?q=acknowledgement/);
    const result = page.locator('.search-results .card').first();
    await expect(result.locator('h2 a').textContent()).resolves.toBe('Checkout queue backlog after a consumer deploy');
    await expect(result.locator('.card-meta').textContent()).resolves.toBe('2024-06-02 · SEV2');
    await expect(page.locator('.search-results .card').count()).resolves.toBe(1);
    await expect(page.locator('.search-status').textContent()).resolves.toContain('1 incident mentions');
  });

  it('says clearly when nothing matches, and what to do without JavaScript', async () => {
    const page = await open('/search/?q=zebra');
    await page.waitForFunction(() => !document.querySelector('.search-status')?.textContent?.startsWith('Searching'));
    await expect(page.locator('.search-status').textContent()).resolves.toBe('No incident mentions “zebra”.');
    const noJs = await open('/search/?q=zebra', { javaScriptEnabled: false });
    await expect(noJs.locator('main').textContent()).resolves.toContain('browse all incidents');
  });
});

describe('print', () => {
  it('prints an incident as a clean document: no navigation, every detail open, a real PDF', async () => {
    const page = await open('/incidents/2024-06-02-queue-backlog/', { colorScheme: 'dark' });
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-header').isVisible()).resolves.toBe(false);
    await expect(page.locator('.toc').isVisible()).resolves.toBe(false);
    const body = page.locator('.tl-item', { hasText: 'Investigating delayed' }).locator('details strong');
    await expect(body.isVisible()).resolves.toBe(true);
    await expect(page.evaluate(() => getComputedStyle(document.body).color)).resolves.toBe('rgb(27, 31, 36)');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});

describe('site', () => {
  it('shares well: canonical URL, Open Graph and Twitter metadata, and a generated social card', async () => {
    const page = await open('/incidents/2024-06-02-queue-backlog/');
    const meta = (selector: string) => page.locator(selector).getAttribute('content');
    await expect(page.locator('link[rel="canonical"]').getAttribute('href')).resolves.toBe(
      'https://postmortems.example.com/incidents/2024-06-02-queue-backlog/',
    );
    await expect(meta('meta[property="og:type"]')).resolves.toBe('article');
    await expect(meta('meta[property="og:title"]')).resolves.toContain('Checkout queue backlog');
    await expect(meta('meta[name="twitter:card"]')).resolves.toBe('summary_large_image');
    const image = await meta('meta[property="og:image"]');
    expect(image).toBe('https://postmortems.example.com/og/2024-06-02-queue-backlog.png');
    const png = readFileSync(join(dist, 'og/2024-06-02-queue-backlog.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
  });

  it('filters by severity, year, tag and component with plain links', async () => {
    const index = await open('/', { javaScriptEnabled: false });
    await index.locator('.facets a', { hasText: 'SEV1' }).click();
    await expect(index.locator('.card h2').allTextContents()).resolves.toEqual([
      'API unreachable after a DNS record expired',
    ]);
    const year = await open('/year/2024/');
    await expect(year.locator('.card h2').allTextContents()).resolves.toEqual([
      'Checkout queue backlog after a consumer deploy',
    ]);
    const component = await open('/components/order-queue/');
    await expect(component.locator('h1').textContent()).resolves.toBe('Affected component: Order queue');
  });

  it('has tag pages, a 404 page and a sitemap', async () => {
    const tag = await open('/tags/dns/');
    await expect(tag.locator('.card h2').allTextContents()).resolves.toEqual([
      'API unreachable after a DNS record expired',
    ]);
    const missing = await open('/no-such-page/');
    await expect(missing.locator('h1').textContent()).resolves.toBe('Page not found');
    const sitemap = readFileSync(join(dist, 'sitemap-0.xml'), 'utf8');
    expect(sitemap).toContain('https://postmortems.example.com/incidents/2024-06-02-queue-backlog/');
  });

  it('has no broken internal link or anchor on any page', async () => {
    const pages = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
    const broken: string[] = [];
    for (const file of pages) {
      const html = readFileSync(join(dist, file), 'utf8');
      const from = '/' + file.replace(/index\.html$/, '');
      for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
        if (/^(https?:|mailto:)/.test(href!)) continue;
        const target = new URL(href!, server.url + from);
        const response = await fetch(target.href.split('#')[0]!);
        if (!response.ok) broken.push(`${from} → ${href} (${response.status})`);
        else if (target.hash) {
          const id = decodeURIComponent(target.hash.slice(1));
          if (!(await response.text()).includes(`id="${id}"`)) broken.push(`${from} → ${href} (no such anchor)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('logged no console error on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});

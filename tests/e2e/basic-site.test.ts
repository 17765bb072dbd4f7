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

async function open(path: string, options: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  // The 404 page is fetched on purpose; Chromium logs its status as a console error.
  const expectedStatus = path.startsWith('/no-such') ? 404 : 200;
  page.on('console', (m) => {
    if (m.type() === 'error' && !(expectedStatus === 404 && m.text().includes('404'))) consoleErrors.push(`${path}: ${m.text()}`);
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
    expect(titles).toEqual(['Checkout queue backlog after a consumer deploy', 'API unreachable after a DNS record expired']);
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
    await expect(page.locator('article h1').textContent()).resolves.toBe('Checkout queue backlog after a consumer deploy');
    const started = page.locator('time[datetime="2024-06-02T09:15:00+02:00"]').first();
    await expect(started.textContent()).resolves.toBe('2024-06-02 09:15 CEST2024-06-02 07:15 UTC');
    await expect(started.locator('.utc').textContent()).resolves.toBe('2024-06-02 07:15 UTC');
  });

  it('renders the body: anchored headings, a build-time diagram and highlighted code', async () => {
    const page = await open(path);
    await expect(page.locator('h2#what-happened a.heading-anchor').getAttribute('href')).resolves.toBe('#what-happened');
    await expect(page.locator('svg[aria-roledescription="flowchart-v2"]').count()).resolves.toBe(1);
    await expect(page.locator('pre.astro-code[data-language="ts"]').count()).resolves.toBe(1);
    await expect(page.locator('pre.astro-code[data-language="diff"]').count()).resolves.toBe(1);
    await expect(page.locator('#sources + ol a').getAttribute('href')).resolves.toBe('https://status.example.com/incidents/abc123');
  });

  it('says unknown rather than inventing a time', async () => {
    const page = await open('/incidents/2022-11-08-dns-expiry/');
    const detected = page.locator('dt:text-is("Detected") + dd');
    await expect(detected.textContent()).resolves.toBe('unknown');
    await expect(page.locator('dt:text-is("Duration") + dd').textContent()).resolves.toContain('40 min');
  });

  it('reads the same with JavaScript disabled, and ships no script at all', async () => {
    const page = await open(path, { javaScriptEnabled: false });
    await expect(page.locator('article h1').isVisible()).resolves.toBe(true);
    await expect(page.locator('svg[aria-roledescription="flowchart-v2"]').isVisible()).resolves.toBe(true);
    await expect(page.locator('script').count()).resolves.toBe(0);
  });

  it('follows the system theme for the page and the code', async () => {
    const light = await open(path, { colorScheme: 'light' });
    const dark = await open(path, { colorScheme: 'dark' });
    const bg = (p: Page) => p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await expect(bg(light)).resolves.toBe('rgb(255, 255, 255)');
    await expect(bg(dark)).resolves.toBe('rgb(17, 20, 24)');
    const keyword = (p: Page) => p.locator('pre[data-language="ts"] span span').first().evaluate((el) => getComputedStyle(el).color);
    expect(await keyword(light)).not.toBe(await keyword(dark));
  });
});

describe('site', () => {
  it('has tag pages, a 404 page and a sitemap', async () => {
    const tag = await open('/tags/dns/');
    await expect(tag.locator('.card h2').allTextContents()).resolves.toEqual(['API unreachable after a DNS record expired']);
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

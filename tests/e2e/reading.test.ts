/**
 * Reading a long postmortem (issue 18), on a site holding the flagship incident alone, built with
 * the real Astro CLI and read in Chromium: the table of contents marks where you are and works
 * without JavaScript.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, launchChromium, projectRoot, serveStatic, type StaticServer } from '../support/site.ts';

const slug = '2023-03-20-chatgpt-redis-py';
const siteRoot = mkdtempSync(join(projectRoot, 'tests/fixtures/sites/.tmp-reading-'));
const outDir = mkdtempSync(join(tmpdir(), 'aftermath-reading-'));
let server: StaticServer;
let browser: Browser;
let buildLog = '';

beforeAll(async () => {
  mkdirSync(join(siteRoot, 'content/incidents'), { recursive: true });
  cpSync(join(projectRoot, 'content/incidents', slug), join(siteRoot, 'content/incidents', slug), { recursive: true });
  writeFileSync(
    join(siteRoot, 'astro.config.mjs'),
    `import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import aftermath from '../../../../src/integration/index.ts';
export default defineConfig({ site: 'https://postmortems.example.com', srcDir: '../../../../src', publicDir: '../../../../public', trailingSlash: 'always', integrations: [aftermath(), mdx()] });
`,
  );
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

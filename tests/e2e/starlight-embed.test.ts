/**
 * A team's existing Starlight site (Starlight from npm) with `aftermath({ base: '/postmortems/' })`
 * added (tests/fixtures/sites/starlight): Starlight's pages as they were, the postmortems under
 * their path with working links, assets, feeds and search, and two search indexes that do not
 * clash (docs/embedding.md says the same).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, launchChromium, projectRoot, serveStatic, type StaticServer } from '../support/site.ts';

const root = join(projectRoot, 'tests/fixtures/sites/starlight');
const SLUG = '2024-06-02-queue-backlog';
const out = mkdtempSync(join(tmpdir(), 'aftermath-starlight-'));
const plain = mkdtempSync(join(tmpdir(), 'aftermath-starlight-plain-'));
let server: StaticServer;
let browser: Browser;

const htmlFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();

beforeAll(async () => {
  // The same site without Aftermath, for what Starlight's pages were before.
  const [built, alone] = await Promise.all([
    buildSite(root, out),
    buildSite(root, plain, { AFTERMATH_FIXTURE_WITHOUT_AFTERMATH: '1' }),
  ]);
  expect(built.code, built.stdout + built.stderr).toBe(0);
  expect(alone.code, alone.stdout + alone.stderr).toBe(0);
  server = await serveStatic(out);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(out, { recursive: true, force: true });
  rmSync(plain, { recursive: true, force: true });
});

async function search(page: Page, path: string, results: string): Promise<string[]> {
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction((selector) => document.querySelectorAll(selector).length > 0, results, {
    timeout: 30_000,
  });
  return page.$$eval(`${results} a`, (links) => links.map((a) => (a as HTMLAnchorElement).pathname));
}

describe('postmortems inside a Starlight site', { timeout: 120_000 }, () => {
  it("leaves Starlight's pages as they were and adds Aftermath's only under /postmortems/", () => {
    const starlightPages = htmlFiles(plain);
    const all = htmlFiles(out);
    expect(all.filter((f) => !f.startsWith('postmortems/'))).toEqual(starlightPages);
    for (const page of starlightPages) {
      const strip = (html: string) => html.replace(/\/_astro\/[^"')]+/g, '/_astro/…');
      expect(strip(readFileSync(join(out, page), 'utf8')), page).toBe(strip(readFileSync(join(plain, page), 'utf8')));
    }
    expect(all).toContain(`postmortems/incidents/${SLUG}/index.html`);
    expect(all).toContain('postmortems/index.html');
    expect(all).not.toContain('postmortems/404.html');
    expect(existsSync(join(out, 'postmortems/feeds/incidents.atom'))).toBe(true);
    expect(existsSync(join(out, `postmortems/incidents/${SLUG}.pdf`))).toBe(true);
  });

  it("serves the postmortems' pages with their styles, links and feeds under the path", async () => {
    const page = await browser.newPage();
    const broken: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) broken.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${server.url}/postmortems/`);
    await page.click(`a[href="/postmortems/incidents/${SLUG}/"]`);
    await page.waitForURL(`**/postmortems/incidents/${SLUG}/`);
    expect(await page.title()).toContain('Acme postmortems');
    const color = await page.$eval('body', (b) => getComputedStyle(b).fontFamily);
    expect(color).not.toBe('');
    const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links.filter((l) => !l.startsWith('/postmortems/') && l !== '/')).toEqual([]);
    const feeds = await page.$$eval('link[rel="alternate"]', (ls) => ls.map((l) => (l as HTMLLinkElement).href));
    for (const feed of feeds) expect(new URL(feed).pathname).toMatch(/^\/postmortems\/feeds\//);
    expect(await page.$eval('a[href="/"]', (a) => a.textContent)).toBe('Docs');
    expect(broken).toEqual([]);
    await page.close();
  });

  it('keeps two search indexes apart: each finds its own pages', async () => {
    expect(existsSync(join(out, 'pagefind/pagefind.js'))).toBe(true);
    expect(existsSync(join(out, 'postmortems/pagefind/pagefind.js'))).toBe(true);
    const page = await browser.newPage();
    // Aftermath's search finds the incident, and never a page of the docs.
    const found = await search(page, '/postmortems/search/?q=acknowledgement', '.search-results li');
    expect(found).toEqual([`/postmortems/incidents/${SLUG}/`]);
    const docsWord = await page.goto(`${server.url}/postmortems/search/?q=lighthouse`);
    expect(docsWord?.status()).toBe(200);
    await page.waitForFunction(() => document.querySelector('.search-status')?.textContent?.includes('No incident'));
    // Starlight's search finds its runbook, with its own address.
    await page.goto(`${server.url}/`);
    // A string, not a function: Vitest would rewrite a function's import() for Node.
    const starlightSearch = (term: string) =>
      page.evaluate(`(async () => {
        const pagefind = await import('/pagefind/pagefind.js');
        const { results } = await pagefind.search(${JSON.stringify(term)});
        return Promise.all(results.map(async (r) => (await r.data()).url));
      })()`);
    expect(await starlightSearch('lighthouse')).toEqual(['/guides/runbook/']);
    // Starlight indexes the whole site: its search finds the postmortem too, at its own address.
    expect(await starlightSearch('redeployed')).toEqual([`/postmortems/incidents/${SLUG}/`]);
    await page.close();
  });
});

/**
 * The built site, opened in Chromium without a server: requests to one made-up origin are answered
 * from dist/ (a path under the site's base path is found by dropping leading folders), and every
 * other request is refused, so a check or a PDF never waits on the network.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright';
import type { PageKind } from '../render/chromium-pool.ts';

export const DIST_ORIGIN = 'http://aftermath.build';

/**
 * Where a build put Aftermath's pages: `dist` is Astro's whole output folder (its scripts and
 * styles are there), `dir` the folder of Aftermath's `base` under it, and `base` that path.
 */
export interface BuiltSite {
  dist: string;
  dir: string;
  base: string;
}

export function builtSite(dist: string, base: string): BuiltSite {
  return { dist, dir: join(dist, base), base };
}

/** The address an incident's built page is opened at. */
export function incidentPageAddress(site: BuiltSite, page: string): string {
  return `${DIST_ORIGIN}${site.base}${page}/`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The file of dist/ a path names: `/pm/_astro/x.css` is `_astro/x.css` when the base path is `/pm/`. */
export function distFile(outDir: string, pathname: string): string | undefined {
  const parts = decodeURIComponent(pathname).split('/').filter(Boolean);
  for (let skip = 0; skip <= parts.length; skip++) {
    let file = normalize(join(outDir, ...parts.slice(skip)));
    if (!file.startsWith(outDir)) return undefined;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (existsSync(file)) return file;
  }
  return undefined;
}

export async function distContext(
  browser: Browser,
  outDir: string,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const file = url.origin === DIST_ORIGIN ? distFile(outDir, url.pathname) : undefined;
    if (!file) return route.abort();
    return route.fulfill({
      status: 200,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });
  return context;
}

/** A pool page (../render/chromium-pool.ts) that serves `outDir`, in a context of its own with `options`. */
export function distPage(outDir: string, options: BrowserContextOptions = {}): PageKind {
  return {
    name: `dist ${outDir} ${JSON.stringify(options)}`,
    async open(browser) {
      const context = await distContext(browser, outDir, options);
      const page = await context.newPage();
      page.once('close', () => void context.close().catch(() => {}));
      return page;
    },
  };
}

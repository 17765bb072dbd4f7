/**
 * What a browser downloads to show one built page: the HTML, the stylesheets, scripts (and the
 * modules they import statically), images and icons it names, and what the CSS pulls in with
 * url(). Weighed raw and gzip-compressed (each file on its own, as a server sends it). Pure,
 * except for the `read` function it is given.
 *
 * Not counted: lazy `import()`s (none run on page load), feeds and other rel="alternate" links,
 * the canonical link, and data: URIs (already part of the file that holds them).
 */
import { gzipSync } from 'node:zlib';
import type { AssetWeight, PageWeight } from './report.ts';

export type AssetKind = 'css' | 'js' | 'images' | 'other';

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg|ico)$/i;

export function assetKind(path: string): AssetKind {
  const bare = path.replace(/[?#].*$/, '');
  if (/\.css$/i.test(bare)) return 'css';
  if (/\.m?js$/i.test(bare)) return 'js';
  if (IMAGE.test(bare)) return 'images';
  return 'other';
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function srcsetUrls(srcset: string): string[] {
  return srcset
    .split(',')
    .map((part) => part.trim().split(/\s+/)[0]!)
    .filter(Boolean);
}

/** URLs a page loads on its own: stylesheets, scripts, preloads, icons, images. */
export function pageAssetUrls(html: string): string[] {
  const urls: string[] = [];
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const [tag] of withoutComments.matchAll(/<link\b[^>]*>/gi)) {
    const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
    const href = attr(tag, 'href');
    if (!href) continue;
    if (rel.some((r) => ['stylesheet', 'icon', 'apple-touch-icon', 'modulepreload', 'preload', 'manifest'].includes(r)))
      urls.push(href);
  }
  for (const [tag] of withoutComments.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, 'src');
    if (src) urls.push(src);
  }
  for (const [tag] of withoutComments.matchAll(/<(?:img|source|image)\b[^>]*>/gi)) {
    const src = attr(tag, 'src') ?? attr(tag, 'href');
    if (src) urls.push(src);
    const srcset = attr(tag, 'srcset');
    if (srcset) urls.push(...srcsetUrls(srcset));
  }
  return [...new Set(urls)].filter((u) => !u.startsWith('data:'));
}

/** Modules a script imports statically (`import … from "x"`, `import "x"`, `export … from "x"`). */
export function jsStaticImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:\bimport|\bexport)\s*(?:[\w*${}\s,]+?\s*from\s*)?["'`]([^"'`]+)["'`]/g))
    found.add(m[1]!);
  return [...found].filter((s) => s.startsWith('.') || s.startsWith('/'));
}

/** `url(...)` references of a stylesheet (fonts, images), without data: URIs. */
export function cssUrls(css: string): string[] {
  const found = new Set<string>();
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)) found.add((m[1] ?? m[2] ?? m[3])!);
  for (const m of css.matchAll(/@import\s+["']([^"']+)["']/g)) found.add(m[1]!);
  return [...found].filter((u) => u && !u.startsWith('data:') && !u.startsWith('#'));
}

/**
 * A site-relative path for `url` as referenced from `from` (both paths in the site, `/`-rooted),
 * or undefined for another origin.
 */
export function resolveSitePath(url: string, from: string, origin?: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, new URL(from, 'http://site.invalid'));
  } catch {
    return undefined;
  }
  const local =
    parsed.origin === 'http://site.invalid' || (origin !== undefined && parsed.origin === new URL(origin).origin);
  return local ? decodeURIComponent(parsed.pathname) : undefined;
}

function weigh(files: Buffer[]): AssetWeight {
  return {
    files: files.length,
    rawBytes: files.reduce((n, f) => n + f.length, 0),
    gzipBytes: files.reduce((n, f) => n + gzipSync(f).length, 0),
  };
}

/**
 * Weighs page `pagePath` (e.g. `/incidents/x/`, served from `<dir>/index.html`). `read` returns a
 * file of the built site by its site path (e.g. `/_astro/a.css`) or undefined if there is none.
 * `origin` is the site's own address, so absolute links to it count as local.
 */
export function measurePageWeight(
  pagePath: string,
  read: (sitePath: string) => Buffer | undefined,
  origin?: string,
): PageWeight {
  const htmlPath = pagePath.endsWith('/') ? `${pagePath}index.html` : pagePath;
  const html = read(htmlPath);
  if (!html) throw new Error(`page ${pagePath} not found (looked for ${htmlPath})`);
  const byKind: Record<AssetKind, Buffer[]> = { css: [], js: [], images: [], other: [] };
  const seen = new Set<string>([htmlPath]);
  const missing: string[] = [];
  const queue = pageAssetUrls(html.toString('utf8')).map((url) => ({ url, from: htmlPath }));
  while (queue.length > 0) {
    const { url, from } = queue.shift()!;
    const path = resolveSitePath(url, from, origin);
    if (!path || seen.has(path)) continue;
    seen.add(path);
    const file = read(path);
    if (!file) {
      missing.push(path);
      continue;
    }
    const kind = assetKind(path);
    byKind[kind].push(file);
    if (kind === 'js') queue.push(...jsStaticImports(file.toString('utf8')).map((u) => ({ url: u, from: path })));
    if (kind === 'css') queue.push(...cssUrls(file.toString('utf8')).map((u) => ({ url: u, from: path })));
  }
  const all = [html, ...byKind.css, ...byKind.js, ...byKind.images, ...byKind.other];
  return {
    page: pagePath,
    html: weigh([html]),
    css: weigh(byKind.css),
    js: weigh(byKind.js),
    images: weigh(byKind.images),
    other: weigh(byKind.other),
    total: weigh(all),
    missing,
  };
}

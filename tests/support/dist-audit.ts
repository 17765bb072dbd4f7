/**
 * Static checks of a built site's output folder, used by the quality gates: every HTML page
 * parsed once, its links and anchors resolved against the files, its scripts and policy read,
 * and the JavaScript it loads weighed as a host would send it (gzip).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Element, Root, RootContent } from 'hast';
import { fromHtmlIsomorphic } from 'hast-util-from-html-isomorphic';

export interface Page {
  /** Path of the file inside the output folder, with forward slashes: `tags/index.html`. */
  file: string;
  /** The URL path the page is served at: `/tags/`. */
  path: string;
  html: string;
  tree: Root;
}

/** Every file under `dir` whose name ends with `suffix`, relative to `dir`, with forward slashes. */
export function filesEndingWith(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.split(sep).join('/'))
    .sort();
}

/**
 * Parses HTML like a browser with scripting off, so that links inside <noscript> count too
 * (parse5 with scripting on reads <noscript> as raw text).
 */
export function parseHtml(html: string): Root {
  return fromHtmlIsomorphic(html.replace(/<\/?noscript\b[^>]*>/gi, ''));
}

export function readPages(dist: string): Page[] {
  return filesEndingWith(dist, '.html').map((file) => {
    const html = readFileSync(join(dist, file), 'utf8');
    return { file, path: '/' + file.replace(/(^|\/)index\.html$/, '$1'), html, tree: parseHtml(html) };
  });
}

export function elements(node: Root | RootContent): Element[] {
  const found: Element[] = [];
  const visit = (n: Root | RootContent) => {
    if (n.type === 'element') found.push(n);
    if ('children' in n) for (const child of n.children) visit(child);
    if (n.type === 'element' && n.content) visit(n.content);
  };
  visit(node);
  return found;
}

export function attr(el: Element, name: string): string | undefined {
  const value = el.properties[name];
  if (value === undefined || value === null || value === false) return undefined;
  return Array.isArray(value) ? value.join(' ') : String(value);
}

export function textOf(node: Root | RootContent): string {
  if (node.type === 'text') return node.value;
  return 'children' in node ? node.children.map(textOf).join('') : '';
}

/** Where a page points: the attribute, the element and the URL as written. */
export interface Reference {
  element: string;
  attribute: string;
  url: string;
}

const URL_ATTRIBUTES: Record<string, string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  script: ['src'],
  img: ['src', 'srcSet'],
  source: ['src', 'srcSet'],
  iframe: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  form: ['action'],
  use: ['href', 'xLinkHref'],
  image: ['href', 'xLinkHref'],
};

/** Every URL a page references: links, resources, form targets and its social card image. */
export function references(page: Page): Reference[] {
  const refs: Reference[] = [];
  for (const el of elements(page.tree)) {
    for (const attribute of URL_ATTRIBUTES[el.tagName] ?? []) {
      const value = attr(el, attribute);
      if (value === undefined) continue;
      const urls = attribute === 'srcSet' ? value.split(',').map((c) => c.trim().split(/\s+/)[0]!) : [value];
      for (const url of urls) refs.push({ element: el.tagName, attribute, url });
    }
    const property = attr(el, 'property') ?? attr(el, 'name');
    if (el.tagName === 'meta' && /^(og:image|og:url|twitter:image)$/.test(property ?? '')) {
      refs.push({ element: 'meta', attribute: property!, url: attr(el, 'content') ?? '' });
    }
  }
  return refs;
}

/** The file a same-site URL path is served from, as serveStatic (and a static host) maps it. */
export function fileFor(dist: string, pathname: string): string | undefined {
  const path = join(dist, decodeURIComponent(pathname));
  if (!path.startsWith(dist)) return undefined;
  if (existsSync(path) && statSync(path).isFile()) return path;
  if (existsSync(join(path, 'index.html'))) return join(path, 'index.html');
  return undefined;
}

/** Ids (and legacy `<a name>`) a page can be scrolled to. */
export function anchorsOf(tree: Root): Set<string> {
  const ids = new Set<string>();
  for (const el of elements(tree)) {
    const id = attr(el, 'id');
    if (id) ids.add(id);
    if (el.tagName === 'a' && attr(el, 'name')) ids.add(attr(el, 'name')!);
  }
  return ids;
}

/**
 * Broken internal links and anchors in `dist`: every URL that stays on the site (relative, or
 * absolute on `siteOrigin`, the configured `site`) must name a file, and its #fragment an id there.
 */
export function brokenLinks(dist: string, pages: Page[], siteOrigin: string): string[] {
  const anchors = new Map<string, Set<string>>();
  const anchorsIn = (file: string) => {
    if (!anchors.has(file)) anchors.set(file, anchorsOf(parseHtml(readFileSync(file, 'utf8'))));
    return anchors.get(file)!;
  };
  const broken: string[] = [];
  for (const page of pages) {
    for (const ref of references(page)) {
      if (/^(mailto|tel|data):/i.test(ref.url)) continue;
      const target = new URL(ref.url, siteOrigin + page.path);
      if (target.origin !== siteOrigin) continue;
      const where = `${page.file}: <${ref.element} ${ref.attribute}="${ref.url}">`;
      const file = fileFor(dist, target.pathname);
      if (!file) {
        broken.push(`${where} → no file for ${target.pathname}`);
        continue;
      }
      const fragment = decodeURIComponent(target.hash.slice(1));
      if (fragment && file.endsWith('.html') && !anchorsIn(file).has(fragment)) {
        broken.push(`${where} → ${relative(dist, file)} has no id "${fragment}"`);
      }
    }
  }
  return broken;
}

/** Links that leave the site without `rel="noopener noreferrer"`. */
export function unprotectedExternalLinks(pages: Page[], siteOrigin: string): string[] {
  const found: string[] = [];
  for (const page of pages) {
    for (const el of elements(page.tree)) {
      if (el.tagName !== 'a' && el.tagName !== 'area') continue;
      const href = attr(el, 'href');
      if (!href || !/^https?:/i.test(href) || new URL(href).origin === siteOrigin) continue;
      const rel = new Set((attr(el, 'rel') ?? '').toLowerCase().split(/\s+/));
      if (!rel.has('noopener') || !rel.has('noreferrer')) {
        found.push(
          `${page.file}: <a href="${href}" rel="${attr(el, 'rel') ?? ''}"> "${textOf(el).trim().slice(0, 60)}"`,
        );
      }
    }
  }
  return found;
}

/** The JavaScript files a page loads: its <script src> and module preloads. */
export function scriptUrls(page: Page): string[] {
  return elements(page.tree).flatMap((el) => {
    if (el.tagName === 'script' && attr(el, 'src')) return [attr(el, 'src')!];
    if (el.tagName === 'link' && /\bmodulepreload\b/.test(attr(el, 'rel') ?? '')) return [attr(el, 'href')!];
    return [];
  });
}

/** Module specifiers written as string literals: static imports, re-exports and `import("…")`. */
export function importedSpecifiers(code: string): string[] {
  const found = new Set<string>();
  for (const [, spec] of code.matchAll(/\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g))
    found.add(spec!);
  for (const [, spec] of code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) found.add(spec!);
  return [...found];
}

export interface ScriptWeight {
  files: { path: string; bytes: number; gzip: number }[];
  gzipTotal: number;
}

/** The gzip size of every script a page loads, following the imports between them. */
export function scriptWeight(dist: string, page: Page, siteOrigin: string): ScriptWeight {
  const files: ScriptWeight['files'] = [];
  const seen = new Set<string>();
  const queue = scriptUrls(page).map((u) => new URL(u, siteOrigin + page.path));
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (url.origin !== siteOrigin || seen.has(url.pathname)) continue;
    seen.add(url.pathname);
    const file = fileFor(dist, url.pathname);
    if (!file) throw new Error(`${page.file} loads ${url.pathname}, which is not in the output`);
    const code = readFileSync(file);
    files.push({ path: url.pathname, bytes: code.length, gzip: gzipSync(code).length });
    for (const spec of importedSpecifiers(code.toString('utf8'))) {
      if (spec.startsWith('.') || spec.startsWith('/')) queue.push(new URL(spec, url));
    }
  }
  return { files, gzipTotal: files.reduce((sum, f) => sum + f.gzip, 0) };
}

/**
 * The build's diagram check: every diagram of every incident page must draw its smallest label at
 * MIN_LABEL_PX or larger at a desktop and a phone width. A diagram under it is reported where it
 * is written, with its file and line.
 *
 * The label size is computed, not measured page by page. Each SVG carries its smallest label at
 * its natural width (`data-smallest-label`, measured when Mermaid drew it) and the width range the
 * page may draw it at (../render/diagram-size.ts); the page draws it as wide as the column of its
 * figure allows within that range. So the size follows from the SVG and the column's width, and
 * only the column is measured in Chromium: once per kind of figure, page width and stylesheet,
 * kept on disk. A prose edit or a new diagram measures nothing; a changed stylesheet measures a
 * few pages. tests/e2e/flagship.test.ts checks that the computed sizes are the measured ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import type { IncidentRecord } from '../domain/incident-record.ts';
import type { IncidentEdition } from './editions.ts';
import type { Translator } from '../i18n/catalogue.ts';
import type { ChromiumPool } from '../render/chromium-pool.ts';
import { cacheKey, diskCache } from '../render/disk-cache.ts';
import { MIN_LABEL_PX, smallestLabels } from '../render/label-size.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { incidentView } from '../view/incident-view.ts';
import { distFile, distPage, incidentPageAddress, type BuiltSite } from './dist-browser.ts';

/** The page widths a reader is checked at: a laptop and a phone. */
export const CHECKED_WIDTHS = [1280, 390] as const;

/** A diagram as the built page carries it. */
export interface PageDiagram {
  id: string;
  /**
   * Where its figure sits, as the tags and classes from the page's body down to the figure
   * (`body>main>article.incident>div.prose>figure.diagram.mdx-diagram`): what decides the column
   * it is drawn in. measureColumns finds the figure by the same path in Chromium.
   */
  figure: string;
  /** Its smallest label at its natural width, in px. */
  smallest: number;
  /** Its natural (viewBox) width, and the narrowest and widest box the page may draw it in. */
  natural: number;
  minBox: number;
  maxBox: number;
}

/** How wide a figure of one kind is at one page width, and the padding of the SVG inside it. */
export interface Column {
  width: number;
  padding: number;
}

export interface Computed {
  id: string;
  px: number;
  /** The drawn width of the SVG's box, as the page lays it out. */
  width: number;
  pageWidth: number;
}

const REM = 16;
const calcPx = (text: string | undefined) => {
  const m = text && /calc\(\s*([\d.]+)px\s*\+\s*([\d.]+)rem\s*\)/.exec(text);
  return m ? Number(m[1]) + Number(m[2]) * REM : undefined;
};

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const step = (tag: string, classes: string) =>
  [tag.toLowerCase(), ...classes.split(/\s+/).filter(Boolean).sort()].join('.');

/** Every sized diagram of a built page: a `figure.diagram` and the SVG it starts with. */
export function pageDiagrams(html: string): PageDiagram[] {
  const found: PageDiagram[] = [];
  const open: string[] = [];
  let inSvg = 0;
  // A scan of the tags, enough to know where each figure sits; SVG content is skipped.
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const [whole, closing, tag, attributes] = m as unknown as [string, string, string, string];
    const name = tag.toLowerCase();
    if (inSvg > 0) {
      if (name === 'svg') inSvg += closing ? -1 : whole.endsWith('/>') ? 0 : 1;
      continue;
    }
    if (closing) {
      for (let at = open.length - 1; at >= 0; at--)
        if (open[at]!.split('.')[0] === name) {
          open.length = at;
          break;
        }
      continue;
    }
    if (name === 'svg') {
      const figure = open.at(-1);
      if (figure?.startsWith('figure.') && figure.split('.').includes('diagram')) {
        const diagram = sizedDiagram(whole, open.join('>'));
        if (diagram) found.push(diagram);
      }
      if (!whole.endsWith('/>')) inSvg = 1;
      continue;
    }
    if (VOID.has(name) || whole.endsWith('/>')) continue;
    open.push(step(name, /\sclass="([^"]*)"/.exec(attributes)?.[1] ?? ''));
  }
  return found;
}

function sizedDiagram(tag: string, figure: string): PageDiagram | undefined {
  const id = /\sid="([^"]+)"/.exec(tag)?.[1];
  const smallest = Number(/\sdata-smallest-label="([\d.]+)"/.exec(tag)?.[1]);
  const natural = Number(/\sviewBox="[-\d.e]+\s+[-\d.e]+\s+([\d.e]+)\s/.exec(tag)?.[1]);
  const style = /\sstyle="([^"]*)"/.exec(tag)?.[1] ?? '';
  const minBox = calcPx(/min-width:\s*(calc\([^)]*\))/.exec(style)?.[1]);
  const maxBox = calcPx(/max-width:\s*(calc\([^)]*\))/.exec(style)?.[1]);
  if (!id || !(smallest > 0) || !(natural > 0) || minBox === undefined || maxBox === undefined) return undefined;
  return {
    id,
    figure: figure.replace(/^html(\.[^>]*)?>/, '').replace(/^head(\.[^>]*)?>/, ''),
    smallest,
    natural,
    minBox,
    maxBox,
  };
}

/** Its smallest label where the page draws it in `column`: the box fills the column within its range. */
export function drawnLabel(diagram: PageDiagram, column: Column): { px: number; width: number } {
  const width = Math.max(diagram.minBox, Math.min(column.width, diagram.maxBox));
  const scale = (width - column.padding) / diagram.natural;
  return { px: Math.round(diagram.smallest * scale * 100) / 100, width: Math.round(width) };
}

/**
 * What a page does with the figures of each kind (the page already at the width to measure): the
 * column a figure gets, and, to check the model, how wide the page really draws the first SVG of
 * that kind. Null for a kind the page does not have.
 */
function measureColumns(page: Page, figures: readonly string[]): Promise<(Sample | null)[]> {
  return page.evaluate((kinds) => {
    // The path from the body down to an element, written as pageDiagrams writes it.
    const pathOf = (element: Element) => {
      const steps: string[] = [];
      for (let e: Element | null = element; e && e !== document.documentElement; e = e.parentElement)
        steps.unshift([e.tagName.toLowerCase(), ...[...e.classList].sort()].join('.'));
      return steps.join('>');
    };
    return kinds.map((kind) => {
      const figure = [...document.querySelectorAll('figure')].find((f) => pathOf(f) === kind);
      const svg = figure?.querySelector('svg');
      if (!figure || !svg) return null;
      const box = getComputedStyle(figure);
      const inner = figure.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight);
      const svgStyle = getComputedStyle(svg);
      return {
        column: { width: inner, padding: parseFloat(svgStyle.paddingLeft) + parseFloat(svgStyle.paddingRight) },
        svg: svg.id,
        drawn: svg.getBoundingClientRect().width,
      };
    });
  }, figures);
}

interface Sample {
  column: Column;
  /** The id of the SVG measured, and the width the page drew its box. */
  svg: string;
  drawn: number;
}

export interface ReadabilityResult {
  problems: ContentProblem[];
  /** Diagrams checked, each at every checked width. */
  diagrams: number;
  /** Layouts (a kind of figure at a width under one stylesheet) measured in Chromium, and taken from the cache. */
  measured: number;
  cached: number;
  /** Pages whose diagrams had to be measured one by one: a stylesheet sizes them otherwise than the model. */
  measuredPages: number;
}

interface BuiltPage {
  incident: IncidentRecord;
  /** Its folder under the base: `incidents/<slug>`, `zh-cn/incidents/<slug>`. */
  page: string;
  t: Translator;
  html: string;
  layout: string;
  diagrams: PageDiagram[];
}

export async function checkDiagramReadability(
  pool: ChromiumPool,
  editions: readonly IncidentEdition[],
  site: BuiltSite,
): Promise<ReadabilityResult> {
  const pages = editions.flatMap(({ incident, page, t }): BuiltPage[] => {
    try {
      const html = readFileSync(join(site.dir, page, 'index.html'), 'utf8');
      return [{ incident, page, t, html, layout: pageLayout(site.dist, html), diagrams: pageDiagrams(html) }];
    } catch {
      return [];
    }
  });
  const columns = await columnsFor(pool, site, pages);
  const result: ReadabilityResult = {
    problems: [],
    diagrams: 0,
    measured: columns.measured,
    cached: columns.cached,
    measuredPages: 0,
  };
  const measuredPages = new Set<string>();
  for (const page of pages) {
    const sources = incidentView(page.incident, page.t).diagrams;
    for (const pageWidth of CHECKED_WIDTHS) {
      // Where a stylesheet sizes a kind of figure otherwise than the model, measure the page itself.
      const measured = page.diagrams.some((d) => !columns.of(page.layout, d.figure, pageWidth))
        ? await measurePage(pool, site, page.page, pageWidth)
        : undefined;
      if (measured) measuredPages.add(page.page);
      for (const diagram of page.diagrams) {
        if (pageWidth === CHECKED_WIDTHS[0]) result.diagrams++;
        const column = columns.of(page.layout, diagram.figure, pageWidth);
        const drawn = column ? drawnLabel(diagram, column) : measured?.find((m) => m.id === diagram.id);
        if (!drawn || drawn.px >= MIN_LABEL_PX) continue;
        const source = sources.find((d) => d.prefix === diagram.id);
        result.problems.push({
          file: source?.file ?? `dist${site.base}${page.page}/index.html`,
          line: source?.line,
          message: `diagram "${diagram.id}" draws its smallest label at ${drawn.px.toFixed(1)} px on a ${pageWidth} px wide page (drawn ${drawn.width} px wide); labels must be at least ${MIN_LABEL_PX} px. Shorten its labels or split it; Aftermath lets a diagram scroll rather than shrink, so this usually means its own text is set smaller than ${MIN_LABEL_PX} px.`,
        });
      }
    }
  }
  result.measuredPages = measuredPages.size;
  return result;
}

/** Every diagram of a built page, measured where the page draws it (../render/label-size.ts). */
export function measurePage(pool: ChromiumPool, site: BuiltSite, pagePath: string, width: number) {
  return pool.run(distPage(site.dist, { viewport: { width, height: 900 } }), async (page) => {
    await page.goto(incidentPageAddress(site, pagePath), { waitUntil: 'load' });
    return page.evaluate(smallestLabels, 'figure.diagram svg[id]');
  });
}

/**
 * The column of every kind of figure the pages hold, at every checked width, under each layout:
 * from the cache, or measured on the first page that has that kind. A kind whose sample SVG the
 * page draws at another width than the model says gets no column (`of` returns undefined): its
 * diagrams are measured page by page.
 */
async function columnsFor(pool: ChromiumPool, site: BuiltSite, pages: readonly BuiltPage[]) {
  const cache = diskCache('checks', 'json');
  const found = new Map<string, Column | null>();
  const id = (layout: string, figure: string, width: number) =>
    cacheKey('diagram-column-2', layout, figure, String(width));
  let measured = 0;
  let cached = 0;
  const wanted = new Map<string, { page: BuiltPage; width: number; figures: Set<string> }>();
  for (const page of pages)
    for (const { figure } of page.diagrams)
      for (const width of CHECKED_WIDTHS) {
        const key = id(page.layout, figure, width);
        if (found.has(key)) continue;
        const stored = cache.read(key);
        if (stored !== undefined) {
          found.set(key, JSON.parse(stored) as Column | null);
          cached++;
          continue;
        }
        found.set(key, null); // measured below, on this page
        const visit = wanted.get(`${page.page}\0${width}`) ?? { page, width, figures: new Set() };
        visit.figures.add(figure);
        wanted.set(`${page.page}\0${width}`, visit);
      }
  await Promise.all(
    [...wanted.values()].map(async ({ page, width, figures }) => {
      const kinds = [...figures];
      const samples = await pool.run(distPage(site.dist, { viewport: { width, height: 900 } }), async (browserPage) => {
        await browserPage.goto(incidentPageAddress(site, page.page), { waitUntil: 'load' });
        return measureColumns(browserPage, kinds);
      });
      kinds.forEach((figure, i) => {
        const sample = samples[i];
        const diagram = page.diagrams.find((d) => d.id === sample?.svg);
        const fits = sample && diagram && Math.abs(drawnLabel(diagram, sample.column).width - sample.drawn) <= 1;
        const column = fits ? sample.column : null;
        found.set(id(page.layout, figure, width), column);
        cache.write(id(page.layout, figure, width), JSON.stringify(column));
        measured++;
      });
    }),
  );
  return {
    measured,
    cached,
    of: (layout: string, figure: string, width: number) => found.get(id(layout, figure, width)) ?? undefined,
  };
}

/**
 * What lays a page out besides its own markup: the stylesheets it links and the style elements
 * it holds outside its SVGs (Astro inlines small stylesheets).
 */
export function pageLayout(outDir: string, html: string): string {
  const inline = [...html.replace(/<svg\b[\s\S]*?<\/svg>/g, '').matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)].map(
    (m) => m[1]!,
  );
  return cacheKey(stylesheets(outDir, html), ...inline);
}

/** The text of every stylesheet a page links. */
function stylesheets(outDir: string, html: string): string {
  return [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)]
    .map((m) => {
      const file = distFile(outDir, m[1]!);
      return file ? readFileSync(file, 'utf8') : m[1]!;
    })
    .join('\0');
}

/** An incident page's HTML and what lays it out: what decides how it prints. */
export function pageFingerprint(outDir: string, html: string): string {
  return cacheKey('page-1', html, pageLayout(outDir, html));
}

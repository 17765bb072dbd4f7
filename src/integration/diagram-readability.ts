/**
 * The build's diagram check: every incident page, opened in Chromium at a desktop and a phone
 * width, must draw each diagram's smallest label at MIN_LABEL_PX or larger (font size times the
 * SVG's scale). A diagram under it is reported where it is written, with its file and line.
 * A page's result is cached by its HTML and stylesheets, so an unchanged page is not opened again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import type { IncidentRecord } from '../domain/incident-record.ts';
import { cacheKey, diskCache } from '../render/disk-cache.ts';
import { MIN_LABEL_PX, smallestLabels } from '../render/label-size.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { incidentDiagrams } from '../view/incident-view.ts';
import { distContext, distFile, DIST_ORIGIN } from './dist-browser.ts';

/** The page widths a reader is checked at: a laptop and a phone. */
export const CHECKED_WIDTHS = [1280, 390] as const;

export interface Measured {
  id: string;
  px: number;
  width: number;
  pageWidth: number;
}

/** An incident page's HTML and the stylesheets it links: what decides how its diagrams are drawn. */
export function pageFingerprint(outDir: string, html: string): string {
  const styles = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => {
    const file = distFile(outDir, m[1]!);
    return file ? readFileSync(file, 'utf8') : m[1]!;
  });
  return cacheKey('diagram-readability-1', String(MIN_LABEL_PX), CHECKED_WIDTHS.join(','), html, ...styles);
}

/** Every diagram of an incident's built page, measured at each checked width. */
export async function measureIncidentDiagrams(browser: Browser, outDir: string, slug: string): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (const pageWidth of CHECKED_WIDTHS) {
    const context = await distContext(browser, outDir, { viewport: { width: pageWidth, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${DIST_ORIGIN}/incidents/${slug}/`, { waitUntil: 'load' });
      for (const m of await page.evaluate(smallestLabels, 'figure.diagram svg[id]')) measured.push({ ...m, pageWidth });
    } finally {
      await context.close();
    }
  }
  return measured;
}

/** The diagrams whose text is drawn too small, as problems located where each diagram is written. */
export async function checkDiagramReadability(
  browser: () => Promise<Browser>,
  incidents: readonly IncidentRecord[],
  outDir: string,
): Promise<{ problems: ContentProblem[]; checked: number; cached: number }> {
  const cache = diskCache('checks', 'json');
  const problems: ContentProblem[] = [];
  let checked = 0;
  let cached = 0;
  for (const incident of incidents) {
    const file = join(outDir, 'incidents', incident.slug, 'index.html');
    let html: string;
    try {
      html = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const key = pageFingerprint(outDir, html);
    const stored = cache.read(key);
    let measured: Measured[];
    if (stored !== undefined) {
      measured = JSON.parse(stored) as Measured[];
      cached++;
    } else {
      measured = await measureIncidentDiagrams(await browser(), outDir, incident.slug);
      cache.write(key, JSON.stringify(measured));
      checked++;
    }
    const diagrams = incidentDiagrams(incident);
    for (const m of measured.filter((x) => x.px < MIN_LABEL_PX)) {
      const source = diagrams.find((d) => d.prefix === m.id);
      problems.push({
        file: source?.file ?? `dist/incidents/${incident.slug}/index.html`,
        line: source?.line,
        message: `diagram "${m.id}" draws its smallest label at ${m.px.toFixed(1)} px on a ${m.pageWidth} px wide page (drawn ${m.width} px wide); labels must be at least ${MIN_LABEL_PX} px. Shorten its labels or split it; Aftermath lets a diagram scroll rather than shrink, so this usually means its own text is set smaller than ${MIN_LABEL_PX} px.`,
      });
    }
  }
  return { problems, checked, cached };
}

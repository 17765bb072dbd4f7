/**
 * Each incident's PDF, `dist/incidents/<slug>.pdf`, printed from its built page by Chromium: the
 * print stylesheet (no navigation, light colours), every <details> opened, diagrams kept as
 * vectors, links kept, page numbers, and the page's address and the incident's "as of" date in
 * the footer. A PDF is kept on disk under a hash of what decides it (the page, its stylesheets,
 * its address, that date and this module), never of the day it is built: an unchanged incident
 * is printed once, whatever day the site is rebuilt. Pages print several at once (the pool).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { incidentAsOf } from '../domain/incidents.ts';
import { english, type Translator } from '../i18n/catalogue.ts';
import type { IncidentEdition } from './editions.ts';
import type { ChromiumPool } from '../render/chromium-pool.ts';
import { cacheKey, codeVersion, diskCache } from '../render/disk-cache.ts';
import { installedFonts } from '../render/chromium.ts';
import { pageFingerprint } from './diagram-readability.ts';
import { distPage, incidentPageAddress, type BuiltSite } from './dist-browser.ts';
import { escapeHtml } from '../domain/text.ts';

/** The footer Chromium prints on every page: where the document comes from, as of when, page n of m. */
export function pdfFooter(source: string, asOf: string | undefined, t: Translator = english): string {
  // Chromium fills in the two numbers; the words around them are the page's.
  const [before, between, after] = t('pdf.pageOf').split(/\{(?:page|pages)\}/);
  return `<div style="font: 8px system-ui, sans-serif; color: #4f5863; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between; gap: 8mm">
  <span>${escapeHtml(source)}${asOf ? escapeHtml(t('pdf.asOf', { day: asOf })) : ''}</span>
  <span style="white-space: nowrap">${escapeHtml(before ?? '')}<span class="pageNumber"></span>${escapeHtml(between ?? '')}<span class="totalPages"></span>${escapeHtml(after ?? '')}</span>
</div>`;
}

async function printOn(page: Page, address: string, footer: string): Promise<Buffer> {
  await page.goto(address, { waitUntil: 'load' });
  await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
  });
  return page.pdf({
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: footer,
    margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
    tagged: true,
    outline: true,
  });
}

export interface PdfStats {
  printed: number;
  cached: number;
  files: string[];
}

export async function renderIncidentPdfs(
  pool: ChromiumPool,
  editions: readonly IncidentEdition[],
  site: BuiltSite,
): Promise<PdfStats> {
  const cache = diskCache('pdf', 'pdf');
  const version = codeVersion(['integration/incident-pdf.ts']) ?? 'unversioned';
  const kind = distPage(site.dist, { viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const stats: PdfStats = { printed: 0, cached: 0, files: [] };
  await Promise.all(
    editions.map(async ({ incident, page, t }) => {
      const pageFile = join(site.dir, page, 'index.html');
      if (!existsSync(pageFile)) return;
      const html = readFileSync(pageFile, 'utf8');
      // The page's public address when the site has one, else its path.
      const source = /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1] ?? `${site.base}${page}/`;
      const footer = pdfFooter(source, incidentAsOf(incident), t);
      const key = cacheKey('incident-pdf-2', version, installedFonts(), pageFingerprint(site.dist, html), footer);
      const target = join(site.dir, `${page}.pdf`);
      stats.files.push(target);
      if (cache.has(key)) {
        cache.placeAt(key, target);
        stats.cached++;
        return;
      }
      const pdf = await pool.run(
        kind,
        (browserPage) => printOn(browserPage, incidentPageAddress(site, page), footer),
        'PDFs are printed with it',
      );
      cache.write(key, pdf);
      writeFileSync(target, pdf);
      stats.printed++;
    }),
  );
  stats.files.sort();
  return stats;
}

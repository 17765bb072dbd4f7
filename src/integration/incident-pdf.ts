/**
 * Each incident's PDF, `dist/incidents/<slug>.pdf`, printed from its built page by Chromium: the
 * print stylesheet (no navigation, light colours), every <details> opened, diagrams kept as
 * vectors, links kept, page numbers and the page's address and build date in the footer. PDFs are
 * cached on disk by the page's HTML and stylesheets and the build date, so an unchanged incident
 * costs nothing on the next build of the day.
 */
import { copyFileSync, existsSync, linkSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import type { IncidentRecord } from '../domain/incident-record.ts';
import { cacheKey, diskCache } from '../render/disk-cache.ts';
import { pageFingerprint } from './diagram-readability.ts';
import { distContext, DIST_ORIGIN } from './dist-browser.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The footer Chromium prints on every page: where the document comes from, when it was built, page n of m. */
export function pdfFooter(source: string, builtOn: string): string {
  return `<div style="font: 8px system-ui, sans-serif; color: #4f5863; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between; gap: 8mm">
  <span>${escapeHtml(source)} · built ${escapeHtml(builtOn)}</span>
  <span style="white-space: nowrap">Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>
</div>`;
}

export async function printIncidentPdf(
  browser: Browser,
  outDir: string,
  slug: string,
  source: string,
  builtOn: string,
): Promise<Buffer> {
  const context = await distContext(browser, outDir, { viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  try {
    const page = await context.newPage();
    await page.goto(`${DIST_ORIGIN}/incidents/${slug}/`, { waitUntil: 'load' });
    await page.evaluate(() => {
      for (const details of document.querySelectorAll('details')) details.open = true;
    });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: pdfFooter(source, builtOn),
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      tagged: true,
      outline: true,
    });
  } finally {
    await context.close();
  }
}

export async function renderIncidentPdfs(
  browser: () => Promise<Browser>,
  incidents: readonly IncidentRecord[],
  outDir: string,
  builtOn = new Date().toISOString().slice(0, 10),
): Promise<{ printed: number; cached: number; files: string[] }> {
  const cache = diskCache('pdf', 'pdf');
  let printed = 0;
  let cached = 0;
  const files: string[] = [];
  for (const incident of incidents) {
    const pageFile = join(outDir, 'incidents', incident.slug, 'index.html');
    if (!existsSync(pageFile)) continue;
    const html = readFileSync(pageFile, 'utf8');
    // The page's public address when the site has one, else its path.
    const source = /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1] ?? `/incidents/${incident.slug}/`;
    const key = cacheKey('incident-pdf-1', pageFingerprint(outDir, html), source, builtOn);
    const target = join(outDir, 'incidents', `${incident.slug}.pdf`);
    if (cache.has(key)) {
      linkOrCopy(cache.file(key), target);
      cached++;
    } else {
      const pdf = await printIncidentPdf(await browser(), outDir, incident.slug, source, builtOn);
      cache.write(key, pdf);
      writeFileSync(target, pdf);
      printed++;
    }
    files.push(target);
  }
  return { printed, cached, files };
}

/** dist/ is emptied before each build, so a hard link is always a new file; across file systems, a copy. */
function linkOrCopy(from: string, to: string) {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

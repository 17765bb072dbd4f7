/**
 * What the build does for readers once the pages are written, on the process's Chromium pool:
 * the diagram readability check (./diagram-readability.ts), which stops the build on a diagram
 * whose text is drawn too small, and each incident's PDF (./incident-pdf.ts).
 */
import type { AstroIntegrationLogger } from 'astro';
import type { IncidentEdition } from './editions.ts';
import type { ChromiumPool } from '../render/chromium-pool.ts';
import { MIN_LABEL_PX } from '../render/label-size.ts';
import { ContentError } from '../schemas/problems.ts';
import type { BuildReport } from './build-report.ts';
import { CHECKED_WIDTHS, checkDiagramReadability } from './diagram-readability.ts';
import type { BuiltSite } from './dist-browser.ts';
import { renderIncidentPdfs } from './incident-pdf.ts';

export async function buildReadingOutputs(
  pool: ChromiumPool,
  pages: readonly IncidentEdition[],
  printed: readonly IncidentEdition[],
  site: BuiltSite,
  logger: AstroIntegrationLogger,
  report: BuildReport,
  pdf: boolean,
): Promise<void> {
  const check = await report.time('label check', () => checkDiagramReadability(pool, pages, site));
  report.count('label check', check.cached, check.measured);
  if (check.problems.length > 0) throw new ContentError(check.problems);
  logger.info(
    `diagram text: ${check.diagrams} diagram(s), every label at least ${MIN_LABEL_PX} px at ${CHECKED_WIDTHS.join(' and ')} px (${check.measured} column width(s) measured, ${check.cached} from cache)`,
  );
  if (!pdf) return;
  const pdfs = await report.time('PDF', () => renderIncidentPdfs(pool, printed, site));
  report.count('PDF', pdfs.cached, pdfs.printed);
  logger.info(
    `PDFs: ${pdfs.cached} from cache, ${pdfs.printed} printed (dist${site.base}[<locale>/]incidents/<slug>.pdf)`,
  );
}

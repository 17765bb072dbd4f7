/**
 * What the build does for readers once the pages are written, in one Chromium session opened only
 * when something is not cached: the diagram readability check (./diagram-readability.ts), which
 * stops the build on a diagram whose text is drawn too small, and each incident's PDF (./incident-pdf.ts).
 */
import type { AstroIntegrationLogger } from 'astro';
import { chromium, type Browser } from 'playwright';
import type { IncidentRecord } from '../domain/incident-record.ts';
import { chromiumLaunchOptions } from '../render/chromium.ts';
import { MIN_LABEL_PX } from '../render/label-size.ts';
import { ContentError } from '../schemas/problems.ts';
import { CHECKED_WIDTHS, checkDiagramReadability } from './diagram-readability.ts';
import { renderIncidentPdfs } from './incident-pdf.ts';

export async function buildReadingOutputs(
  incidents: readonly IncidentRecord[],
  outDir: string,
  logger: AstroIntegrationLogger,
): Promise<void> {
  let browser: Promise<Browser> | undefined;
  const open = () => (browser ??= chromium.launch(chromiumLaunchOptions));
  try {
    const check = await checkDiagramReadability(open, incidents, outDir);
    if (check.problems.length > 0) throw new ContentError(check.problems);
    logger.info(
      `diagram text: ${check.checked} page(s) measured, ${check.cached} from cache; every label at least ${MIN_LABEL_PX} px at ${CHECKED_WIDTHS.join(' and ')} px`,
    );
    const pdfs = await renderIncidentPdfs(open, incidents, outDir);
    logger.info(`PDFs: ${pdfs.cached} from cache, ${pdfs.printed} printed (dist/incidents/<slug>.pdf)`);
  } finally {
    if (browser) await (await browser).close();
  }
}

/**
 * Renders each published incident's social card to `dist/og/<slug>.png` in one Chromium session
 * at the end of the build. PNGs are cached on disk by a hash of the card's HTML, so an unchanged
 * incident costs nothing on the next build.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { incidentDateText, incidentDuration } from '../lib/incidents.ts';
import { chromiumLaunchOptions } from '../lib/chromium.ts';
import { socialCardHtml } from '../lib/social-card.ts';
import type { IncidentRecord } from './archive.ts';
import { diagramCacheDir } from './diagrams.ts';

export async function renderSocialCards(incidents: readonly IncidentRecord[], outDir: string): Promise<{ rendered: number; cached: number }> {
  const cacheDir = join(diagramCacheDir, '..', 'cards');
  mkdirSync(cacheDir, { recursive: true });
  mkdirSync(join(outDir, 'og'), { recursive: true });
  const missing: { html: string; cached: string; target: string }[] = [];
  let cached = 0;
  for (const incident of incidents) {
    const duration = incidentDuration(incident);
    const html = socialCardHtml({
      title: incident.frontmatter.title,
      impact: incident.frontmatter.impact,
      severity: incident.frontmatter.severity,
      date: incidentDateText(incident),
      duration: duration.basis === 'unknown' ? 'duration unknown' : `${duration.text} (${duration.basis})`,
    });
    const file = join(cacheDir, `${createHash('sha256').update(html).digest('hex')}.png`);
    const target = join(outDir, 'og', `${incident.slug}.png`);
    if (existsSync(file)) {
      copyFileSync(file, target);
      cached++;
    } else missing.push({ html, cached: file, target });
  }
  if (missing.length > 0) {
    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 630 } });
      for (const card of missing) {
        await page.setContent(card.html);
        const temp = `${card.cached}.${process.pid}.tmp`;
        await page.screenshot({ path: temp, type: 'png' });
        renameSync(temp, card.cached);
        copyFileSync(card.cached, card.target);
      }
    } finally {
      await browser.close();
    }
  }
  return { rendered: missing.length, cached };
}

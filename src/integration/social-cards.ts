/**
 * Renders each published incident's social card to `dist/og/<slug>.png` in one Chromium session
 * at the end of the build. PNGs are cached on disk by a hash of the card's HTML, so an unchanged
 * incident costs nothing on the next build.
 */
import { copyFileSync, linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { incidentDateText, incidentDuration } from '../domain/incidents.ts';
import { chromiumLaunchOptions, requireChromium } from '../render/chromium.ts';
import { socialCardHtml } from '../render/social-card.ts';
import type { IncidentRecord } from '../domain/incident-record.ts';
import { cacheKey, diskCache } from '../render/disk-cache.ts';

export async function renderSocialCards(
  incidents: readonly IncidentRecord[],
  outDir: string,
): Promise<{ rendered: number; cached: number }> {
  const cache = diskCache('cards', 'png');
  mkdirSync(join(outDir, 'og'), { recursive: true });
  const missing: { html: string; key: string; target: string }[] = [];
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
    const key = cacheKey(html);
    const target = join(outDir, 'og', `${incident.slug}.png`);
    if (cache.has(key)) {
      linkOrCopy(cache.file(key), target);
      cached++;
    } else missing.push({ html, key, target });
  }
  if (missing.length > 0) {
    requireChromium('social cards (dist/og/*.png) are drawn with it');
    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 630 } });
      for (const card of missing) {
        await page.setContent(card.html);
        const png = await page.screenshot({ type: 'png' });
        cache.write(card.key, png);
        writeFileSync(card.target, png);
      }
    } finally {
      await browser.close();
    }
  }
  return { rendered: missing.length, cached };
}

/**
 * A hard link costs nothing to write, where copying a thousand cards is over a second. dist/ is
 * emptied before each build, so the link is always a new file; across file systems, a copy.
 */
function linkOrCopy(from: string, to: string) {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * Each published incident's social card, `dist/og/<slug>.png`, drawn by Chromium from the card's
 * HTML (../render/social-card.ts) on the pool's pages. A card depends on the incident's record
 * alone, so cards are drawn while Astro is still building the pages; PNGs are kept on disk under
 * a hash of the card's HTML, so an unchanged incident costs nothing on the next build.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { incidentDateText, incidentDuration } from '../domain/incidents.ts';
import type { IncidentRecord } from '../domain/incident-record.ts';
import type { ChromiumPool, PageKind } from '../render/chromium-pool.ts';
import { cacheKey, diskCache } from '../render/disk-cache.ts';
import { socialCardHtml } from '../render/social-card.ts';

const CARD_PAGE: PageKind = {
  name: 'social card',
  open: (browser) => browser.newPage({ viewport: { width: 1200, height: 630 } }),
};

export interface CardStats {
  rendered: number;
  cached: number;
}

/** Draws the missing cards into the cache; `placeCards` puts them in dist/ once it exists. */
export async function renderSocialCards(
  pool: ChromiumPool,
  incidents: readonly IncidentRecord[],
  site: string,
): Promise<CardStats> {
  const cache = diskCache('cards', 'png');
  const stats: CardStats = { rendered: 0, cached: 0 };
  await Promise.all(
    incidents.map(async (incident) => {
      const html = cardHtml(incident, site);
      const key = cacheKey(html);
      if (cache.has(key)) {
        stats.cached++;
        return;
      }
      const png = await pool.run(
        CARD_PAGE,
        async (page) => {
          await page.setContent(html);
          return page.screenshot({ type: 'png' });
        },
        'social cards (dist/og/*.png) are drawn with it',
      );
      cache.write(key, png);
      stats.rendered++;
    }),
  );
  return stats;
}

/** Puts each incident's card (drawn by `renderSocialCards`) at `dist/og/<slug>.png`. */
export function placeCards(incidents: readonly IncidentRecord[], outDir: string, site: string): void {
  const cache = diskCache('cards', 'png');
  mkdirSync(join(outDir, 'og'), { recursive: true });
  for (const incident of incidents) {
    const key = cacheKey(cardHtml(incident, site));
    const target = join(outDir, 'og', `${incident.slug}.png`);
    // renderSocialCards drew every card or failed the build: a missing one is Aftermath's bug.
    if (!cache.has(key))
      throw new Error(`the social card of ${incident.slug} was not drawn before the pages were written`);
    cache.placeAt(key, target);
  }
}

function cardHtml(incident: IncidentRecord, site: string): string {
  const duration = incidentDuration(incident);
  return socialCardHtml({
    title: incident.frontmatter.title,
    impact: incident.frontmatter.impact,
    severity: incident.frontmatter.severity,
    date: incidentDateText(incident),
    duration: duration.basis === 'unknown' ? 'duration unknown' : `${duration.text} (${duration.basis})`,
    site,
  });
}

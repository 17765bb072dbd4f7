/**
 * Each published incident's social card, `dist/og/<slug>.png` (a translated edition's at
 * `dist/og/<locale>/<slug>.png`, in its words), drawn by Chromium from the card's
 * HTML (../render/social-card.ts) on the pool's pages. A card depends on the incident's record
 * alone, so cards are drawn while Astro is still building the pages; PNGs are kept on disk under
 * a hash of the card's HTML, so an unchanged incident costs nothing on the next build.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { incidentDateText, incidentDuration } from '../domain/incidents.ts';
import { formatDurationIn, severityWords } from '../i18n/format.ts';
import { installedFonts } from '../render/chromium.ts';
import type { IncidentEdition } from './editions.ts';
import { cardPath } from '../view/edition-paths.ts';
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
  editions: readonly IncidentEdition[],
  site: string,
): Promise<CardStats> {
  const cache = diskCache('cards', 'png');
  const stats: CardStats = { rendered: 0, cached: 0 };
  await Promise.all(
    editions.map(async (edition) => {
      const html = cardHtml(edition, site);
      const key = cacheKey(installedFonts(), html);
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

/** Puts each edition's card (drawn by `renderSocialCards`) at its `cardPath`. */
export function placeCards(editions: readonly IncidentEdition[], outDir: string, site: string): void {
  const cache = diskCache('cards', 'png');
  for (const edition of editions) {
    const key = cacheKey(installedFonts(), cardHtml(edition, site));
    const target = join(outDir, cardPath(edition.page));
    // renderSocialCards drew every card or failed the build: a missing one is Aftermath's bug.
    if (!cache.has(key))
      throw new Error(`the social card of ${edition.page} was not drawn before the pages were written`);
    mkdirSync(dirname(target), { recursive: true });
    cache.placeAt(key, target);
  }
}

function cardHtml({ incident, t }: IncidentEdition, site: string): string {
  const duration = incidentDuration(incident);
  return socialCardHtml({
    title: incident.frontmatter.title,
    impact: incident.frontmatter.impact,
    severity: severityWords(t, incident.frontmatter.severity),
    date: incidentDateText(incident),
    duration:
      duration.basis === 'unknown'
        ? t('card.durationUnknown')
        : t('card.duration', {
            duration: formatDurationIn(t, duration.ms),
            basis: t(duration.basis === 'impact window' ? 'card.basis.impactWindow' : 'card.basis.startToResolution'),
          }),
    lang: t.lang,
    kind: t('card.kind'),
    site,
  });
}

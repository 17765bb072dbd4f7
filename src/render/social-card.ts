/**
 * The social card of an incident (1200×630, what link previews show) as a self-contained HTML
 * document; src/integration/social-cards.ts turns it into a PNG at build time. Pure.
 */
import { escapeHtml } from '../domain/text.ts';

export interface SocialCardData {
  title: string;
  impact: string;
  /** `SEV1 · critical`, in the card's language. */
  severity: string;
  date: string;
  duration: string;
  /** The site's title (`aftermath({ title })`), at the foot of the card, and what the card is. */
  site: string;
  kind: string;
  /** BCP 47: the card's language (Chromium picks the fonts for it: Noto CJK for Chinese). */
  lang: string;
}

export function socialCardHtml(card: SocialCardData): string {
  const titleSize = card.title.length > 90 ? 46 : card.title.length > 60 ? 54 : 62;
  return `<!doctype html><html lang="${escapeHtml(card.lang)}"><head><meta charset="utf-8"><style>
  * { box-sizing: border-box; margin: 0; }
  body { width: 1200px; height: 630px; font-family: 'Liberation Sans', Arial, 'Noto Sans CJK SC', sans-serif; background: #111418; color: #e6e8eb;
         padding: 64px 72px; display: flex; flex-direction: column; gap: 28px; }
  .meta { display: flex; gap: 24px; font-size: 28px; color: #a7b0ba; align-items: center; }
  .sev { border: 3px solid #ff8a80; color: #ff8a80; border-radius: 8px; padding: 2px 14px; font-weight: 700; }
  h1 { font-size: ${titleSize}px; line-height: 1.15; font-weight: 700; }
  p { font-size: 30px; line-height: 1.35; color: #c9d1d9; }
  .brand { margin-top: auto; font-size: 26px; color: #8ab4ff; font-weight: 700; }
</style></head><body>
  <div class="meta"><span class="sev">${escapeHtml(card.severity)}</span><span>${escapeHtml(card.date)}</span><span>${escapeHtml(card.duration)}</span></div>
  <h1>${escapeHtml(card.title)}</h1>
  <p>${escapeHtml(card.impact)}</p>
  <div class="brand">${escapeHtml(card.site)} · ${escapeHtml(card.kind)}</div>
</body></html>`;
}

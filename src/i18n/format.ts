/**
 * Durations and dates in the page's language: the same units and calendar as the English pages
 * (src/domain/time.ts decides which units), the words from the catalogue and Intl.
 */
import { durationParts } from '../domain/time.ts';
import type { Translator } from './catalogue.ts';
import { statuspageImpact } from '../domain/severity.ts';
import type { Severity } from '../schemas/incident.ts';

/** `9 h 12 min` / `9 小时 12 分钟`; the catalogue's "unknown" when not a duration. */
export function formatDurationIn(t: Translator, ms: number | undefined): string {
  const parts = ms === undefined ? undefined : durationParts(ms);
  if (!parts) return t('duration.unknown');
  return parts.map((p) => t(`duration.${p.unit}`, { n: p.n })).join(' ');
}

/** A language's name in the page's language (Intl): `English` on English pages, `英语` on Chinese ones. */
export function languageName(t: Translator, lang: string): string {
  return new Intl.DisplayNames([t.lang], { type: 'language' }).of(lang) ?? lang;
}

/** `SEV1 · critical` / `SEV1 · 严重`: a severity with its Statuspage impact level in words. */
export function severityWords(t: Translator, severity: Severity): string {
  return `${severity} · ${t(`severity.impact.${statuspageImpact(severity)}`)}`;
}

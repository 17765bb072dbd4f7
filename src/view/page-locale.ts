/**
 * Which locale a page is in, from its address: the site's first locale at Aftermath's base
 * (`/incidents/…`), another under its code (`/zh-cn/incidents/…`). Every component asks this of
 * `Astro.url`, so a component used on both editions — and inside a story — speaks the page's
 * language without being told.
 */
import config from 'virtual:aftermath/config';
import { makeTranslator, type Translator } from '../i18n/catalogue.ts';
import type { LocaleDefinition } from '../i18n/registry.ts';
import type { IncidentTranslation } from '../domain/incident-record.ts';

const translators = new Map<string, Translator>();

/** The locale of the page at `url` (its path under the site's base). */
export function pageLocale(url: URL): LocaleDefinition {
  const rest = url.pathname.startsWith(config.base) ? url.pathname.slice(config.base.length) : '';
  const code = rest.split('/')[0];
  return config.locales.find((l, i) => i > 0 && l.code === code) ?? config.locales[0]!;
}

export function translatorFor(url: URL): Translator {
  return translator(pageLocale(url));
}

export function translator(locale: LocaleDefinition): Translator {
  let t = translators.get(locale.code);
  if (!t) translators.set(locale.code, (t = makeTranslator(locale.code, locale.lang, locale.strings)));
  return t;
}

/** `path` (relative to the base, e.g. `incidents/x/`) in `locale`'s edition. */
export function localeHref(locale: Pick<LocaleDefinition, 'code'>, path = ''): string {
  return locale.code === config.locales[0]!.code ? `${config.base}${path}` : `${config.base}${locale.code}/${path}`;
}

/** The page's path relative to the base, without its locale: what its other editions share. */
function pathInEveryLocale(url: URL): string {
  const rest = url.pathname.startsWith(config.base) ? url.pathname.slice(config.base.length) : '';
  const code = rest.split('/')[0];
  return config.locales.some((l, i) => i > 0 && l.code === code) ? rest.slice(code!.length + 1) : rest;
}

export interface PageEdition {
  code: string;
  lang: string;
  label: string;
  href: string;
  current: boolean;
}

/** The page in each of the site's locales, the site's first locale first. */
export function pageEditions(url: URL): PageEdition[] {
  const path = pathInEveryLocale(url);
  const here = pageLocale(url).code;
  return config.locales.map((l) => ({
    code: l.code,
    lang: l.lang,
    label: l.label,
    href: localeHref(l, path),
    current: l.code === here,
  }));
}

/**
 * The language to mark a text with on this page: the incidents' own (`en`) when the page is in
 * another locale and the text is one of the incident's that has no translation, else none (the
 * page's). For the data's words a translation left as they were.
 */
export function untranslatedLang(url: URL, incident: { translations: readonly IncidentTranslation[] }) {
  const here = pageLocale(url).code;
  const missing = new Set(incident.translations.find((t) => t.locale === here)?.untranslated ?? []);
  const source = config.locales[0]!;
  return (text: string | undefined): string | undefined =>
    here !== source.code &&
    text !== undefined &&
    (missing.has(text) || !incident.translations.some((t) => t.locale === here))
      ? source.lang
      : undefined;
}

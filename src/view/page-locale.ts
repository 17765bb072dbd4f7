/**
 * Which locale a page is in, from its address: the site's first locale at Aftermath's base
 * (`/incidents/…`), another under its code (`/zh-cn/incidents/…`). Every component asks this of
 * `Astro.url`, so a component used on both editions — and inside a story — speaks the page's
 * language without being told.
 */
import config from 'virtual:aftermath/config';
import { makeTranslator, type Translator, type UiKey } from '../i18n/catalogue.ts';
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

/** The names of the catalogue's keys under `prefix.` (`theme` → `label`, `dark`, …). */
type KeysUnder<P extends string> = UiKey extends infer K ? (K extends `${P}.${infer N}` ? N : never) : never;

/**
 * The words a page's script says, by the names it knows them by: each the catalogue's
 * `prefix.name` in the page's language, for a `data-words` attribute.
 */
export function scriptWords<P extends string, N extends KeysUnder<P>>(
  t: Translator,
  prefix: P,
  names: readonly N[],
): Record<N, string> {
  return Object.fromEntries(names.map((name) => [name, t(`${prefix}.${name}` as UiKey)])) as Record<N, string>;
}

/** The language of a text the page's translation left as written (none: the page's). */
export type TextLang = (text: string | undefined) => string | undefined;

/** For a page whose texts are all in its own language. */
export const pageLanguage: TextLang = () => undefined;

/**
 * The language to mark a text with on this page: the incidents' own (`en`) when the page is in
 * another locale and the text is one of the incident's that has no translation, else none (the
 * page's). For the data's words a translation left as they were.
 */
export function untranslatedLang(url: URL, incident: { translations: readonly IncidentTranslation[] }): TextLang {
  const here = pageLocale(url).code;
  const missing = new Set(incident.translations.find((t) => t.locale === here)?.untranslated ?? []);
  const source = config.locales[0]!;
  return (text) =>
    here !== source.code &&
    text !== undefined &&
    (missing.has(text) || !incident.translations.some((t) => t.locale === here))
      ? source.lang
      : undefined;
}

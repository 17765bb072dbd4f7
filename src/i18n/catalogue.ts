/**
 * The words of Aftermath's own pages (the chrome: navigation, the summary card, metrics, matrix
 * legends, notices, …), one catalogue per locale. English is the reference: every other
 * catalogue has its keys (a built-in one by its type, a site's own is checked when the options are
 * read) and falls back to English where a site's catalogue leaves a key out.
 *
 * Values are plain text with `{name}` placeholders, so that a site can give a catalogue in its
 * astro.config as data; a key ending in `_one` is used instead of its plain form when `{count}`
 * is 1 (Intl.PluralRules decides; Chinese has no `_one`).
 */
import { en } from './locales/en.ts';

export type UiKey = Extract<keyof typeof en, string>;
export type UiStrings = Record<UiKey, string>;

export interface Translator {
  /** The locale's code as in URLs (`en`, `zh-cn`). */
  locale: string;
  /** Its BCP 47 tag, for `lang` and Intl (`en`, `zh-CN`). */
  lang: string;
  (key: UiKey, vars?: Record<string, string | number>): string;
}

export function makeTranslator(locale: string, lang: string, strings: Partial<UiStrings>): Translator {
  const plural = new Intl.PluralRules(lang);
  const t = (key: UiKey, vars: Record<string, string | number> = {}) => {
    const one = `${key}_one` as UiKey;
    const chosen = typeof vars.count === 'number' && plural.select(vars.count) === 'one' && one in en ? one : key;
    const template: string = strings[chosen] ?? en[chosen];
    return template.replace(/\{(\w+)\}/g, (whole: string, name: string) =>
      name in vars ? formatVar(vars[name]!, lang) : whole,
    );
  };
  return Object.assign(t, { locale, lang });
}

const numbers = new Map<string, Intl.NumberFormat>();
function formatVar(value: string | number, lang: string): string {
  if (typeof value === 'string') return value;
  let format = numbers.get(lang);
  if (!format) numbers.set(lang, (format = new Intl.NumberFormat(lang)));
  return format.format(value);
}

/** Aftermath's own words in English: the exports that are English by contract (JSON, OSV) and tests. */
export const english: Translator = makeTranslator('en', 'en', en);

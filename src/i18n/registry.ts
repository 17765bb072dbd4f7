/**
 * The locales Aftermath has catalogues for, by the code a site names in `aftermath({ locales })`
 * and in its URLs. A new built-in locale is one catalogue module (./locales/) and one line here;
 * a site adds its own with `{ code, label, lang, strings }` in its config instead.
 */
import type { UiStrings } from './catalogue.ts';
import { en } from './locales/en.ts';
import { zhCn } from './locales/zh-cn.ts';

export interface LocaleDefinition {
  /** As in URLs and file names: `zh-cn` (`index.zh-cn.mdx`, `/zh-cn/incidents/…`). */
  code: string;
  /** BCP 47, for `lang`, `hreflang` and Intl: `zh-CN`. */
  lang: string;
  /** The language's own name, for the locale switcher: `简体中文`. */
  label: string;
  strings: Partial<UiStrings>;
}

export const BUILT_IN_LOCALES: Readonly<Record<string, LocaleDefinition>> = {
  en: { code: 'en', lang: 'en', label: 'English', strings: en },
  'zh-cn': { code: 'zh-cn', lang: 'zh-CN', label: '简体中文', strings: zhCn },
};

/**
 * The catalogues of Aftermath's own words (src/i18n/): every locale says every key with the same
 * placeholders, a site's own catalogue is checked when the options are read and falls back to
 * English key by key, and dates, durations and plurals follow the locale.
 */
import { describe, expect, it } from 'vitest';
import { english, makeTranslator, type UiKey } from '../../src/i18n/catalogue.ts';
import { formatDurationIn, languageName, severityWords } from '../../src/i18n/format.ts';
import { en } from '../../src/i18n/locales/en.ts';
import { BUILT_IN_LOCALES } from '../../src/i18n/registry.ts';
import { OptionsError, resolveOptions } from '../../src/schemas/options.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the catalogues', () => {
  for (const [code, locale] of Object.entries(BUILT_IN_LOCALES)) {
    it(`${code} says every key, with the placeholders the English has`, () => {
      const missing = (Object.keys(en) as UiKey[]).filter((key) => !(key in locale.strings));
      expect(missing).toEqual([]);
      const different = (Object.keys(en) as UiKey[]).filter(
        (key) => JSON.stringify(placeholders(locale.strings[key]!)) !== JSON.stringify(placeholders(en[key])),
      );
      expect(different).toEqual([]);
      // A key the English lacks would never be shown: a misspelt key.
      expect(Object.keys(locale.strings).filter((key) => !(key in en))).toEqual([]);
    });
  }

  it('leaves no English sentence in the Chinese catalogue by mistake', () => {
    // Kept on purpose: code-host words Chinese engineers write as they are, and a quoted pattern.
    const kept = new Set<UiKey>(['ref.pull', 'ref.issue', 'timeline.event', 'followUps.listSeparator']);
    const latin = (Object.entries(BUILT_IN_LOCALES['zh-cn']!.strings) as [UiKey, string][]).filter(
      ([key, text]) =>
        !kept.has(key) &&
        /[A-Za-z]{4,}/.test(
          text.replace(
            /\{\w+\}|npm run \w+|JavaScript|Statuspage|frontmatter|[a-z]+\.yaml|JSON|OSV|Redis|redis|PDT|UTC|bug|shield/g,
            '',
          ),
        ) &&
        !/\p{Script=Han}/u.test(text),
    );
    expect(latin).toEqual([]);
  });
});

describe('a translator', () => {
  const chinese = makeTranslator('zh-cn', 'zh-CN', BUILT_IN_LOCALES['zh-cn']!.strings);

  it('fills placeholders, numbers in the locale’s digits grouping, and picks the singular where the language has one', () => {
    expect(english('followUps.count', { count: 1 })).toBe('1 follow-up');
    expect(english('followUps.count', { count: 1200 })).toBe('1,200 follow-ups');
    expect(chinese('followUps.count', { count: 1 })).toBe('1 项后续行动');
    expect(chinese('header.timesIn', { zone: 'Europe/Berlin' })).toBe('时间为 Europe/Berlin 及 UTC');
  });

  it('says durations, language names and severities in the page’s language', () => {
    expect(formatDurationIn(english, 9.5 * 3_600_000)).toBe('9 h 30 min');
    expect(formatDurationIn(chinese, 9.5 * 3_600_000)).toBe('9 小时 30 分钟');
    expect(formatDurationIn(chinese, 3 * 86_400_000 + 3_600_000)).toBe('3 天 1 小时');
    expect(formatDurationIn(chinese, undefined)).toBe('未知');
    expect(languageName(chinese, 'en')).toBe('英语');
    expect(languageName(english, 'zh-CN')).toBe('Chinese (China)');
    expect(severityWords(chinese, 'SEV2')).toBe('SEV2 · 重大');
  });

  it('falls back to English, key by key, where a site’s catalogue is silent', () => {
    const french = makeTranslator('fr', 'fr', { 'toc.title': 'Sur cette page' });
    expect(french('toc.title')).toBe('Sur cette page');
    expect(french('timeline.details')).toBe('Details');
  });
});

describe('the locales option', () => {
  it('takes built-in locales by code and a site’s own with its catalogue', () => {
    const options = resolveOptions({
      locales: ['en', 'zh-cn', { code: 'fr', label: 'Français', strings: { 'toc.title': 'Sur cette page' } }],
    });
    expect(options.locales.map((l) => [l.code, l.lang, l.label])).toEqual([
      ['en', 'en', 'English'],
      ['zh-cn', 'zh-CN', '简体中文'],
      ['fr', 'fr', 'Français'],
    ]);
    expect(resolveOptions().locales.map((l) => l.code)).toEqual(['en']);
  });

  it('says what is wrong with a locale, in one line each', () => {
    const mistake = (locales: unknown) => {
      try {
        resolveOptions({ locales });
      } catch (error) {
        if (error instanceof OptionsError) return error.message;
        throw error;
      }
      return 'accepted';
    };
    expect(mistake(['en', 'de'])).toContain(
      `Aftermath has no catalogue for "de" (it has en, zh-cn). Give your own: { code: 'de', label: '…', strings: { … } }`,
    );
    expect(mistake(['en', { code: 'fr', label: 'Français', strings: { 'toc.titel': 'x' } }])).toContain(
      `"toc.titel" is not a key of Aftermath's catalogue (src/i18n/locales/en.ts)`,
    );
    expect(mistake(['en', 'en'])).toContain('"en" is listed twice');
    expect(mistake([])).toContain("expected at least one locale, e.g. ['en']");
  });
});

/**
 * The incident pages the build draws and prints for (PDFs and social cards; with `every`, the
 * diagram check): every incident in the site's first locale, and each translated story in its
 * own. An untranslated incident's page in another locale shows the source's text, whose PDF and
 * card already exist; its diagrams (a trace's participants are named in the page's language) are
 * checked all the same.
 */
import type { IncidentRecord } from '../domain/incident-record.ts';
import { translatedRecord } from '../domain/translation.ts';
import { makeTranslator, type Translator } from '../i18n/catalogue.ts';
import type { LocaleDefinition } from '../i18n/registry.ts';

export interface IncidentEdition {
  /** The record in the edition's words. */
  incident: IncidentRecord;
  /** The page's folder under the base: `incidents/<slug>`, `zh-cn/incidents/<slug>`. */
  page: string;
  t: Translator;
}

export function incidentEditions(
  incidents: readonly IncidentRecord[],
  locales: readonly LocaleDefinition[],
  { every = false } = {},
): IncidentEdition[] {
  const [source, ...others] = locales;
  const translators = new Map(locales.map((l) => [l.code, makeTranslator(l.code, l.lang, l.strings)]));
  return [
    ...incidents.map((incident) => ({
      incident,
      page: `incidents/${incident.slug}`,
      t: translators.get(source!.code)!,
    })),
    ...others.flatMap((locale) =>
      incidents.flatMap((incident) => {
        const translation = incident.translations.find((tr) => tr.locale === locale.code && tr.file);
        if (!translation && !every) return [];
        return [
          {
            incident: translation ? translatedRecord(incident, translation) : incident,
            page: `${locale.code}/incidents/${incident.slug}`,
            t: translators.get(locale.code)!,
          },
        ];
      }),
    ),
  ];
}

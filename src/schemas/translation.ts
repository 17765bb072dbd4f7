/**
 * A translation of an incident, beside its source: `index.<locale>.mdx` (the story, with the
 * frontmatter's human fields and the stamp of the source it translates) and `strings.<locale>.yaml`
 * (the human text of the YAML files, each translation next to the English it translates). The
 * data — times, sources, confidence, repro records — stays in the source files and is shared.
 */
import { z } from 'astro/zod';
import { longText, nonEmpty, oneLine } from './fields.ts';

/** `translation:` in index.<locale>.mdx: written by `npx aftermath translations --stamp`. */
const stamp = z.strictObject(
  {
    date: z
      .string({ error: 'expected the day the translation was made, e.g. 2026-12-07 (quote it in YAML)' })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected the day as YYYY-MM-DD, e.g. 2026-12-07' }),
    /** A short hash of each part of the source (the frontmatter, each section of the story). */
    source: z.record(z.string(), z.string().regex(/^[0-9a-f]{8}$/, { error: 'expected an 8-digit hex hash' }), {
      error: 'expected source as the hashes `npx aftermath translations --stamp` writes',
    }),
  },
  {
    error:
      'expected translation: { date, source } — run `npx aftermath translations --stamp <slug>` once the translation says what the source says',
  },
);

export const translationFrontmatterSchema = z.strictObject(
  {
    title: oneLine('a title', 160),
    summary: nonEmpty('a summary').pipe(longText('a summary', 1200)),
    impact: oneLine('the impact', 200).optional(),
    root_cause: oneLine('the root cause', 300).optional(),
    trigger: oneLine('the trigger', 300).optional(),
    detection: oneLine('how it was detected', 300).optional(),
    resolution: oneLine('how it ended', 300).optional(),
    translation: stamp.optional(),
  },
  {
    error:
      'a translation carries only its own words: title, summary, impact, the card lines (root_cause, trigger, detection, resolution) and translation; severity, times, sources and tags come from index.mdx',
  },
);

export type TranslationFrontmatter = z.output<typeof translationFrontmatterSchema>;

/** `strings.<locale>.yaml`: a list of `{ <source locale>: text, <locale>: translation }`. */
export function translatedStringsSchema(source: string, locale: string) {
  const pair = z.strictObject(
    {
      [source]: nonEmpty(`the ${source} text, exactly as the YAML file has it`),
      [locale]: nonEmpty(`its ${locale} translation`),
    },
    { error: `expected each entry as { ${source}: "…", ${locale}: "…" }` },
  );
  return z.array(pair, {
    error: `expected a list of pairs, each starting with "- ${source}:" and its translation under "${locale}:"`,
  });
}

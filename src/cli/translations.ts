/**
 * `aftermath translations`: which incidents each locale has, and which translations fell behind
 * their source (the parts whose text changed since the translation's stamp, the YAML text with
 * no translation). `--stamp <incident> [--locale <code>]` records that a translation says what
 * the source says now: it writes the source's part hashes and today's date into the
 * translation's frontmatter. A translation behind its source is never an error: the page says
 * so, and this command lists it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { IncidentRecord } from '../domain/incident-record.ts';
import { splitFrontmatter } from '../domain/mdx-source.ts';
import { sourceParts } from '../domain/translation.ts';
import { readSiteArchive } from '../integration/site-options.ts';
import { formatProblems } from '../schemas/problems.ts';
import { readCommandLine } from './command-line.ts';

export const USAGE = `usage: aftermath translations [--stamp <incident>] [--locale <code>]

  Lists every incident's translations and says which fell behind their source: the parts of
  the story changed since the translation was stamped, and the text of the YAML files with no
  translation yet. Behind is not an error (the exit code is 0); the page says it too.

  --stamp <incident>  record that the incident's translation says what its source says now
                      (writes translation: { date, source } into index.<locale>.mdx)
  --locale <code>     the translation to stamp, when the site has several (e.g. zh-cn)`;

/** One line per translation that fell behind, for `aftermath check` and this command. */
export function behindLines(incidents: readonly IncidentRecord[]): string[] {
  return incidents.flatMap((incident) =>
    incident.translations.flatMap((tr) => {
      const parts = [
        ...(tr.file && !tr.frontmatter?.translation ? ['never stamped'] : []),
        ...(tr.file && tr.frontmatter?.translation && tr.changed.length
          ? [`changed since ${tr.frontmatter.translation.date}: ${tr.changed.map((p) => `"${p}"`).join(', ')}`]
          : []),
        ...(tr.untranslated.length ? [`${tr.untranslated.length} YAML text(s) without a translation`] : []),
      ];
      return parts.length ? [`${incident.slug} (${tr.locale}): ${parts.join('; ')}`] : [];
    }),
  );
}

export async function run(args: string[]): Promise<void> {
  const commandLine = readCommandLine(USAGE, {
    args,
    options: { stamp: { type: 'string' }, locale: { type: 'string' } },
  });
  if (!commandLine) return;
  const { values } = commandLine;
  const root = process.cwd();
  const { options, incidents, problems } = await readSiteArchive(root);
  if (problems.length > 0) {
    process.stderr.write(`\n${formatProblems(problems)}\n`);
    process.exitCode = 1;
    return;
  }
  if (values.stamp !== undefined) {
    stamp(root, incidents, values.stamp, values.locale);
    return;
  }
  const locales = options.locales.slice(1).map((l) => l.code);
  if (locales.length === 0) {
    console.log("the site has one locale: nothing is translated (add one: aftermath({ locales: ['en', 'zh-cn'] }))");
    return;
  }
  for (const locale of locales) {
    const translated = incidents.filter((i) => i.translations.some((t) => t.locale === locale && t.file));
    console.log(`${locale}: ${translated.length} of ${incidents.length} incident(s) translated`);
  }
  const behind = behindLines(incidents);
  console.log(
    behind.length ? `behind their source:\n${behind.map((l) => `  ${l}`).join('\n')}` : 'every translation is current',
  );
}

function stamp(root: string, incidents: readonly IncidentRecord[], slug: string, locale: string | undefined): void {
  const incident = incidents.find((i) => i.slug === slug);
  const stories = incident?.translations.filter((t) => t.file && (!locale || t.locale === locale)) ?? [];
  if (!incident || stories.length !== 1) {
    const why = !incident
      ? `there is no incident "${slug}" (the incidents are: ${incidents.map((i) => i.slug).join(', ')})`
      : stories.length === 0
        ? `${slug} has no translated story${locale ? ` in ${locale}` : ''} (index.<locale>.mdx)`
        : `${slug} has several translations: say which with --locale (${stories.map((t) => t.locale).join(', ')})`;
    process.stderr.write(`aftermath translations --stamp: ${why}\n`);
    process.exitCode = 1;
    return;
  }
  const file = stories[0]!.file!;
  const text = readFileSync(join(root, file), 'utf8');
  const split = splitFrontmatter(text)!;
  const doc = parseDocument(split.yaml);
  doc.set('translation', { date: new Date().toISOString().slice(0, 10), source: sourceParts(incident) });
  writeFileSync(join(root, file), `---\n${doc.toString().trimEnd()}\n---\n${split.body}`);
  console.log(`${file}: stamped as translating the source as it is now`);
}

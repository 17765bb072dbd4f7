/**
 * The incident's translations: `index.<locale>.mdx` (the story and the card's words) and
 * `strings.<locale>.yaml` (the YAML files' words), for each locale the site adds after its first
 * (`aftermath({ locales })`). Each is checked like the source: the story's components against
 * the incident's files, every pair against the text it claims to translate. A source that
 * changed since the translation's stamp is not a problem — the page says so, and
 * `npx aftermath translations` lists it.
 */
import { posix } from 'node:path';
import { mermaidBlocks } from '../../domain/mdx-source.ts';
import type { IncidentRecord } from '../../domain/incident-record.ts';
import { changedParts, humanTexts, sourceParts, type IncidentTranslation } from '../../domain/translation.ts';
import { translatedStringsSchema, translationFrontmatterSchema } from '../../schemas/translation.ts';
import { readMdxFile, type MdxFile } from './index-mdx.ts';
import type { TranslationFrontmatter } from '../../schemas/translation.ts';
import { localeCodes, readYamlAs, type ReadContext } from './context.ts';

const TRANSLATION_FILE = /^(index\.(?<story>[a-z][a-z0-9-]*)\.mdx|strings\.(?<strings>[a-z][a-z0-9-]*)\.yaml)$/;

/**
 * The translated files present, by locale; a locale the site does not have is a problem. Read
 * without the site's locales (a tool's own read, a test), every translation found is read.
 */
export function translationFiles(ctx: ReadContext): Map<string, { story?: string; strings?: string }> {
  const [, ...locales] = localeCodes(ctx.options);
  const found = new Map<string, { story?: string; strings?: string }>();
  for (const entry of ctx.folder.entries(ctx.folder.dir)) {
    const groups = TRANSLATION_FILE.exec(entry.name)?.groups;
    if (entry.folder || !groups) continue;
    const locale = (groups.story ?? groups.strings)!;
    const file = posix.join(ctx.folder.dir, entry.name);
    if (ctx.options.locales && !locales.includes(locale)) {
      ctx.problems.push({
        file,
        message:
          locales.length === 0
            ? `this is a translation into "${locale}", and the site has no locale but its first. Add it to the site's config: aftermath({ locales: ['en', '${locale}'] })`
            : `"${locale}" is not one of the site's locales (${locales.join(', ')}). Rename the file, or add the locale to aftermath({ locales })`,
      });
      continue;
    }
    const files = found.get(locale) ?? {};
    files[groups.story ? 'story' : 'strings'] = file;
    found.set(locale, files);
  }
  return found;
}

/** Reads one locale's files: the translated story, its card words and its strings. */
export function readTranslation(
  ctx: ReadContext,
  locale: string,
  files: { story?: string; strings?: string },
  source: IncidentRecord,
): { translation: IncidentTranslation; story?: MdxFile<TranslationFrontmatter> } | undefined {
  const count = ctx.problems.length;
  const story = files.story ? readMdxFile(ctx, files.story, translationFrontmatterSchema) : undefined;
  const strings = files.strings ? readStrings(ctx, files.strings, locale, source) : {};
  if (ctx.problems.length > count) return undefined;
  const texts = humanTexts(source);
  const stamp = story?.frontmatter?.translation;
  const translation: IncidentTranslation = {
    locale,
    file: story?.file,
    frontmatter: story?.frontmatter,
    body: story?.body,
    bodyLine: story?.bodyLine,
    diagrams: story ? mermaidBlocks(story.body, story.bodyLine) : [],
    stringsFile: files.strings,
    strings,
    // No stamp yet: every part counts as changed, so the page never claims to be current.
    changed: story ? changedParts(sourceParts(source), stamp?.source ?? {}) : [],
    untranslated: texts.filter((text) => !(text in strings)),
  };
  return { translation, story };
}

/** `strings.<locale>.yaml`: each pair must translate a text the incident's files have. */
function readStrings(ctx: ReadContext, file: string, locale: string, source: IncidentRecord) {
  const sourceLocale = localeCodes(ctx.options)[0]!;
  const read = readYamlAs(ctx, file, translatedStringsSchema(sourceLocale, locale));
  const strings: Record<string, string> = {};
  if (!read?.data) return strings;
  const texts = new Set(humanTexts(source, { words: false }));
  read.data.forEach((pair, i) => {
    const text = pair[sourceLocale]!;
    if (!texts.has(text))
      ctx.problems.push({
        file,
        line: read.doc.lineOf([i, sourceLocale]),
        field: `[${i}].${sourceLocale}`,
        message: `no timeline, fact, follow-up or history text of this incident says "${clip(text)}". Copy the text exactly as its YAML file has it (it may have changed: translate the new text), or remove the pair`,
      });
    else if (text in strings)
      ctx.problems.push({
        file,
        line: read.doc.lineOf([i, sourceLocale]),
        field: `[${i}].${sourceLocale}`,
        message: `this text is translated twice; keep one of the two pairs`,
      });
    else strings[text] = pair[locale]!;
  });
  return strings;
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

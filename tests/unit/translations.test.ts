/**
 * Translations beside their source (src/domain/translation.ts, src/archive/readers/translations.ts):
 * the flagship's Chinese edition read and current; what a stamp records and what it catches when
 * the source moves; every mistake in a translation's files located; the data never copied; and
 * the cross-check that no number, date, version or citation differs between the two editions.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { parseStory } from '../../src/archive/story.ts';
import { splitFrontmatter } from '../../src/domain/mdx-source.ts';
import {
  changedParts,
  humanTexts,
  sourceParts,
  storySections,
  translatedRecord,
} from '../../src/domain/translation.ts';
import { projectRoot } from '../support/site.ts';

const SLUG = '2023-03-20-chatgpt-redis-py';
const LOCALES = { locales: ['en', 'zh-cn'] };

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aftermath-translations-'));
  cpSync(join(projectRoot, 'content/incidents', SLUG), join(root, 'content/incidents', SLUG), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const dir = () => join(root, 'content/incidents', SLUG);
const flagship = () => {
  const { incidents, problems } = readArchive(root, LOCALES);
  expect(problems).toEqual([]);
  return incidents[0]!;
};

describe('the flagship’s Chinese edition', () => {
  it('is read beside its source, current, and with every YAML text translated', () => {
    const [translation] = flagship().translations;
    expect(translation).toMatchObject({ locale: 'zh-cn', changed: [], untranslated: [] });
    expect(translation!.file).toBe(`content/incidents/${SLUG}/index.zh-cn.mdx`);
    expect(translation!.frontmatter?.title).toMatch(/^ChatGPT，2023 年 3 月 20 日/);
  });

  it('shares the data: only the words change, never a time, a source, a confidence or a recording', () => {
    const record = flagship();
    const zh = translatedRecord(record, record.translations[0]!);
    const data = (r: typeof record) => ({
      timeline: r.timeline.map((e) => [e.at.iso, e.kind, e.source, e.confidence]),
      facts: r.facts.map((f) => [f.key, f.value, f.source, f.confidence]),
      followUps: r.followUps.map((f) => [f.id, f.status, f.kind, f.evidence.length]),
      history: r.history.items.map((i) => [i.url, i.type, 'title' in i && i.type !== 'advisory' ? i.title : '']),
      repros: r.repros.map((p) => [p.id, p.results?.recordedAt, p.results?.cells.length]),
      frontmatter: [r.frontmatter.severity, r.frontmatter.started?.iso, r.frontmatter.sources.map((s) => s.url)],
    });
    expect(data(zh)).toEqual(data(record));
    expect(zh.timeline[0]!.title).not.toBe(record.timeline[0]!.title);
    expect(zh.facts.find((f) => f.key === 'remediation-steps')!.display).toBe('6');
  });

  it('cites the same facts, references, verdicts and repros as the English, section by section', () => {
    const body = (file: string) => {
      const split = splitFrontmatter(readFileSync(join(dir(), file), 'utf8'))!;
      const story = parseStory(split.body, split.bodyLine);
      if (!('components' in story)) throw new Error(story.message);
      return story.components.map((c) => `<${c.name} ${JSON.stringify(c.attributes)}>`).sort();
    };
    expect(body('index.zh-cn.mdx')).toEqual(body('index.mdx'));
    const sections = (file: string) => storySections(splitFrontmatter(readFileSync(join(dir(), file), 'utf8'))!.body);
    expect(sections('index.zh-cn.mdx')).toHaveLength(sections('index.mdx').length);
  });

  it('says every version, issue, CVE, percentage and clock time the English says, and no other', () => {
    // Numbers written out in English words ("six weeks") are digits in Chinese: only tokens that
    // name something exactly are compared.
    const tokens = (file: string) => {
      const text = readFileSync(join(dir(), file), 'utf8')
        .replace(/^---[\s\S]*?\n---\n/, '')
        .replace(/<[A-Z]\w*[^>]*\/>/g, '')
        // A link's target is the heading's anchor, which differs with its language.
        .replace(/\]\([^)]*\)/g, ']');
      const found = text.match(
        /#\d{3,5}\b|\bCVE-\d{4}-\d+|\b\d+\.\d+\.\d+(?:rc\d+)?\b|\b\d+(?:\.\d+)?%|\b\d{1,2}:\d{2}\b|\bv\d[\w.]*/g,
      );
      return [...new Set(found)].sort();
    };
    expect(tokens('index.zh-cn.mdx')).toEqual(tokens('index.mdx'));
  });
});

describe('a stamp', () => {
  it('names each part of the source by its heading, and only the parts whose text changed', () => {
    const source = { frontmatter: flagship().frontmatter, body: '## One\n\nfirst\n\n### Two\n\nsecond\n' };
    const stamped = sourceParts(source);
    expect(Object.keys(stamped)).toEqual(['title and summary', 'introduction', 'One', 'Two']);
    const edited = sourceParts({ ...source, body: source.body.replace('second', 'second, amended') });
    expect(changedParts(edited, stamped)).toEqual(['Two']);
    expect(changedParts(sourceParts({ ...source, body: `${source.body}\n## Three\n\nnew\n` }), stamped)).toEqual([
      'Three',
    ]);
  });

  it('sees an edit of the English story as the sections that fell behind, without failing anything', () => {
    const file = join(dir(), 'index.mdx');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('## Lessons\n', '## Lessons\n\nOne more lesson, added later.\n'),
    );
    const [translation] = flagship().translations;
    expect(translation!.changed).toEqual(['Lessons']);
  });

  it('sees an edit of a translated YAML text as a text left in English', () => {
    const file = join(dir(), 'timeline.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'title: A server change makes Redis request cancellations spike',
        'title: A server change makes Redis request cancellations surge',
      ),
    );
    const { problems, incidents } = readArchive(root, LOCALES);
    // The pair that translated the old title now translates nothing: said where it is.
    expect(problems).toMatchObject([
      { file: `content/incidents/${SLUG}/strings.zh-cn.yaml`, field: expect.stringMatching(/^\[\d+\]\.en$/) },
    ]);
    expect(problems[0]!.message).toContain('"A server change makes Redis request cancellations spike"');
    expect(incidents).toEqual([]);
  });
});

describe('a translation’s mistakes', () => {
  it('locates a pair translating a text twice, and a file for a locale the site does not have', () => {
    const strings = join(dir(), 'strings.zh-cn.yaml');
    writeFileSync(strings, `${readFileSync(strings, 'utf8')}- en: ChatGPT chat history\n  zh-cn: 聊天记录\n`);
    writeFileSync(join(dir(), 'index.fr.mdx'), '---\ntitle: x\nsummary: y\n---\n\nTexte.\n');
    const { problems } = readArchive(root, LOCALES);
    expect(problems.map((p) => [p.file.split('/').pop(), p.message])).toEqual([
      [
        'index.fr.mdx',
        '"fr" is not one of the site\'s locales (zh-cn). Rename the file, or add the locale to aftermath({ locales })',
      ],
      ['strings.zh-cn.yaml', 'this text is translated twice; keep one of the two pairs'],
    ]);
  });

  it('refuses data in a translation’s frontmatter: the severity is the source’s', () => {
    const file = join(dir(), 'index.zh-cn.mdx');
    writeFileSync(file, readFileSync(file, 'utf8').replace('---\ntitle:', '---\nseverity: SEV2\ntitle:'));
    const { problems } = readArchive(root, LOCALES);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: `content/incidents/${SLUG}/index.zh-cn.mdx`, line: 2 });
    expect(problems[0]!.message).toContain('severity');
  });

  it('holds a translated story to the source’s rules: a citation of a fact that does not exist fails', () => {
    const file = join(dir(), 'index.zh-cn.mdx');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n<Fact k="no-such-fact" />\n`);
    const { problems } = readArchive(root, LOCALES);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe(`content/incidents/${SLUG}/index.zh-cn.mdx`);
    expect(problems[0]!.message).toContain('no-such-fact');
  });
});

it('counts as words to translate what has a word and a space, not a name or a quantity', () => {
  const texts = humanTexts(flagship());
  expect(texts).toContain('ChatGPT chat history');
  expect(texts).not.toContain('OpenAI');
  expect(texts).not.toContain('0.1 s');
  expect(humanTexts(flagship(), { words: false })).toContain('OpenAI');
});

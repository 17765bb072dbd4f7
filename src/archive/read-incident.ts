/**
 * One incident folder read: each file by its own reader (./readers/), then the references
 * between them resolved. Returns the record, or undefined when any problem leaves it out; the
 * problems go into the list the caller gave, so an author fixes them all in one pass.
 */
import { posix } from 'node:path';
import { mermaidBlocks } from '../domain/mdx-source.ts';
import type { IncidentRecord } from '../domain/incident-record.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { attributeUses } from './mdx/component.ts';
import type { ReadContext } from './readers/context.ts';
import type { ComponentUse } from './story.ts';
import { readFacts } from './readers/facts.ts';
import { readFollowUps } from './readers/follow-ups.ts';
import { readHistory, type HistoryFile } from './readers/history.ts';
import { readIndexMdx } from './readers/index-mdx.ts';
import { readRepros } from './readers/repros.ts';
import { readTimeline, type TimelineFile } from './readers/timeline.ts';
import { readTranslation, translationFiles } from './readers/translations.ts';

/** An incident as read, with the line of its `slug:` field for a duplicate-slug problem. */
export interface ReadIncident {
  record: IncidentRecord;
  slugLine?: number;
}

export function readIncident(ctx: ReadContext): ReadIncident | undefined {
  const { folder, problems } = ctx;
  const count = problems.length;
  problems.push(...folder.problems);
  const index = readIndexMdx(ctx);
  if (!index) return undefined;
  const timeline = readTimeline(ctx);
  const history = readHistory(ctx);
  const advisories = history.readable
    ? history.history.items.flatMap((item) => (item.type === 'advisory' ? [item.id, ...item.aliases] : []))
    : undefined;
  const repros = readRepros(ctx, advisories);
  const components = index.story?.components ?? [];
  if (history.readable) problems.push(...timelineRefProblems(timeline, history));
  const facts = readFacts(ctx, index, timeline.entries, history);
  const followUps = readFollowUps(ctx, history, repros);
  // Each component checks its own uses against the files they refer to (./mdx/).
  const context = {
    dir: folder.dir,
    history: history.readable ? history : undefined,
    repros,
    reproFolders: folder
      .entries(posix.join(folder.dir, 'repros'))
      .flatMap((entry) => (entry.folder ? [entry.name] : [])),
    facts: facts.exists ? facts.facts : undefined,
    recording: ctx.options.recording === true,
  };
  const checkComponents = (file: string, used: readonly ComponentUse[]) => {
    for (const component of ctx.components) {
      const uses = used.filter((c) => c.name === component.name);
      if (uses.length > 0 && component.check)
        for (const f of component.check(uses, context)) problems.push({ file, ...f });
    }
  };
  checkComponents(index.file, components);

  const { frontmatter } = index;
  if (!frontmatter || problems.length > count) return undefined;
  const record: IncidentRecord = {
    slug: frontmatter.slug ?? folder.dir.split('/').pop()!,
    dir: folder.dir,
    file: index.file,
    frontmatter,
    body: index.body,
    bodyLine: index.bodyLine,
    timeline: timeline.entries,
    history: history.history,
    repros,
    facts: facts.facts,
    followUps,
    embeddedRepros: [
      ...new Set(
        attributeUses(
          components.filter((c) => c.name === 'Repro'),
          'id',
        ).map((m) => m.value),
      ),
    ],
    diagrams: mermaidBlocks(index.body, index.bodyLine),
    translations: [],
  };
  for (const [locale, files] of translationFiles(ctx)) {
    const read = readTranslation(ctx, locale, files, record);
    if (read?.story?.story) checkComponents(read.story.file, read.story.story.components);
    if (read) record.translations.push(read.translation);
  }
  if (problems.length > count) return undefined;
  return { record, slugLine: frontmatter.slug === undefined ? undefined : index.yaml?.lineOf(['slug']) };
}

/** Timeline refs must name items of history.yaml. */
function timelineRefProblems(timeline: TimelineFile, history: HistoryFile): ContentProblem[] {
  const problems: ContentProblem[] = [];
  timeline.entries.forEach((entry, i) =>
    entry.refs.forEach((ref, j) => {
      if (!history.keys.has(ref))
        problems.push({
          file: timeline.file,
          line: timeline.doc?.lineOf([i, 'refs', j]),
          field: `[${i}].refs[${j}]`,
          message: history.unknownRef(ref),
        });
    }),
  );
  return problems;
}

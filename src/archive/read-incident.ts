/**
 * One incident folder read: each file by its own reader (./readers/), then the references
 * between them resolved. Returns the record, or undefined when any problem leaves it out; the
 * problems go into the list the caller gave, so an author fixes them all in one pass.
 */
import { posix } from 'node:path';
import { mermaidBlocks } from '../domain/mdx-source.ts';
import type { IncidentRecord, IncidentRepro } from '../domain/incident-record.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { verdictFindings } from './verdict-refs.ts';
import type { ComponentUse } from './story.ts';
import type { ReadContext } from './readers/context.ts';
import { readFacts } from './readers/facts.ts';
import { readFollowUps } from './readers/follow-ups.ts';
import { readHistory, type HistoryFile } from './readers/history.ts';
import { readIndexMdx, type IndexMdx } from './readers/index-mdx.ts';
import { readRepros } from './readers/repros.ts';
import { readTimeline, type TimelineFile } from './readers/timeline.ts';

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
  if (history.readable) problems.push(...referenceProblems(index, timeline, history, components));
  problems.push(...reproCitations(index, repros, components, folder.dir));
  const facts = readFacts(ctx, index, timeline.entries, history);
  const followUps = readFollowUps(ctx, history, repros);

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
    facts,
    followUps,
    embeddedRepros: [...new Set(uses(components, 'Repro', 'id').map((m) => m.value))],
    diagrams: mermaidBlocks(index.body, index.bodyLine),
  };
  return { record, slugLine: frontmatter.slug === undefined ? undefined : index.yaml?.lineOf(['slug']) };
}

/** `<Tag attr="…">` uses with a literal value, as `{ value, line }`. */
function uses(components: readonly ComponentUse[], tag: string, attr: string) {
  return components.flatMap((c) =>
    c.name === tag && typeof c.attributes[attr] === 'string' ? [{ value: c.attributes[attr], line: c.line }] : [],
  );
}

/** Timeline refs and the story's `<Ref to>` must name items of history.yaml. */
function referenceProblems(
  index: IndexMdx,
  timeline: TimelineFile,
  history: HistoryFile,
  components: readonly ComponentUse[],
): ContentProblem[] {
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
  for (const mention of uses(components, 'Ref', 'to'))
    if (!history.keys.has(mention.value))
      problems.push({
        file: index.file,
        line: mention.line,
        field: '<Ref to>',
        message: history.unknownRef(mention.value),
      });
  return problems;
}

/** `<Repro id>` must name a repro; `<Verdict>` a recorded cell. */
function reproCitations(
  index: IndexMdx,
  repros: readonly IncidentRepro[],
  components: readonly ComponentUse[],
  dir: string,
): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const mention of uses(components, 'Repro', 'id')) {
    if (!repros.some((r) => r.id === mention.value))
      problems.push({
        file: index.file,
        line: mention.line,
        field: '<Repro id>',
        message: `there is no repro "${mention.value}" in ${posix.join(dir, 'repros')}. Known: ${repros.map((r) => r.id).join(', ') || 'none'}`,
      });
  }
  // <Verdict repro version params />: the prose cites only verdicts that were recorded.
  const verdicts = components.filter((c) => c.name === 'Verdict');
  for (const f of verdictFindings(verdicts, repros, dir.split('/').pop()!)) problems.push({ file: index.file, ...f });
  return problems;
}

/**
 * `facts.yaml`: sourced facts, checked against the frontmatter, the timeline and the history
 * they restate, and the percentages the story writes out. (Each `<Fact k>` of the story is
 * checked by the component itself, ../mdx/fact.ts.)
 */
import { posix } from 'node:path';
import { factFindings, percentMentions } from '../../domain/facts.ts';
import { factsSchema, type Fact } from '../../schemas/facts.ts';
import type { ContentProblem } from '../../schemas/problems.ts';
import type { TimelineEntry } from '../../schemas/timeline.ts';
import type { IndexMdx } from './index-mdx.ts';
import type { HistoryFile } from './history.ts';
import { readYamlAs, type ReadContext } from './context.ts';

export interface FactsFile {
  facts: Fact[];
  /** The incident has a facts.yaml (possibly broken: its problems say so). */
  exists: boolean;
}

export function readFacts(
  ctx: ReadContext,
  index: IndexMdx,
  timeline: TimelineEntry[],
  history: HistoryFile,
): FactsFile {
  const file = posix.join(ctx.folder.dir, 'facts.yaml');
  const exists = ctx.folder.has(file) || ctx.folder.isFolder(file);
  const read = exists ? readYamlAs(ctx, file, factsSchema) : undefined;
  const facts = read?.data ?? [];
  // Percentages must be cited once an incident keeps its facts in facts.yaml.
  if (!exists || !index.frontmatter || !history.readable || read?.data === undefined) return { facts, exists };
  const findings = factFindings(facts, {
    frontmatter: index.frontmatter,
    timeline,
    history: history.history,
    percents: percentMentions(index.body, index.bodyLine),
  });
  for (const f of findings) {
    if (f.fact !== undefined && read) {
      const path = (f.field ?? '')
        .split(/[[\].]+/)
        .filter(Boolean)
        .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      ctx.problems.push({
        file,
        line: read.doc.lineOf([f.fact, ...path]),
        field: `[${f.fact}].${f.field}`,
        message: f.message,
      });
    } else if (f.field === 'summary' || f.field === 'impact') {
      ctx.problems.push({ file: index.file, line: index.yaml?.lineOf([f.field]), field: f.field, message: f.message });
    } else {
      ctx.problems.push({
        file: index.file,
        line: f.line,
        field: f.field,
        message: f.message,
      } satisfies ContentProblem);
    }
  }
  return { facts, exists };
}

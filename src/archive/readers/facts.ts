/**
 * `facts.yaml`: sourced facts, checked against the frontmatter, the timeline and the history
 * they restate, and every `<Fact k>` in the story resolved (without facts.yaml, a citation
 * names nothing: it is a problem, never an empty string on the page).
 */
import { posix } from 'node:path';
import { factFindings, percentMentions } from '../../domain/facts.ts';
import { factsSchema, type Fact } from '../../schemas/facts.ts';
import type { ContentProblem } from '../../schemas/problems.ts';
import type { TimelineEntry } from '../../schemas/timeline.ts';
import type { IndexMdx } from './index-mdx.ts';
import type { HistoryFile } from './history.ts';
import { readYamlAs, type ReadContext } from './context.ts';

export function readFacts(ctx: ReadContext, index: IndexMdx, timeline: TimelineEntry[], history: HistoryFile): Fact[] {
  const file = posix.join(ctx.folder.dir, 'facts.yaml');
  const exists = ctx.folder.has(file) || ctx.folder.isFolder(file);
  const read = exists ? readYamlAs(ctx, file, factsSchema) : undefined;
  const facts = read?.data ?? [];
  if (!index.frontmatter || !history.readable || (exists && read?.data === undefined)) return facts;
  const mentions = (index.story?.components ?? [])
    .filter((c) => c.name === 'Fact' && typeof c.attributes.k === 'string')
    .map((c) => ({ value: c.attributes.k as string, line: c.line }));
  const findings = factFindings(facts, {
    frontmatter: index.frontmatter,
    timeline,
    history: history.history,
    mentions,
    percents: percentMentions(index.body, index.bodyLine),
  });
  // Without facts.yaml only citations are checked: percentages must be cited once an incident
  // keeps its facts in facts.yaml.
  for (const f of exists ? findings : findings.filter((f) => f.field === '<Fact k>')) {
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
      const message = exists
        ? f.message
        : f.message.replace('in facts.yaml', `in ${file} (this incident has no facts.yaml yet)`);
      ctx.problems.push({ file: index.file, line: f.line, field: f.field, message } satisfies ContentProblem);
    }
  }
  return facts;
}

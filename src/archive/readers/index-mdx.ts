/**
 * `index.mdx`: the frontmatter (the incident's metadata) and the story below it, parsed as MDX
 * and held to what an incident's MDX may contain (./../mdx-checks.ts).
 */
import { posix } from 'node:path';
import type { Instant } from '../../domain/time.ts';
import { hasReadableBody, splitFrontmatter } from '../../domain/mdx-source.ts';
import { incidentSchema, type IncidentFrontmatter } from '../../schemas/incident.ts';
import { parseYaml, type LocatedYaml } from '../../schemas/problems.ts';
import { mdxFindings } from '../mdx-checks.ts';
import { parseStory, type Story } from '../story.ts';
import { readText, validate, type ReadContext } from './context.ts';

export interface MdxFile<T> {
  file: string;
  /** Undefined when the frontmatter is broken (its problems say why). */
  frontmatter?: T;
  yaml?: LocatedYaml;
  body: string;
  bodyLine: number;
  /** Undefined when MDX cannot parse the body. */
  story?: Story;
}

export type IndexMdx = MdxFile<IncidentFrontmatter>;

export function readIndexMdx(ctx: ReadContext): IndexMdx | undefined {
  const { folder, problems } = ctx;
  const file = posix.join(folder.dir, 'index.mdx');
  if (!folder.has(file) && !folder.isFolder(file)) {
    problems.push({
      file: folder.dir,
      message:
        'this incident folder has no index.mdx. Add one, or scaffold a new incident with: npx aftermath new "Title"',
    });
    return undefined;
  }
  const read = readMdxFile(ctx, file, incidentSchema);
  if (read?.frontmatter && read.yaml) problems.push(...keyMomentOrder(read.frontmatter, file, read.yaml));
  return read;
}

/**
 * An MDX file of the incident (its index.mdx, or a translation of it): the frontmatter through
 * `schema`, the story parsed and held to what incident MDX may contain.
 */
export function readMdxFile<T>(
  ctx: ReadContext,
  file: string,
  schema: Parameters<typeof validate<T>>[0],
): MdxFile<T> | undefined {
  const { folder, problems } = ctx;
  const source = readText(ctx, file);
  if (source === undefined) return undefined;
  const split = splitFrontmatter(source);
  if (!split) {
    problems.push({
      file,
      line: 1,
      message:
        'the file must start with a frontmatter block between two "---" lines (title, summary, severity, …). See docs/content.md',
    });
    return undefined;
  }
  const read: MdxFile<T> = { file, body: split.body, bodyLine: split.bodyLine };
  const yaml = parseYaml(split.yaml, file, split.yamlLine - 1);
  if (Array.isArray(yaml)) problems.push(...yaml);
  else {
    read.yaml = yaml;
    read.frontmatter = validate(schema, yaml, file, problems);
  }
  if (!hasReadableBody(split.body)) {
    problems.push({
      file,
      line: split.bodyLine,
      message:
        'the incident has no body below the frontmatter. Write at least a short account of what happened; an empty page is never published',
    });
  }
  const story = parseStory(split.body, split.bodyLine);
  if ('components' in story) {
    read.story = story;
    const rules = {
      allowCode: ctx.options.allowMdxCode === true,
      dir: folder.dir,
      files: folder.files,
      components: ctx.components,
    };
    for (const f of mdxFindings(story, rules)) problems.push({ file, ...f });
  } else {
    problems.push({
      file,
      line: story.line,
      field: 'MDX',
      message: `MDX cannot read this: ${story.message}. In MDX, "<" starts a component and "{" an expression: write \\< and \\{ where you mean the characters themselves`,
    });
  }
  return read;
}

const ORDER = ['started', 'detected', 'mitigated', 'resolved'] as const;

/** Key moments must not run backwards: detection before the start is a typo, not a finding. */
function keyMomentOrder(fm: IncidentFrontmatter, file: string, yaml: LocatedYaml) {
  const problems = [];
  let previous: { name: string; at: Instant } | undefined;
  for (const name of ORDER) {
    const at = fm[name];
    if (!at) continue;
    if (previous && at.ms < previous.at.ms) {
      problems.push({
        file,
        line: yaml.lineOf([name]),
        field: name,
        message: `${name} (${at.iso}) is earlier than ${previous.name} (${previous.at.iso}). Key moments must go started ≤ detected ≤ mitigated ≤ resolved; check the date and the offset`,
      });
    }
    previous = { name, at };
  }
  return problems;
}

/**
 * What an incident's MDX may contain. Content is data: Markdown, the components the page
 * registers with literal attributes, and plain HTML elements. Anything MDX would run on the
 * machine that builds the site (an `import`, an `export`, a `{…}` expression, an attribute
 * written as an expression) is a located problem, unless the site allows code in its options
 * (`aftermath({ allowMdxCode: true })`). So are an unknown component, a component without the
 * attribute it needs, what the site's Content-Security-Policy would silently block (a
 * `<script>`, an `on…` handler) and a link or image that is not a published web address.
 */
import { posix } from 'node:path';
import { linkProblem } from '../domain/links.ts';
import type { MdxComponent, MdxFinding } from './mdx/component.ts';
import type { ComponentUse, Story } from './story.ts';

export type { MdxFinding } from './mdx/component.ts';

export interface MdxRules {
  /** The site trusts its authors with code in MDX (`aftermath({ allowMdxCode: true })`). */
  allowCode: boolean;
  /** The story's folder relative to the project root, and the files in it (for local images). */
  dir: string;
  files: readonly string[];
  /** The site's components (./mdx/registry.ts). */
  components: readonly MdxComponent[];
}

export const unknownComponentMessage = (name: string, components: readonly Pick<MdxComponent, 'name'>[]): string =>
  `<${name}> is not a component an incident can use. The components are: ${components.map((c) => c.name).join(', ')} (check the spelling and the capital letter)`;
export const SCRIPT_MESSAGE =
  "a <script> element is not allowed in an incident: the site's Content-Security-Policy (script-src 'self') blocks inline scripts, so it would never run. Remove it";
const HANDLER_MESSAGE =
  "an event-handler attribute (onclick, onload, …) is JavaScript: the site's Content-Security-Policy blocks it, so it would never run. Remove it";
const OPT_IN =
  'a site that trusts every author with code can allow it with aftermath({ allowMdxCode: true }) (see docs/content.md)';
const esmMessage = (components: readonly MdxComponent[]) =>
  `import and export run code on the machine that builds the site (an import can read any file there, such as a key or a password file), so an incident's MDX may not use them. Use the components every incident has (${components.map((c) => c.name).join(', ')}) and Markdown; ${OPT_IN}`;
const EXPRESSION_MESSAGE = `{…} is JavaScript that runs on the machine that builds the site ({process.env.HOME} would publish its home folder, {process.env.TOKEN} a secret), so an incident's MDX may not use it. Write the text itself (write \\{ for a literal brace), or cite a value with <Fact k="…" />; ${OPT_IN}`;

export function mdxFindings(story: Story, rules: MdxRules): MdxFinding[] {
  const findings: MdxFinding[] = [];
  if (!rules.allowCode) {
    for (const code of story.code)
      findings.push({
        line: code.line,
        field: code.kind === 'esm' ? code.text : `expression ${code.text}`,
        message: code.kind === 'esm' ? esmMessage(rules.components) : EXPRESSION_MESSAGE,
      });
  }
  const known = new Map(rules.components.map((c) => [c.name, c]));
  // With code allowed, what the MDX imports is a component too.
  const imported = new Set(rules.allowCode ? story.code.flatMap((code) => importedNames(code.value)) : []);
  for (const use of story.components) findings.push(...componentFindings(use, known, imported, rules));
  for (const link of story.links) {
    const problem = linkProblem(link.url, { inStory: true }) ?? localImageProblem(link.url, link.via, rules);
    if (problem) findings.push({ line: link.line, field: link.via, message: problem });
  }
  return findings;
}

function componentFindings(
  use: ComponentUse,
  known: ReadonlyMap<string, MdxComponent>,
  imported: ReadonlySet<string>,
  { allowCode, components }: MdxRules,
): MdxFinding[] {
  const found: MdxFinding[] = [];
  const add = (message: string) => found.push({ line: use.line, field: use.tag, message });
  const name = use.name ?? '';
  if (/^[A-Z]/.test(name) || name.includes('.')) {
    const base = name.split('.')[0]!;
    if (!known.has(base) && !imported.has(base)) add(unknownComponentMessage(name, components));
  } else if (name.toLowerCase() === 'script') add(SCRIPT_MESSAGE);
  if (Object.keys(use.attributes).some((a) => /^on/i.test(a))) add(HANDLER_MESSAGE);
  if (!allowCode && use.dynamic.length > 0)
    add(
      `${use.dynamic.map((a) => (a.startsWith('{') ? a : `${a}={…}`)).join(', ')}: an attribute written as an expression is JavaScript that runs on the machine that builds the site. Give its value as text (${use.dynamic[0]!.startsWith('{') ? 'name="…"' : `${use.dynamic[0]}="…"`}) or as a number; ${OPT_IN}`,
    );
  for (const [attribute, what] of Object.entries(known.get(name)?.attributes ?? {}))
    if (typeof use.attributes[attribute] !== 'string' && !use.dynamic.includes(attribute))
      add(`<${name}> needs ${attribute}="…" ${what}`);
  return found;
}

/**
 * An image in the story's own folder is bundled by the build: it must be a file of that folder
 * (`../other-incident/x.png` would publish a file from elsewhere).
 */
function localImageProblem(url: string, via: string, rules: MdxRules): string | undefined {
  if (via !== 'image' || /^[a-z][a-z0-9+.-]*:|^\/|^#/i.test(url)) return undefined;
  const path = posix.normalize(posix.join(rules.dir, decodeURI(url.split(/[?#]/)[0]!)));
  if (!path.startsWith(`${rules.dir}/`))
    return `the image ${url} is outside this incident's folder. Copy it into the folder (next to index.mdx) and link to the copy`;
  if (!rules.files.includes(path))
    return `the image ${url} is not in this incident's folder (looked for ${path}). Add the file or fix the path`;
  return undefined;
}

/** Names an `import` makes available (`import Chart, { Bar as B } from '…'` → Chart, B). */
function importedNames(esm: string): string[] {
  const names: string[] = [];
  for (const m of esm.matchAll(/\bimport\s+([^'"]+?)\s+from\s/g)) {
    for (const name of m[1]!.replace(/[{}*]/g, ' ').split(/[\s,]+/))
      if (/^[A-Z]/.test(name)) names.push(name.replace(/^.*\bas\s+/, ''));
  }
  return names;
}

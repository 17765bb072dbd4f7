/**
 * Mistakes in an incident's MDX that would otherwise surface as a stack trace from the MDX
 * runtime, or not at all: a component the page does not provide (`<Nope />`), and what the
 * site's Content-Security-Policy silently blocks (a `<script>` element, a `javascript:` link).
 * Code (fenced blocks and inline spans) and comments are not read: they are shown, not run.
 */

/**
 * The components an incident's MDX may use: the ones src/pages/incidents/[slug].astro hands to
 * `<Content components={…} />` (a unit test keeps the two lists the same).
 */
export const MDX_COMPONENTS = ['Fact', 'Ref', 'Repro', 'Verdict'] as const;

export interface MdxFinding {
  line: number;
  field: string;
  message: string;
}

const COMPONENT = /<([A-Z][\w.]*)(?=[\s/>]|$)/g;
const SCRIPT = /<script\b/gi;
// [text](javascript:…), href="javascript:…", href={'javascript:…'} and <javascript:…>.
const JAVASCRIPT_LINK = /(?:\]\(\s*<?|\bhref\s*=\s*\{?\s*["'`]?\s*|<)javascript:/gi;

export const unknownComponentMessage = (name: string): string =>
  `<${name}> is not a component an incident can use. The components are: ${MDX_COMPONENTS.join(', ')} (check the spelling and the capital letter)`;
export const SCRIPT_MESSAGE =
  "a <script> element is not allowed in an incident: the site's Content-Security-Policy (script-src 'self') blocks inline scripts, so it would never run. Remove it";
export const JAVASCRIPT_LINK_MESSAGE =
  "a javascript: link is not allowed in an incident: the site's Content-Security-Policy blocks it, so it would do nothing when clicked. Link to an https:// address instead";

/** Names the MDX itself imports (`import Chart from '…'`): those are components too. */
function importedNames(body: string): Set<string> {
  const names = new Set<string>();
  for (const m of body.matchAll(/^\s*import\s+([^'"]+?)\s+from\s/gm)) {
    for (const name of m[1]!.replace(/[{}*]/g, ' ').split(/[\s,]+/))
      if (/^[A-Z]/.test(name)) names.add(name.replace(/^.*\bas\s+/, ''));
  }
  return names;
}

/** The text of each line that MDX treats as markup: fences, inline code and comments blanked. */
function markupLines(body: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of body.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      out.push('');
      continue;
    }
    if (marker) {
      fence = marker;
      out.push('');
      continue;
    }
    out.push(
      line
        .replace(/(`+)[^`]*?\1/g, '')
        .replace(/\{\/\*.*?\*\/\}/g, '')
        .replace(/<!--.*?-->/g, ''),
    );
  }
  return out;
}

export function mdxFindings(body: string, bodyLine = 1): MdxFinding[] {
  const known = new Set<string>([...MDX_COMPONENTS, ...importedNames(body)]);
  const findings: MdxFinding[] = [];
  markupLines(body).forEach((text, index) => {
    const line = bodyLine + index;
    for (const m of text.matchAll(COMPONENT)) {
      const name = m[1]!;
      if (!known.has(name.split('.')[0]!))
        findings.push({ line, field: `<${name}>`, message: unknownComponentMessage(name) });
    }
    if (SCRIPT.test(text)) findings.push({ line, field: '<script>', message: SCRIPT_MESSAGE });
    SCRIPT.lastIndex = 0;
    if (JAVASCRIPT_LINK.test(text)) findings.push({ line, field: 'link', message: JAVASCRIPT_LINK_MESSAGE });
    JAVASCRIPT_LINK.lastIndex = 0;
  });
  return findings;
}

/** Turns a Mermaid error into a located, actionable content problem. */
import type { ContentProblem } from '../schemas/problems.ts';

const SYNTAX_HELP = 'Check the syntax at https://mermaid.js.org/intro/syntax-reference.html';

/** Text with the diagram line (1-based) each of its UTF-16 code units came from. */
interface TrackedText {
  text: string;
  lines: number[];
}

function track(source: string): TrackedText {
  const lines: number[] = [];
  let line = 1;
  for (let i = 0; i < source.length; i++) {
    lines.push(line);
    if (source[i] === '\n') line++;
  }
  return { text: source, lines };
}

/** Deletes every match of a global pattern, keeping the origin of what is left. */
function deleteMatches({ text, lines }: TrackedText, pattern: RegExp): TrackedText {
  const out: TrackedText = { text: '', lines: [] };
  let kept = 0;
  for (const match of text.matchAll(pattern)) {
    out.text += text.slice(kept, match.index);
    out.lines.push(...lines.slice(kept, match.index));
    kept = match.index + match[0].length;
  }
  out.text += text.slice(kept);
  out.lines.push(...lines.slice(kept));
  return out;
}

/**
 * Mermaid numbers the lines of the text its parser sees, which is not the text in the fence:
 * it first drops a `---` front-matter block, `%%{…}%%` directives, `%%` comment lines and
 * leading blank lines (mermaid/src/preprocess.ts; the patterns below are Mermaid's own). This
 * replays those deletions to turn Mermaid's line number into a line of the diagram as written.
 */
export function diagramLineOf(diagram: string, mermaidLine: number): number {
  let tracked = track(diagram);
  for (const pattern of [
    /\r(?=\n)/g,
    /^([^\S\n\r]*)-{3}\s*[\n\r](.*?)[\n\r]\1-{3}\s*[\n\r]+/gs,
    /%{2}{\s*(?:(\w+)\s*:|(\w+))\s*(?:(\w+)|((?:(?!}%{2}).|\r?\n)*))?\s*(?:}%{2})?/gi,
    /^\s*%%(?!{)[^\n]+\n?/gm,
    /^\s+/g,
  ]) {
    tracked = deleteMatches(tracked, pattern);
  }
  let index = 0;
  for (let line = 1; line < mermaidLine && index !== -1; line++) {
    index = tracked.text.indexOf('\n', index);
    if (index !== -1) index++;
  }
  // Past the end (an unexpected end of input): the diagram's last line is the nearest.
  return tracked.lines[index] ?? tracked.lines.at(-1) ?? 1;
}

/**
 * @param fenceLine the file line of the opening ``` fence (the diagram's first line is the next one)
 * @param diagram the diagram's text, to map Mermaid's line numbers back to the fence's lines
 */
export function mermaidProblem(
  file: string,
  fenceLine: number | undefined,
  error: unknown,
  diagram?: string,
): ContentProblem {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const parse = /Parse error on line (\d+)/.exec(text);
  const expecting = lines.find((l) => /^Expecting|^Lexical error|^Unrecognized/.test(l));
  if (parse) {
    const diagramLine = diagram === undefined ? Number(parse[1]) : diagramLineOf(diagram, Number(parse[1]));
    return {
      file,
      line: fenceLine === undefined ? undefined : fenceLine + diagramLine,
      field: 'mermaid diagram',
      message: `Mermaid cannot parse line ${diagramLine} of this diagram${expecting ? ` (${expecting.replace(/, got/, '; got')})` : ''}. ${SYNTAX_HELP}`,
    };
  }
  return {
    file,
    line: fenceLine,
    field: 'mermaid diagram',
    message: `Mermaid could not render this diagram: ${lines.slice(0, 2).join(' ')}. ${SYNTAX_HELP}`,
  };
}

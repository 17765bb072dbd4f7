/** Turns a Mermaid error into a located, actionable content problem. */
import type { ContentProblem } from '../schemas/problems.ts';

const SYNTAX_HELP = 'Check the syntax at https://mermaid.js.org/intro/syntax-reference.html';

/**
 * @param fenceLine the file line of the opening ``` fence (the diagram's first line is the next one)
 */
export function mermaidProblem(file: string, fenceLine: number | undefined, error: unknown): ContentProblem {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const parse = /Parse error on line (\d+)/.exec(text);
  const expecting = lines.find((l) => /^Expecting|^Lexical error|^Unrecognized/.test(l));
  if (parse) {
    const diagramLine = Number(parse[1]);
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

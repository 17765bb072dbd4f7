import { describe, expect, it } from 'vitest';
import { diagramLineOf, mermaidProblem } from '../../src/render/mermaid-errors.ts';

/** The shape of the error Mermaid's Jison parsers throw. */
const parseError = (line: number) =>
  new Error(`Parse error on line ${line}:\n...B --> --> C\n------^\nExpecting 'AMP', 'COLON', got 'LINK'`);

describe('mermaidProblem', () => {
  it('locates a parse error at the diagram line in the file and quotes what Mermaid expected', () => {
    expect(mermaidProblem('a/index.mdx', 20, parseError(3))).toEqual({
      file: 'a/index.mdx',
      line: 23,
      field: 'mermaid diagram',
      message:
        "Mermaid cannot parse line 3 of this diagram (Expecting 'AMP', 'COLON'; got 'LINK'). Check the syntax at https://mermaid.js.org/intro/syntax-reference.html",
    });
  });

  it('maps the line through the diagram text when it is given', () => {
    const diagram = '---\ntitle: Flow\n---\nflowchart LR\n  A --> B\n  B --> --> C';
    const problem = mermaidProblem('a/index.mdx', 20, parseError(3), diagram);
    expect(problem.line).toBe(26);
    expect(problem.message).toMatch(/^Mermaid cannot parse line 6 of this diagram/);
  });

  it('reports other errors at the fence, with the first lines of the message', () => {
    expect(
      mermaidProblem(
        'a/index.mdx',
        7,
        new Error('No diagram type detected matching given configuration for text: nope\nmore\nand more'),
      ),
    ).toEqual({
      file: 'a/index.mdx',
      line: 7,
      field: 'mermaid diagram',
      message:
        'Mermaid could not render this diagram: No diagram type detected matching given configuration for text: nope more. Check the syntax at https://mermaid.js.org/intro/syntax-reference.html',
    });
  });

  it('accepts a thrown string and an unknown fence line', () => {
    const problem = mermaidProblem(
      'x.mdx',
      undefined,
      'Parse error on line 2:\nLexical error on line 2. Unrecognized text.',
    );
    expect(problem.line).toBeUndefined();
    expect(problem.message).toBe(
      'Mermaid cannot parse line 2 of this diagram (Lexical error on line 2. Unrecognized text.). Check the syntax at https://mermaid.js.org/intro/syntax-reference.html',
    );
  });
});

describe('diagramLineOf', () => {
  it('is the identity for a plain diagram', () => {
    const diagram = 'flowchart LR\n  A --> B\n  B --> C';
    expect([1, 2, 3].map((n) => diagramLineOf(diagram, n))).toEqual([1, 2, 3]);
  });

  it('skips a front-matter block', () => {
    expect(diagramLineOf('---\ntitle: T\nconfig:\n  theme: dark\n---\nflowchart LR\n  A --> --> B', 2)).toBe(7);
  });

  it('skips leading blank lines and a directive line', () => {
    expect(diagramLineOf('\n\nflowchart LR\n  A --> --> B', 2)).toBe(4);
    expect(diagramLineOf('%%{init: {"theme": "dark"}}%%\nflowchart LR\n  A --> --> B', 2)).toBe(3);
  });

  it('skips %% comment lines anywhere in the diagram', () => {
    expect(diagramLineOf('flowchart LR\n  %% why\n  A --> B\n  %% more\n  B --> --> C', 3)).toBe(5);
  });

  it('ignores CR before LF', () => {
    expect(diagramLineOf('---\r\ntitle: T\r\n---\r\nflowchart LR\r\n  A --> --> B', 2)).toBe(5);
  });

  it('answers the last line for a line past the end', () => {
    expect(diagramLineOf('flowchart LR\n  subgraph one\n  A --> B', 9)).toBe(3);
    expect(diagramLineOf('', 1)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { hasReadableBody, mermaidBlocks, splitFrontmatter } from '../../src/domain/mdx-source.ts';

describe('splitFrontmatter', () => {
  it('separates the YAML from the body and says where the body starts', () => {
    const split = splitFrontmatter('---\ntitle: T\nseverity: SEV1\n---\n\n## What happened\n');
    expect(split).toEqual({ yaml: 'title: T\nseverity: SEV1', yamlLine: 2, body: '\n## What happened\n', bodyLine: 5 });
  });

  it('handles CRLF line endings and trailing spaces after the fences', () => {
    const split = splitFrontmatter('--- \r\ntitle: T\r\n---\t\r\nBody\r\n');
    expect(split?.yaml).toBe('title: T');
    expect(split?.body).toBe('Body\r\n');
    expect(split?.bodyLine).toBe(4);
  });

  it('accepts an empty frontmatter block and a file that ends at the closing fence', () => {
    expect(splitFrontmatter('---\n---\nBody')).toEqual({ yaml: '', yamlLine: 2, body: 'Body', bodyLine: 3 });
    expect(splitFrontmatter('---\ntitle: T\n---')).toMatchObject({ yaml: 'title: T', body: '' });
  });

  it('finds no frontmatter unless the file starts with ---', () => {
    expect(splitFrontmatter('## Title\n\n---\na: 1\n---\n')).toBeUndefined();
    expect(splitFrontmatter('\n---\na: 1\n---\n')).toBeUndefined();
    expect(splitFrontmatter('---\ntitle: T\nno closing fence\n')).toBeUndefined();
  });

  it('stops at the first closing fence, so a later --- rule stays in the body', () => {
    const split = splitFrontmatter('---\na: 1\n---\nText\n\n---\n\nMore\n');
    expect(split?.yaml).toBe('a: 1');
    expect(split?.body).toBe('Text\n\n---\n\nMore\n');
  });
});

describe('mermaidBlocks', () => {
  it('returns each diagram with the file line of its opening fence', () => {
    const body = '\nIntro\n\n```mermaid\nflowchart LR\n  A --> B\n```\n\n~~~mermaid\nsequenceDiagram\n~~~\n';
    expect(mermaidBlocks(body, 10)).toEqual([
      { value: 'flowchart LR\n  A --> B', line: 13 },
      { value: 'sequenceDiagram', line: 18 },
    ]);
  });

  it('ignores other languages and keeps shorter fences inside a longer one', () => {
    const body = '```python\nprint(1)\n```\n````mermaid\nflowchart LR\n```\nnot the end\n````\n';
    expect(mermaidBlocks(body)).toEqual([{ value: 'flowchart LR\n```\nnot the end', line: 4 }]);
  });

  it('does not take "mermaid-like" for mermaid', () => {
    expect(mermaidBlocks('```mermaidish\nx\n```\n')).toEqual([]);
  });

  it('takes an unclosed fence to the end of the body', () => {
    expect(mermaidBlocks('```mermaid\ngraph TD\nA-->B')).toEqual([{ value: 'graph TD\nA-->B', line: 1 }]);
  });
});

describe('hasReadableBody', () => {
  it('is false for whitespace, imports, exports and comments only', () => {
    expect(hasReadableBody('')).toBe(false);
    expect(hasReadableBody('\n\n  \n')).toBe(false);
    expect(hasReadableBody('import Ref from "../Ref.astro";\nexport const x = 1;\n')).toBe(false);
    expect(hasReadableBody('{/* TODO:\n write this */}\n<!-- later -->\n')).toBe(false);
  });

  it('is true as soon as there is something to read', () => {
    expect(hasReadableBody('import Ref from "x";\n\nIt broke.\n')).toBe(true);
    expect(hasReadableBody('## What happened\n')).toBe(true);
    expect(hasReadableBody('{/* note */} Text after a comment')).toBe(true);
  });
});

/** Small, pure readers of an MDX body's source text (line numbers are 1-based, file-relative). */

export interface Located<T> {
  value: T;
  line: number;
}

/** The frontmatter block and where the body starts; undefined when there is no frontmatter. */
export function splitFrontmatter(
  source: string,
): { yaml: string; yamlLine: number; body: string; bodyLine: number } | undefined {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/.exec(source);
  if (!match) return undefined;
  const consumed = match[0];
  return {
    yaml: match[1]!,
    yamlLine: 2,
    body: source.slice(consumed.length),
    bodyLine: consumed.split('\n').length,
  };
}

/** Every fenced ```mermaid block with the line of its opening fence. */
export function mermaidBlocks(body: string, bodyLine = 1): Located<string>[] {
  const blocks: Located<string>[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*mermaid\b/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const content: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trimStart().startsWith(fence); j++) content.push(lines[j]!);
    blocks.push({ value: content.join('\n'), line: bodyLine + i });
    i = j;
  }
  return blocks;
}

/** True when the body has something to read besides imports, exports and comments. */
export function hasReadableBody(body: string): boolean {
  const text = body
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n')
    .filter((line) => !/^\s*(import|export)\s/.test(line))
    .join('\n');
  return text.trim().length > 0;
}

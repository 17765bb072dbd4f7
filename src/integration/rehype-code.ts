/**
 * A rehype plugin that highlights the code fences of MDX through the cache of
 * ./code-highlight.ts, in place of Astro's built-in Shiki step (which the integration turns off).
 * Fences are found as Astro finds them: a `<pre>` whose only child is a `<code>`, the language
 * from its `language-*` class (plain text without one).
 */
import type { Element, ElementContent, Root } from 'hast';
import { fromHtmlIsomorphic } from 'hast-util-from-html-isomorphic';
import { highlightBlocks } from '../render/code-highlight.ts';

export function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

/** The `<code>` of a fenced block and its language, if `pre` is one. */
export function fencedCode(pre: Element): { code: Element; language: string } | undefined {
  if (pre.tagName !== 'pre' || pre.children.length !== 1) return undefined;
  const code = pre.children[0]!;
  if (code.type !== 'element' || code.tagName !== 'code') return undefined;
  const classes: unknown = code.properties.className;
  const list: unknown[] = Array.isArray(classes) ? classes : typeof classes === 'string' ? classes.split(/\s+/) : [];
  const language = list.map((c) => /^language-(\S+)$/.exec(String(c))?.[1]).find(Boolean) ?? 'plaintext';
  return { code, language };
}

export interface RehypeCodeOptions {
  /** Languages left as they are (Mermaid is drawn by ./rehype-diagrams.ts instead). */
  excludeLangs: string[];
}

export default function rehypeCode({ excludeLangs }: RehypeCodeOptions) {
  return async (tree: Root, file: { path?: string }) => {
    const found: { pre: Element; code: string; language: string; meta?: string }[] = [];
    const walk = (node: Root | Element) => {
      for (const child of node.children) {
        if (child.type !== 'element') continue;
        const fenced = fencedCode(child);
        if (!fenced) walk(child);
        else if (!excludeLangs.includes(fenced.language)) {
          const meta =
            (fenced.code.data as { meta?: string } | undefined)?.meta ??
            (fenced.code.properties.metastring as string | undefined);
          found.push({ pre: child, code: textOf(fenced.code), language: fenced.language, meta: meta || undefined });
        }
      }
    };
    walk(tree);
    if (found.length === 0) return;
    const blocks = await highlightBlocks(found);
    found.forEach(({ pre }, i) => {
      const block = blocks[i]!;
      pre.properties = { ...block.properties };
      // In MDX the highlighted code goes in as one string (Astro's `set:html`): as thousands of
      // token <span>s it would be compiled into JSX, which makes every page's module large and slow.
      if (file.path?.endsWith('.mdx')) {
        pre.properties['set:html'] = block.html;
        pre.children = [];
      } else pre.children = fromHtmlIsomorphic(block.html, { fragment: true }).children as ElementContent[];
    });
  };
}

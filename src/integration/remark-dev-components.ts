/**
 * `astro dev` only: an unknown component in an incident's MDX (`<Nope />`) becomes a visible
 * note in the page instead of the MDX runtime's "Expected component `Nope` to be defined" and
 * its stack trace. A page can render from a file that has just been saved, before the archive
 * has read it again; the located problem itself comes from the archive (src/archive/mdx-checks.ts)
 * and is printed once and shown in the banner. A build never gets here: the archive stops it first.
 */
import type { Root } from 'mdast';
import { MDX_COMPONENTS, unknownComponentMessage } from '../archive/mdx-checks.ts';

interface JsxNode {
  type: string;
  name?: string | null;
  value?: string;
  attributes?: unknown[];
  children?: JsxNode[];
}

export default function remarkDevComponents() {
  return (tree: Root) => {
    const known = new Set<string>(MDX_COMPONENTS);
    const walk = (node: JsxNode) => {
      if (node.type === 'mdxjsEsm' && node.value) {
        for (const m of node.value.matchAll(/\b([A-Z]\w*)\b/g)) known.add(m[1]!);
      }
      node.children?.forEach((child, index) => {
        const isJsx = child.type === 'mdxJsxFlowElement' || child.type === 'mdxJsxTextElement';
        const name = child.name ?? '';
        if (isJsx && /^[A-Z]/.test(name) && !known.has(name.split('.')[0]!)) {
          node.children![index] = {
            type: child.type,
            name: child.type === 'mdxJsxFlowElement' ? 'p' : 'span',
            attributes: [
              { type: 'mdxJsxAttribute', name: 'role', value: 'alert' },
              { type: 'mdxJsxAttribute', name: 'className', value: 'mdx-unknown-component' },
            ],
            children: [{ type: 'text', value: unknownComponentMessage(name) }],
          };
        } else walk(child);
      });
    };
    walk(tree as unknown as JsxNode);
  };
}

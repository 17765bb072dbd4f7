/**
 * A rehype plugin that turns ```mermaid fences into inline SVG at build time, through the same
 * disk cache and batched Chromium session as every other diagram (see ./diagrams.ts). A diagram
 * that fails to render is reported as a located content problem and shown as a visible error,
 * never silently dropped.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { fromHtmlIsomorphic } from 'hast-util-from-html-isomorphic';
import { relative } from 'node:path';
import { mermaidProblem } from '../render/mermaid-errors.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { renderDiagram } from '../render/diagrams.ts';
import { fencedCode, textOf } from './rehype-code.ts';
import { openDiagramLink } from '../view/diagram-files.ts';
import { makeTranslator } from '../i18n/catalogue.ts';
import type { LocaleDefinition } from '../i18n/registry.ts';

export interface RehypeDiagramsOptions {
  /** Project root, to report files relative to it. */
  root: string;
  onProblem(problem: ContentProblem): void;
  /** The site's locales: a translated story (`index.<locale>.mdx`) says its link in its language. */
  locales?: readonly LocaleDefinition[];
  /** The path of Aftermath's pages (Astro's base and Aftermath's), where the diagram files are. */
  base?: string;
}

interface Found {
  parent: Root | Element;
  index: number;
  source: string;
  line?: number;
}

function collect(parent: Root | Element, found: Found[]) {
  parent.children.forEach((child: RootContent, index) => {
    if (child.type !== 'element') return;
    const fenced = fencedCode(child);
    if (fenced?.language === 'mermaid') {
      found.push({ parent, index, source: textOf(fenced.code).replace(/\n$/, ''), line: child.position?.start.line });
    } else collect(child, found);
  });
}

export default function rehypeDiagrams(options: RehypeDiagramsOptions) {
  return async (tree: Root, file: { path?: string }) => {
    const found: Found[] = [];
    collect(tree, found);
    const code = /index\.([a-z0-9-]+)\.mdx$/.exec(file.path ?? '')?.[1];
    const locale = options.locales?.find((l, i) => i > 0 && l.code === code);
    const t = locale ? makeTranslator(locale.code, locale.lang, locale.strings) : undefined;
    await Promise.all(
      found.map(async (f, i) => {
        let replacement: Element;
        try {
          // Ids only need to be unique within a page; the fix graph and traces use other prefixes.
          const svg = await renderDiagram(f.source, `mermaid-${i}`);
          replacement = {
            type: 'element',
            tagName: 'figure',
            properties: { className: ['diagram', 'mdx-diagram'] },
            children: [],
          };
          // In MDX the SVG goes in as one string (Astro's `set:html`): as a tree of hundreds of
          // elements it would be compiled into JSX, which makes every page's module large and slow.
          // After the SVG, the link that opens it on its own at full size (see view/diagram-files.ts).
          const html = svg + openDiagramLink({ source: f.source, prefix: `mermaid-${i}` }, options.base ?? '/', t);
          if (file.path?.endsWith('.mdx')) replacement.properties['set:html'] = html;
          else replacement.children = fromHtmlIsomorphic(html, { fragment: true }).children as ElementContent[];
        } catch (error) {
          const problem = mermaidProblem(
            file.path ? relative(options.root, file.path) : 'unknown file',
            f.line,
            error,
            f.source,
          );
          options.onProblem(problem);
          replacement = {
            type: 'element',
            tagName: 'p',
            properties: { className: ['diagram-error'], role: 'alert' },
            children: [{ type: 'text', value: `Diagram could not be rendered: ${problem.message}` }],
          };
        }
        f.parent.children[f.index] = replacement;
      }),
    );
  };
}

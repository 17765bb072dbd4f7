/**
 * The Markdown pipeline incident MDX is compiled with: code highlighted through the cache,
 * heading ids and anchors, and Mermaid fences drawn at build time. Astro 7's default Markdown
 * engine ignores rehype plugins, so this is a unified() processor handed to Astro.
 */
import { rehypeHeadingIds, unified } from '@astrojs/markdown-remark';
import rehypeAutolinkHeadings from 'rehype-autolink-headings';
import rehypeExternalLinks from 'rehype-external-links';
import type { ContentProblem } from '../schemas/problems.ts';
import rehypeCode from './rehype-code.ts';
import rehypeDiagrams from './rehype-diagrams.ts';
import remarkContentGuard from './remark-content-guard.ts';

/** This file and what it imports decide what compiled MDX looks like (the MDX cache's key). */
export const MARKDOWN_CODE = ['integration/markdown.ts', 'integration/mdx-cache.ts'];

export interface MarkdownOptions {
  /** The site lets incident MDX run code (`aftermath({ allowMdxCode: true })`). */
  allowCode: boolean;
  onProblem(problem: ContentProblem): void;
}

export function markdownProcessor(root: string, { allowCode, onProblem }: MarkdownOptions) {
  return unified({
    remarkPlugins: [[remarkContentGuard, { root, allowCode, onProblem }]],
    rehypePlugins: [
      // Mermaid fences are drawn by rehypeDiagrams; `math` is left alone as Astro would.
      [rehypeCode, { excludeLangs: ['mermaid', 'math'] }],
      rehypeHeadingIds,
      [
        rehypeAutolinkHeadings,
        {
          behavior: 'append',
          properties: { className: ['heading-anchor'], ariaLabel: 'Link to this section' },
          content: { type: 'text', value: '#' },
        },
      ],
      [rehypeDiagrams, { root, onProblem }],
      // An off-site link in the story opens like every other on the site: no opener, no referrer.
      [rehypeExternalLinks, { rel: ['noopener', 'noreferrer'] }],
    ],
  });
}

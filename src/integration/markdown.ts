/**
 * The Markdown pipeline incident MDX is compiled with: code highlighted through the cache,
 * heading ids and anchors, and Mermaid fences drawn at build time. Astro 7's default Markdown
 * engine ignores rehype plugins, so this is a unified() processor, handed to Astro in front of
 * the site's own for the incidents folder alone (`incidentsOnly`).
 */
import { rehypeHeadingIds, unified } from '@astrojs/markdown-remark';
import type { AstroConfig } from 'astro';
import { sep } from 'node:path';
import rehypeAutolinkHeadings from 'rehype-autolink-headings';
import rehypeExternalLinks from 'rehype-external-links';
import type { ContentProblem } from '../schemas/problems.ts';
import rehypeCode from './rehype-code.ts';
import type { LocaleDefinition } from '../i18n/registry.ts';
import rehypeDiagrams from './rehype-diagrams.ts';
import remarkContentGuard from './remark-content-guard.ts';
import type { MdxComponent } from '../archive/mdx/component.ts';

/** This file and what it imports decide what compiled MDX looks like (the MDX cache's key). */
export const MARKDOWN_CODE = ['integration/markdown.ts', 'integration/mdx-cache.ts'];

export interface MarkdownOptions {
  /** The site lets incident MDX run code (`aftermath({ allowMdxCode: true })`). */
  allowCode: boolean;
  /** The components an incident may use. */
  components: readonly Pick<MdxComponent, 'name'>[];
  onProblem(problem: ContentProblem): void;
  /** The site's locales, for the words a translated story's diagrams are linked with. */
  locales?: readonly LocaleDefinition[];
  /** The path of Aftermath's pages, for the diagrams' links to their files. */
  base?: string;
}

export function markdownProcessor(root: string, { allowCode, components, onProblem, locales, base }: MarkdownOptions) {
  return unified({
    remarkPlugins: [[remarkContentGuard, { root, allowCode, components, onProblem }]],
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
      [rehypeDiagrams, { root, onProblem, locales, base }],
      // An off-site link in the story opens like every other on the site: no opener, no referrer.
      [rehypeExternalLinks, { rel: ['noopener', 'noreferrer'] }],
    ],
  });
}

type Processor = ReturnType<typeof unified>;
type SiteProcessor = AstroConfig['markdown']['processor'];

/**
 * The site's own Markdown processor, with Aftermath's in front of it for the incidents only: an
 * MDX file under the incidents folder is compiled by Aftermath's pipeline (its code highlighting,
 * so without Astro's own Shiki pass), every other file (a Starlight site's docs, say) by the
 * site's processor exactly as configured. `name` and `options` stay the site's, so that an
 * integration that adds its plugins to the site's processor after Aftermath's (Starlight does)
 * still reaches it, and those plugins never touch an incident.
 */
export function incidentsOnly(site: SiteProcessor, own: Processor, incidentsDir: string): SiteProcessor {
  const isIncident = (filePath: string) => filePath.startsWith(`${incidentsDir}${sep}`);
  return {
    name: site.name,
    options: site.options,
    createRenderer: (shared) => site.createRenderer(shared),
    async createMdxRenderer(shared, mdx) {
      const ours = await own.createMdxRenderer!({ ...shared, syntaxHighlight: false }, mdx);
      const theirs = site.createMdxRenderer ? await site.createMdxRenderer(shared, mdx) : undefined;
      return {
        process(content, filePath, frontmatter) {
          if (isIncident(filePath)) return ours.process(content, filePath, frontmatter);
          if (!theirs) throw new Error(`the site's Markdown processor "${site.name}" cannot render MDX (${filePath})`);
          return theirs.process(content, filePath, frontmatter);
        },
      };
    },
  };
}

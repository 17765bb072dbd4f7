/**
 * The Aftermath Astro integration: validates the whole archive before anything is built,
 * configures Markdown (Shiki themes, build-time Mermaid), and refuses to finish a build whose
 * output is silently broken. Astro logs some rendering errors and still exits 0; this does not.
 */
import type { AstroIntegration } from 'astro';
import { rehypeHeadingIds, unified } from '@astrojs/markdown-remark';
import rehypeAutolinkHeadings from 'rehype-autolink-headings';
import * as pagefind from 'pagefind';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readArchive, type Archive } from './content/archive.ts';
import { diagramStats } from './content/diagrams.ts';
import rehypeDiagrams from './content/rehype-diagrams.ts';
import { renderSocialCards } from './content/social-cards.ts';
import { checkBuiltPage } from './lib/dist-check.ts';
import { noTokenizeTimeLimit } from './lib/shiki.ts';
import { ContentError, formatProblems, type ContentProblem } from './schemas/problems.ts';

/** Pagefind's index of the incident pages (those marked data-pagefind-body), written into dist/pagefind/. */
async function buildSearchIndex(outDir: string, logger: { info(m: string): void }) {
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  const added = await index.addDirectory({ path: outDir });
  if (added.errors.length) throw new Error(`Pagefind could not index ${outDir}: ${added.errors.join('; ')}`);
  const written = await index.writeFiles({ outputPath: join(outDir, 'pagefind') });
  if (written.errors.length) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
  await pagefind.close();
  logger.info(`search: ${added.page_count} incident page(s) indexed`);
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

export default function aftermath(): AstroIntegration {
  let root = '';
  let archive: Archive | undefined;
  const diagramProblems: ContentProblem[] = [];
  return {
    name: 'aftermath',
    hooks: {
      'astro:config:setup': ({ config, updateConfig, command, logger }) => {
        root = fileURLToPath(config.root);
        archive = readArchive(root);
        const { problems } = archive;
        if (command === 'build' && config.site?.includes('localhost')) {
          logger.warn(`site is ${config.site}: canonical links, feeds, exports and the sitemap will point there. Set SITE_URL (and BASE_PATH for a sub-path) when building for publication.`);
        }
        if (problems.length > 0) {
          // In dev the server keeps running so the author can fix and save; elsewhere, stop.
          if (command === 'dev') logger.error(formatProblems(problems));
          else throw new ContentError(problems);
        }
        updateConfig({
          // Scripts go out as files, never inline, so a Content-Security-Policy needs no 'unsafe-inline'.
          vite: { build: { assetsInlineLimit: 0 } },
          markdown: {
            // Without this, Shiki highlights ```mermaid fences first and no diagram is drawn.
            syntaxHighlight: { type: 'shiki', excludeLangs: ['mermaid'] },
            // Both themes as CSS variables; global.css picks one with light-dark(), so a theme switch needs no re-render.
            shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' }, defaultColor: false, transformers: [noTokenizeTimeLimit] },
            // Astro 7's default Markdown engine ignores rehype plugins; unified() runs them.
            processor: unified({
              rehypePlugins: [
                rehypeHeadingIds,
                [
                  rehypeAutolinkHeadings,
                  {
                    behavior: 'append',
                    properties: { className: ['heading-anchor'], ariaLabel: 'Link to this section' },
                    content: { type: 'text', value: '#' },
                  },
                ],
                [
                  rehypeDiagrams,
                  {
                    root,
                    onProblem: (problem: ContentProblem) => {
                      diagramProblems.push(problem);
                      if (command === 'dev') logger.error(formatProblems([problem]));
                    },
                  },
                ],
              ],
            }),
          },
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const outDir = fileURLToPath(dir);
        const problems: ContentProblem[] = [...diagramProblems];
        for (const file of htmlFiles(outDir)) {
          const page = relative(outDir, file);
          for (const finding of checkBuiltPage(page, readFileSync(file, 'utf8'))) {
            problems.push({ file: `dist/${page}`, message: finding.message });
          }
        }
        if (problems.length > 0) throw new ContentError(problems);
        await buildSearchIndex(outDir, logger);
        // Content cannot change during a build: the archive read before it is still current.
        const published = (archive ?? readArchive(root)).incidents.filter((i) => !i.frontmatter.draft);
        const cards = await renderSocialCards(published, outDir);
        logger.info(`social cards: ${cards.cached} from cache, ${cards.rendered} rendered`);
        logger.info(`diagrams: ${diagramStats.hits} from cache, ${diagramStats.misses} rendered`);
        logger.info('content checks passed: no unrendered diagram, no empty page');
      },
    },
  };
}

/**
 * The Aftermath Astro integration: validates the whole archive before anything is built,
 * configures Markdown (Shiki themes, build-time Mermaid), and refuses to finish a build whose
 * output is silently broken. Astro logs some rendering errors and still exits 0; this does not.
 */
import type { AstroIntegration } from 'astro';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archiveCacheStats, readArchive, shareArchive, type Archive } from '../archive/archive.ts';
import { incidentDiagrams } from '../view/incident-view.ts';
import { closeDiagramBrowser, diagramStats, prerenderDiagrams } from '../render/diagrams.ts';
import { isPublished } from '../domain/incidents.ts';
import { markdownProcessor } from './markdown.ts';
import { codeStats } from '../render/code-highlight.ts';
import { cachedMdxProcessor } from './mdx-cache.ts';
import { writeSearchIndex } from './search-index.ts';
import { renderSocialCards } from './social-cards.ts';
import { checkBuiltPage } from './built-page-checks.ts';
import { formatProblems, type ContentProblem } from '../schemas/problems.ts';
import { missingChromium } from '../render/chromium.ts';
import { CONTENT_STAMP_ROUTE, reloadOnDevProblems, reportDevProblems } from './dev-problems.ts';
import { stopWith } from './stop.ts';
import { OptionsError, resolveOptions, type AftermathOptions, type AftermathUserOptions } from '../schemas/options.ts';

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

export default function aftermath(
  userOptions?: AftermathUserOptions,
): AstroIntegration & { options: AftermathOptions; optionsError?: string } {
  // A mistake in the options is said by the first hook, in Aftermath's words (a throw here would
  // reach the author as Astro's "Unable to load your Astro config" and an empty stack trace).
  let optionsError: string | undefined;
  let options: AftermathOptions;
  try {
    options = resolveOptions(userOptions);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    optionsError = error.message;
    options = resolveOptions();
  }
  let root = '';
  let archive: Archive | undefined;
  // Problems found while pages compile (a diagram that does not draw, MDX the guard refused).
  const renderProblems: ContentProblem[] = [];
  const mdxStats = { hits: 0, misses: 0 };
  // Content cannot change during a build: the archive read before it is still current.
  const published = () =>
    (archive ?? readArchive(root, options)).incidents.filter((i) => isPublished(i.frontmatter, false));
  return {
    name: 'aftermath',
    // What `npm run check` and the CLI read from the site's config (src/integration/site-options.ts).
    options,
    optionsError,
    hooks: {
      'astro:config:setup': ({ config, updateConfig, injectRoute, command, logger }) => {
        if (optionsError) stopWith(logger, optionsError);
        root = fileURLToPath(config.root);
        archive = readArchive(root, options);
        shareArchive(root, archive, options);
        logger.info(`incident folders: ${archiveCacheStats.hits} from cache, ${archiveCacheStats.misses} read`);
        const { problems } = archive;
        if (command === 'build' && config.site?.includes('localhost')) {
          logger.warn(
            `site is ${config.site}: canonical links, feeds, exports and the sitemap will point there. Set SITE_URL (and BASE_PATH for a sub-path) when building for publication.`,
          );
        }
        if (problems.length > 0) {
          // In dev the server keeps running so the author can fix and save; elsewhere, stop with
          // Aftermath's message alone (a thrown error would come wrapped in Astro's hook report).
          if (command === 'dev') reportDevProblems(problems, logger);
          else stopWith(logger, formatProblems(problems));
        }
        const chromium = missingChromium(
          command === 'dev'
            ? 'npm run dev draws Mermaid diagrams with it'
            : 'npm run build draws Mermaid diagrams and social cards with it',
        );
        if (chromium && command === 'build' && published().length > 0) stopWith(logger, chromium);
        if (chromium && command === 'dev') logger.warn(chromium);
        const processor = markdownProcessor(root, {
          allowCode: options.allowMdxCode,
          onProblem(problem) {
            renderProblems.push(problem);
            // A missing Chromium was said once at start-up; every diagram would say it again.
            if (command === 'dev' && !(chromium && problem.message.includes(chromium)))
              logger.error(formatProblems([problem]));
          },
        });
        if (command === 'dev')
          injectRoute({
            pattern: CONTENT_STAMP_ROUTE,
            entrypoint: new URL('./content-stamp-route.ts', import.meta.url),
            prerender: true,
          });
        const hadProblem = (file: string) => renderProblems.some((p) => p.file === relative(root, file));
        updateConfig({
          // Scripts go out as files, never inline, so a Content-Security-Policy needs no 'unsafe-inline'.
          // In dev, open pages reload when content problems appear or go (their banner changes).
          vite: { build: { assetsInlineLimit: 0 }, plugins: command === 'dev' ? [reloadOnDevProblems()] : [] },
          markdown: {
            // Code is highlighted by rehypeCode above (Astro's Shiki, cached); Astro's own pass would
            // tokenize every block again on every build.
            syntaxHighlight: false,
            // A build compiles only the MDX that changed since the last one (see mdx-cache.ts); in
            // dev, where Aftermath's own plugins may be edited, everything is compiled.
            processor: command === 'build' ? cachedMdxProcessor(processor, { hadProblem, stats: mdxStats }) : processor,
          },
        });
      },
      // `astro dev` only: Run and Stop for every repro on a page (src/integration/live-runs.ts).
      'astro:server:setup': async ({ server, logger }) =>
        (await import('./live-runs.ts')).setupLiveRuns(server, root, logger, options),
      'astro:build:start': ({ logger }) => {
        // Every diagram the pages will show is known now: render the misses in one batch while
        // Astro bundles, so that pages find them in the cache instead of waiting for them.
        const started = prerenderDiagrams(published().flatMap(incidentDiagrams));
        if (started > 0) logger.info(`diagrams: rendering ${started} new or changed diagram(s) ahead of the pages`);
      },
      'astro:build:done': async ({ dir, logger }) => {
        await closeDiagramBrowser();
        const outDir = fileURLToPath(dir);
        const problems: ContentProblem[] = [...renderProblems];
        // Every page is read once: checked, and hashed for the search index's cache.
        const pages = createHash('sha256');
        for (const file of htmlFiles(outDir).sort()) {
          const page = relative(outDir, file);
          const html = readFileSync(file, 'utf8');
          pages.update(page).update('\0').update(html).update('\0');
          for (const finding of checkBuiltPage(page, html)) {
            problems.push({ file: `dist/${page}`, message: finding.message });
          }
        }
        if (problems.length > 0) stopWith(logger, formatProblems(problems));
        const [search, cards] = await Promise.all([
          writeSearchIndex(outDir, pages.digest('hex')),
          renderSocialCards(published(), outDir),
        ]);
        logger.info(
          search.cached
            ? 'search: index from cache (no page changed)'
            : `search: index built from ${search.indexed} page(s)`,
        );
        logger.info(`social cards: ${cards.cached} from cache, ${cards.rendered} rendered`);
        await (await import('./reading-outputs.ts')).buildReadingOutputs(published(), outDir, logger); // diagram text check, PDFs
        logger.info(`diagrams: ${diagramStats.hits} from cache, ${diagramStats.misses} rendered`);
        logger.info(`code blocks: ${codeStats.hits} from cache, ${codeStats.misses} highlighted`);
        logger.info(`MDX files: ${mdxStats.hits} from cache, ${mdxStats.misses} compiled`);
        logger.info('content checks passed: no unrendered diagram, no empty page');
      },
    },
  };
}

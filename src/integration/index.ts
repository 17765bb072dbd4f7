/**
 * The Aftermath Astro integration, `import aftermath from 'aftermath'`: adds every page of the
 * postmortems to the site (under its `base` option), validates the whole archive before anything
 * is built, configures Markdown (highlighted code, build-time Mermaid), and refuses to finish a
 * build whose output is silently broken. Astro logs some rendering errors and still exits 0;
 * this does not.
 */
import mdx from '@astrojs/mdx';
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archiveCacheStats, readArchive, shareArchive, type Archive } from '../archive/archive.ts';
import { incidentDiagrams } from '../view/incident-view.ts';
import { diagramStats, diagramTiming, prerenderDiagrams } from '../render/diagrams.ts';
import { isPublished } from '../domain/incidents.ts';
import { incidentsOnly, markdownProcessor } from './markdown.ts';
import { mdxComponents } from '../archive/mdx/registry.ts';
import { codeStats } from '../render/code-highlight.ts';
import { cachedMdxProcessor } from './mdx-cache.ts';
import { searchRelevant, writeSearchIndex } from './search-index.ts';
import { placeCards, renderSocialCards, type CardStats } from './social-cards.ts';
import { createBuildReport } from './build-report.ts';
import { sharedChromiumPool } from '../render/chromium-pool.ts';
import { checkBuiltPage } from './built-page-checks.ts';
import { formatProblems, type ContentProblem } from '../schemas/problems.ts';
import { missingChromium } from '../render/chromium.ts';
import { CONTENT_STAMP_ROUTE, reloadOnDevProblems, reportDevProblems } from './dev-problems.ts';
import { stopWith } from './stop.ts';
import { OptionsError, resolveOptions, type AftermathOptions, type AftermathUserOptions } from '../schemas/options.ts';
import { aftermathRoutes } from './routes.ts';
import { siteSetupProblems } from './site-setup.ts';
import { virtualModules } from './virtual-modules.ts';
import { builtSite, type BuiltSite } from './dist-browser.ts';
import { packageFile } from '../package-root.ts';

export type { AftermathUserOptions as AftermathOptions } from '../schemas/options.ts';

/** The chunks Astro makes of the <script>s in Aftermath's components (one per component that has one). */
const AFTERMATH_SCRIPT_CHUNK = /(^|\/)(Base|search|ReproRunControls)\.astro_astro_type_script_/;

/** Astro 7 warns about its own head-injection directive in every MDX entry (withastro/astro#18087). */
interface BundlerWarning {
  code?: string;
  message: string;
}
function quietHeadInjectWarning(warning: BundlerWarning, warn: (warning: BundlerWarning) => void) {
  if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('astro:head-inject')) return;
  warn(warning);
}

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
  const mdxStats = { hits: 0, misses: 0, ms: 0, compiling: 0, since: 0 };
  const report = createBuildReport();
  const pool = sharedChromiumPool();
  let pagesStarted = 0;
  let cards: Promise<CardStats> | undefined;
  // Content cannot change during a build: the archive read before it is still current.
  const published = () =>
    (archive ?? readArchive(root, options)).incidents.filter((i) => isPublished(i.frontmatter, false));
  return {
    name: 'aftermath',
    // What `npx aftermath check` and the CLI read from the site's config (src/integration/site-options.ts).
    options,
    optionsError,
    hooks: {
      'astro:config:setup': ({ config, updateConfig, injectRoute, command, logger }) => {
        if (optionsError) stopWith(logger, optionsError);
        root = fileURLToPath(config.root);
        const setup = siteSetupProblems(root, config.srcDir, options);
        if (setup.length > 0)
          stopWith(logger, `aftermath: the site is not set up yet\n${setup.map((p) => `  ${p}`).join('\n')}`);
        for (const route of aftermathRoutes(options.base)) injectRoute(route);
        const reading = performance.now();
        archive = readArchive(root, options);
        report.add('archive', performance.now() - reading);
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
            : `npm run build draws Mermaid diagrams${options.socialCards ? ' and social cards' : ''} with it`,
        );
        if (chromium && command === 'build' && published().length > 0) stopWith(logger, chromium);
        if (chromium && command === 'dev') logger.warn(chromium);
        const components = mdxComponents(root, options.mdxComponents);
        const processor = markdownProcessor(root, {
          allowCode: options.allowMdxCode,
          components,
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
            entrypoint: packageFile('src/integration/content-stamp-route.ts'),
            prerender: true,
          });
        const hadProblem = (file: string) => renderProblems.some((p) => p.file === relative(root, file));
        const integrations = config.integrations.map((i) => i.name);
        updateConfig({
          // A page whose data and code did not change since the last build is copied from it, not
          // rendered again (src/view/page-keys.ts gives every page its key). Astro keeps the copies
          // in its cache folder, node_modules/.astro/.
          experimental: { incrementalBuild: true },
          // Incidents are MDX: the site need not add @astrojs/mdx itself (Starlight does the same).
          integrations: integrations.includes('@astrojs/mdx') ? [] : [mdx()],
          vite: {
            plugins: [
              virtualModules(options, {
                root,
                astroBase: config.base,
                sitemap: integrations.includes('@astrojs/sitemap'),
                mdxComponents: components,
              }),
              // In dev, open pages reload when content problems appear or go (their banner changes).
              ...(command === 'dev' ? [reloadOnDevProblems()] : []),
            ],
            build: {
              // Aftermath's scripts go out as files, never inline: its pages' Content-Security-Policy
              // allows no inline script. The rest of the site (Starlight's pages, say) as Vite decides.
              assetsInlineLimit: (file: string) => (AFTERMATH_SCRIPT_CHUNK.test(file) ? false : undefined),
              // Vite passes onwarn on to the bundler, though its type leaves it out.
              rolldownOptions: { onwarn: quietHeadInjectWarning } as object,
            },
          },
          markdown: {
            // Incidents with Aftermath's pipeline, the site's other Markdown with its own. A build
            // compiles only the incident MDX that changed since the last one (see mdx-cache.ts); in
            // dev, where Aftermath's own plugins may be edited, everything is compiled.
            processor: incidentsOnly(
              config.markdown.processor,
              command === 'build' ? cachedMdxProcessor(processor, { hadProblem, stats: mdxStats }) : processor,
              join(root, options.incidents),
            ),
          },
        });
      },
      // `astro dev` only: Run and Stop for every repro on a page (src/integration/live-runs.ts).
      'astro:server:setup': async ({ server, logger }) =>
        (await import('./live-runs.ts')).setupLiveRuns(server, root, logger, options),
      'astro:build:start': ({ logger }) => {
        pagesStarted = performance.now();
        // Every diagram the pages will show is known now: render the misses in one batch while
        // Astro bundles, so that pages find them in the cache instead of waiting for them. The
        // social cards need nothing but the records: they are drawn meanwhile too.
        const started = prerenderDiagrams(published().flatMap(incidentDiagrams));
        if (started > 0) logger.info(`diagrams: rendering ${started} new or changed diagram(s) ahead of the pages`);
        if (!options.socialCards) return;
        cards = report.time('social cards', () => renderSocialCards(pool, published(), options.title));
        cards.catch(() => {}); // awaited, and its failure reported, when the pages are written
      },
      'astro:build:done': async ({ dir, logger }) => {
        report.add('pages', performance.now() - pagesStarted);
        try {
          await finishBuild(builtSite(fileURLToPath(dir), options.base), logger);
        } finally {
          await pool.close();
        }
      },
    },
  };

  /**
   * After the pages are written: check Aftermath's pages (not the site's own), then the search
   * index, cards, label check and PDFs, all under Aftermath's base in dist/.
   */
  async function finishBuild(site: BuiltSite, logger: AstroIntegrationLogger) {
    const problems: ContentProblem[] = [...renderProblems];
    // Every page is read once: checked, and hashed for the search index's cache.
    const pages = createHash('sha256');
    for (const file of htmlFiles(site.dir).sort()) {
      const page = relative(site.dir, file);
      const html = readFileSync(file, 'utf8');
      pages.update(page).update('\0').update(searchRelevant(html)).update('\0');
      for (const finding of checkBuiltPage(page, html)) {
        problems.push({ file: `dist${site.base}${page}`, message: finding.message });
      }
    }
    if (problems.length > 0) stopWith(logger, formatProblems(problems));
    const search = await report.time('search', () => writeSearchIndex(site.dir, pages.digest('hex')));
    report.count('search', search.cached ? 1 : 0, search.cached ? 0 : 1);
    logger.info(
      search.cached
        ? 'search: index from cache (no page changed)'
        : `search: index built from ${search.indexed} page(s)`,
    );
    if (cards) {
      const drawn = await cards;
      placeCards(published(), site.dir, options.title);
      report.count('social cards', drawn.cached, drawn.rendered);
      logger.info(`social cards: ${drawn.cached} from cache, ${drawn.rendered} rendered`);
    }
    // The diagram text check and the PDFs.
    const reading = await import('./reading-outputs.ts');
    await reading.buildReadingOutputs(pool, published(), site, logger, report, options.pdf);
    report.add('diagrams', diagramTiming.busyMs);
    report.add('MDX', mdxStats.ms);
    report.count('archive', archiveCacheStats.hits, archiveCacheStats.misses);
    report.count('MDX', mdxStats.hits, mdxStats.misses);
    report.count('code', codeStats.hits, codeStats.misses);
    report.count('diagrams', diagramStats.hits, diagramStats.misses);
    logger.info(`diagrams: ${diagramStats.hits} from cache, ${diagramStats.misses} rendered`);
    logger.info(`code blocks: ${codeStats.hits} from cache, ${codeStats.misses} highlighted`);
    logger.info(`MDX files: ${mdxStats.hits} from cache, ${mdxStats.misses} compiled`);
    for (const line of report.lines()) logger.info(line);
    logger.info('content checks passed: no unrendered diagram, no empty page');
  }
}

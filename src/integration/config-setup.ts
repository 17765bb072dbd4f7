/**
 * `astro:config:setup`: stop on a mistaken option or an unready site, inject the pages, read and
 * check the archive before anything is built, and configure Vite and Markdown (Aftermath's
 * virtual modules, the incidents' own Markdown pipeline, scripts as files for the CSP).
 */
import mdx from '@astrojs/mdx';
import type { AstroIntegration } from 'astro';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archiveCacheStats, readArchive, shareArchive } from '../archive/archive.ts';
import type { MdxComponent } from '../archive/mdx/component.ts';
import { mdxComponents } from '../archive/mdx/registry.ts';
import { packageFile } from '../package-root.ts';
import { missingChromium } from '../render/chromium.ts';
import { formatProblems } from '../schemas/problems.ts';
import { CONTENT_STAMP_ROUTE, reloadOnDevProblems, reportDevProblems } from './dev-problems.ts';
import { incidentsOnly, markdownProcessor } from './markdown.ts';
import { cachedMdxProcessor } from './mdx-cache.ts';
import { aftermathRoutes } from './routes.ts';
import type { SiteBuild } from './site-build.ts';
import { siteSetupProblems } from './site-setup.ts';
import { stopWith } from './stop.ts';
import { joinBase, virtualModules } from './virtual-modules.ts';

type ConfigSetup = Parameters<NonNullable<AstroIntegration['hooks']['astro:config:setup']>>[0];

/** The chunks Astro makes of the <script>s in Aftermath's components (one per component that has one). */
const AFTERMATH_SCRIPT_CHUNK = /(^|\/)(Base|SearchPage|ReproRunControls)\.astro_astro_type_script_/;

export function setUpSite(build: SiteBuild, optionsError: string | undefined, setup: ConfigSetup): void {
  const { config, updateConfig, injectRoute, command, logger } = setup;
  const { options } = build;
  if (optionsError) stopWith(logger, optionsError);
  build.root = fileURLToPath(config.root);
  const notReady = siteSetupProblems(build.root, config.srcDir, options);
  if (notReady.length > 0)
    stopWith(logger, `aftermath: the site is not set up yet\n${notReady.map((p) => `  ${p}`).join('\n')}`);
  for (const route of aftermathRoutes(options.base, options.locales.length)) injectRoute(route);
  const chromium = checkArchive(build, setup);
  if (command === 'dev')
    injectRoute({
      pattern: CONTENT_STAMP_ROUTE,
      entrypoint: packageFile('src/integration/content-stamp-route.ts'),
      prerender: true,
    });
  const components = mdxComponents(build.root, options.mdxComponents);
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
          root: build.root,
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
    markdown: { processor: incidentsProcessor(build, setup, components, chromium) },
    // The site's locales as Astro's own (Starlight does the same): `Astro.currentLocale` and
    // astro:i18n's helpers work on a team's pages too. Aftermath injects each locale's pages
    // itself; a site with an i18n config of its own keeps it.
    ...(options.locales.length > 1 &&
      !config.i18n && {
        i18n: {
          locales: options.locales.map((l) => ({ path: l.code, codes: [l.lang] as [string] })),
          defaultLocale: options.locales[0]!.code,
          routing: { prefixDefaultLocale: false, redirectToDefaultLocale: false, fallbackType: 'redirect' as const },
        },
      }),
  });
}

/**
 * Reads the archive once for the whole build and stops on its problems (in dev, says them and
 * keeps serving); says when Chromium is missing. Returns that message, if any.
 */
function checkArchive(build: SiteBuild, { config, command, logger }: ConfigSetup): string | undefined {
  const reading = performance.now();
  build.archive = readArchive(build.root, build.options);
  build.report.add('archive', performance.now() - reading);
  shareArchive(build.root, build.archive, build.options);
  logger.info(`incident folders: ${archiveCacheStats.hits} from cache, ${archiveCacheStats.misses} read`);
  if (command === 'build' && config.site?.includes('localhost'))
    logger.warn(
      `site is ${config.site}: canonical links, feeds, exports and the sitemap will point there. Set SITE_URL (and BASE_PATH for a sub-path) when building for publication.`,
    );
  const { problems } = build.archive;
  if (problems.length > 0) {
    // In dev the server keeps running so the author can fix and save; elsewhere, stop with
    // Aftermath's message alone (a thrown error would come wrapped in Astro's hook report).
    if (command === 'dev') reportDevProblems(problems, logger);
    else stopWith(logger, formatProblems(problems));
  }
  const chromium = missingChromium(
    command === 'dev'
      ? 'npm run dev draws Mermaid diagrams with it'
      : `npm run build draws Mermaid diagrams${build.options.socialCards ? ' and social cards' : ''} with it`,
  );
  if (chromium && command === 'build' && build.published().length > 0) stopWith(logger, chromium);
  if (chromium && command === 'dev') logger.warn(chromium);
  return chromium;
}

/**
 * Incidents with Aftermath's pipeline, the site's other Markdown with its own. A build compiles
 * only the incident MDX that changed since the last one (see mdx-cache.ts); in dev, where
 * Aftermath's own plugins may be edited, everything is compiled.
 */
function incidentsProcessor(
  build: SiteBuild,
  { config, command, logger }: ConfigSetup,
  components: readonly MdxComponent[],
  chromium: string | undefined,
) {
  const processor = markdownProcessor(build.root, {
    allowCode: build.options.allowMdxCode,
    components,
    locales: build.options.locales,
    base: joinBase(config.base, build.options.base),
    onProblem(problem) {
      build.renderProblems.push(problem);
      // A missing Chromium was said once at start-up; every diagram would say it again.
      if (command === 'dev' && !(chromium && problem.message.includes(chromium)))
        logger.error(formatProblems([problem]));
    },
  });
  const hadProblem = (file: string) => build.renderProblems.some((p) => p.file === relative(build.root, file));
  return incidentsOnly(
    config.markdown.processor,
    command === 'build'
      ? cachedMdxProcessor(processor, {
          hadProblem,
          stats: build.mdxStats,
          settings: JSON.stringify([build.options.locales, joinBase(config.base, build.options.base)]),
        })
      : processor,
    join(build.root, build.options.incidents),
  );
}

/** Astro 7 warns about its own head-injection directive in every MDX entry (withastro/astro#18087). */
interface BundlerWarning {
  code?: string;
  message: string;
}
function quietHeadInjectWarning(warning: BundlerWarning, warn: (warning: BundlerWarning) => void) {
  if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('astro:head-inject')) return;
  warn(warning);
}

/**
 * One build of the site as the integration's hooks share it: the options, the archive read at
 * setup, the problems pages raise while they compile, the caches' counts and the timings; then
 * what runs once Astro bundles (diagrams and social cards ahead of the pages) and once it has
 * written the pages (checks, search index, cards, the label check and the PDFs).
 */
import type { AstroIntegrationLogger } from 'astro';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { archiveCacheStats, readArchive, type Archive } from '../archive/archive.ts';
import type { IncidentRecord } from '../domain/incident-record.ts';
import { isPublished } from '../domain/incidents.ts';
import { codeStats } from '../render/code-highlight.ts';
import { sharedChromiumPool, type ChromiumPool } from '../render/chromium-pool.ts';
import { diagramStats, diagramTiming, prerenderDiagrams } from '../render/diagrams.ts';
import type { AftermathOptions } from '../schemas/options.ts';
import { formatProblems, type ContentProblem } from '../schemas/problems.ts';
import { incidentDiagrams } from '../view/incident-view.ts';
import { createBuildReport, type BuildReport } from './build-report.ts';
import { checkBuiltPage } from './built-page-checks.ts';
import type { BuiltSite } from './dist-browser.ts';
import { searchRelevant, writeSearchIndex } from './search-index.ts';
import { placeCards, renderSocialCards, type CardStats } from './social-cards.ts';
import { stopWith } from './stop.ts';
import { incidentEditions } from './editions.ts';
import { makeTranslator } from '../i18n/catalogue.ts';
import { chartStats } from '../render/charts.ts';

export interface SiteBuild {
  options: AftermathOptions;
  root: string;
  archive?: Archive;
  /** Problems found while pages compile (a diagram that does not draw, MDX the guard refused). */
  renderProblems: ContentProblem[];
  mdxStats: { hits: number; misses: number; ms: number; compiling: number; since: number };
  report: BuildReport;
  pool: ChromiumPool;
  pagesStarted: number;
  cards?: Promise<CardStats>;
  /** The incidents the site publishes. */
  published(): IncidentRecord[];
}

export function createSiteBuild(options: AftermathOptions): SiteBuild {
  const build: SiteBuild = {
    options,
    root: '',
    renderProblems: [],
    mdxStats: { hits: 0, misses: 0, ms: 0, compiling: 0, since: 0 },
    report: createBuildReport(),
    pool: sharedChromiumPool(),
    pagesStarted: 0,
    // Content cannot change during a build: the archive read before it is still current.
    published: () =>
      (build.archive ?? readArchive(build.root, options)).incidents.filter((i) => isPublished(i.frontmatter, false)),
  };
  return build;
}

/**
 * Every diagram the pages will show is known when Astro starts bundling: render the misses in
 * one batch meanwhile, so that pages find them in the cache instead of waiting for them. The
 * social cards need nothing but the records: they are drawn meanwhile too.
 */
export function startBuild(build: SiteBuild, logger: AstroIntegrationLogger): void {
  build.pagesStarted = performance.now();
  const translators = build.options.locales.map((l) => makeTranslator(l.code, l.lang, l.strings));
  const started = prerenderDiagrams(build.published().flatMap((i) => incidentDiagrams(i, translators)));
  if (started > 0) logger.info(`diagrams: rendering ${started} new or changed diagram(s) ahead of the pages`);
  if (!build.options.socialCards) return;
  build.cards = build.report.time('social cards', () =>
    renderSocialCards(build.pool, incidentEditions(build.published(), build.options.locales), build.options.title),
  );
  build.cards.catch(() => {}); // awaited, and its failure reported, when the pages are written
}

/**
 * After the pages are written: check Aftermath's pages (not the site's own), then the search
 * index, cards, label check and PDFs, all under Aftermath's base in dist/.
 */
export async function finishBuild(build: SiteBuild, site: BuiltSite, logger: AstroIntegrationLogger): Promise<void> {
  const { report, options } = build;
  report.add('pages', performance.now() - build.pagesStarted);
  const pagesHash = checkPages(build, site, logger);
  const search = await report.time('search', () => writeSearchIndex(site.dir, pagesHash));
  report.count('search', search.cached ? 1 : 0, search.cached ? 0 : 1);
  logger.info(
    search.cached ? 'search: index from cache (no page changed)' : `search: index built from ${search.indexed} page(s)`,
  );
  if (build.cards) {
    const drawn = await build.cards;
    placeCards(incidentEditions(build.published(), options.locales), site.dir, options.title);
    report.count('social cards', drawn.cached, drawn.rendered);
    logger.info(`social cards: ${drawn.cached} from cache, ${drawn.rendered} rendered`);
  }
  // The diagram text check and the PDFs.
  const reading = await import('./reading-outputs.ts');
  await reading.buildReadingOutputs(
    build.pool,
    incidentEditions(build.published(), options.locales, { every: true }),
    incidentEditions(build.published(), options.locales),
    site,
    logger,
    report,
    options.pdf,
  );
  report.add('diagrams', diagramTiming.busyMs);
  report.add('MDX', build.mdxStats.ms);
  report.count('archive', archiveCacheStats.hits, archiveCacheStats.misses);
  report.count('MDX', build.mdxStats.hits, build.mdxStats.misses);
  report.count('code', codeStats.hits, codeStats.misses);
  report.count('diagrams', diagramStats.hits, diagramStats.misses);
  report.count('charts', chartStats.hits, chartStats.misses);
  report.add('charts', chartStats.ms);
  logger.info(`diagrams: ${diagramStats.hits} from cache, ${diagramStats.misses} rendered`);
  logger.info(`code blocks: ${codeStats.hits} from cache, ${codeStats.misses} highlighted`);
  logger.info(`charts: ${chartStats.hits} from cache, ${chartStats.misses} rendered`);
  logger.info(`MDX files: ${build.mdxStats.hits} from cache, ${build.mdxStats.misses} compiled`);
  for (const line of report.lines()) logger.info(line);
  logger.info('content checks passed: no unrendered diagram, no empty page');
}

/** Reads every page once: checks it (stopping the build on a problem), and hashes it for the search index's cache. */
function checkPages(build: SiteBuild, site: BuiltSite, logger: AstroIntegrationLogger): string {
  const problems: ContentProblem[] = [...build.renderProblems];
  const pages = createHash('sha256');
  for (const file of htmlFiles(site.dir).sort()) {
    const page = relative(site.dir, file);
    const html = readFileSync(file, 'utf8');
    pages.update(page).update('\0').update(searchRelevant(html)).update('\0');
    for (const finding of checkBuiltPage(page, html))
      problems.push({ file: `dist${site.base}${page}`, message: finding.message });
  }
  if (problems.length > 0) stopWith(logger, formatProblems(problems));
  return pages.digest('hex');
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

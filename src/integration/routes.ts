/**
 * Every page and file Aftermath adds to a site, injected under the site's `base` option (so a
 * team's own pages stay theirs). Paths are relative to that base; entry points to src/routes/.
 */
import type { InjectedRoute } from 'astro';
import { packageFile } from '../package-root.ts';

/** The feeds' file extensions (FEED_PATHS in src/exports/feeds.ts): Atom, RSS, JSON Feed. */
const FEED_EXTENSIONS = ['atom', 'xml', 'json'];

interface AftermathRoute {
  /** Relative to the base, e.g. `incidents/[slug]/`; empty for the base itself. */
  path: string;
  /** Relative to src/routes/. */
  entrypoint: string;
  /** Injected only when the option is on: the site is Aftermath's alone; it has several locales. */
  when?: 'rootOfSite' | 'locales';
}

const ROUTES: AftermathRoute[] = [
  { path: '', entrypoint: 'index.astro' },
  { path: 'incidents/[slug]', entrypoint: 'incidents/[slug].astro' },
  { path: 'incidents/[slug].json', entrypoint: 'incidents/[slug].json.ts' },
  { path: 'incidents/[slug].md', entrypoint: 'incidents/[slug].md.ts' },
  { path: 'incidents/[slug]/repros/[repro]', entrypoint: 'incidents/[slug]/repros/[repro]/index.astro' },
  { path: 'incidents/[slug]/repros/[repro]/[cell]', entrypoint: 'incidents/[slug]/repros/[repro]/[cell].astro' },
  { path: '[facet]/[value]', entrypoint: '[facet]/[value].astro' },
  { path: 'tags', entrypoint: 'tags/index.astro' },
  { path: 'follow-ups', entrypoint: 'follow-ups/index.astro' },
  { path: 'follow-ups/[facet]/[value]', entrypoint: 'follow-ups/[facet]/[value].astro' },
  { path: 'search', entrypoint: 'search.astro' },
  // One pattern per extension: a pattern that ends in one is a file, which `astro dev` serves
  // without a trailing slash, as a static host does.
  ...FEED_EXTENSIONS.map((ext) => ({ path: `feeds/[name].${ext}`, entrypoint: 'feeds/[name].ts' })),
  { path: 'api/v2/incidents.json', entrypoint: 'api/v2/incidents.json.ts' },
  { path: 'osv/[slug].json', entrypoint: 'osv/[slug].json.ts' },
  { path: 'badges/[slug]/[repro].json', entrypoint: 'badges/[slug]/[repro].json.ts' },
  { path: 'badges/[slug]/[repro].svg', entrypoint: 'badges/[slug]/[repro].svg.ts' },
  { path: 'diagrams/[name].svg', entrypoint: 'diagrams/[name].svg.ts' },
  { path: 'schemas/incident-v2.json', entrypoint: 'schemas/incident-v2.json.ts' },
  { path: 'theme.js', entrypoint: 'theme.js.ts' },
  { path: 'favicon.svg', entrypoint: 'favicon.svg.ts' },
  // A static host serves one 404 page for the whole site: Aftermath's only when the site is its own.
  { path: '404', entrypoint: '404.astro', when: 'rootOfSite' },
  // The pages each further locale has (/zh-cn/…); the others stay in the incidents' language.
  { path: '[locale]', entrypoint: '[locale]/index.astro', when: 'locales' },
  { path: '[locale]/incidents/[slug]', entrypoint: '[locale]/incidents/[slug].astro', when: 'locales' },
  { path: '[locale]/follow-ups', entrypoint: '[locale]/follow-ups/index.astro', when: 'locales' },
  {
    path: '[locale]/follow-ups/[facet]/[value]',
    entrypoint: '[locale]/follow-ups/[facet]/[value].astro',
    when: 'locales',
  },
  { path: '[locale]/search', entrypoint: '[locale]/search.astro', when: 'locales' },
  ...FEED_EXTENSIONS.map((ext) => ({
    path: `[locale]/feeds/[name].${ext}`,
    entrypoint: '[locale]/feeds/[name].ts',
    when: 'locales' as const,
  })),
];

/** The routes for a site whose postmortems live under `base` ('/' or e.g. '/postmortems/'). */
export function aftermathRoutes(base: string, locales = 1): InjectedRoute[] {
  const on = { rootOfSite: base === '/', locales: locales > 1 };
  return ROUTES.filter((route) => !route.when || on[route.when]).map((route) => ({
    pattern: `${base}${route.path}`,
    entrypoint: packageFile(`src/routes/${route.entrypoint}`),
    prerender: true,
  }));
}

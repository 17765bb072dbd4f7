/**
 * What the pages know of the site's options, as Vite virtual modules (the Starlight pattern):
 *
 * - `virtual:aftermath/config`: the base every link starts with (Astro's base, then Aftermath's),
 *   the title, description, logo and navigation, and which outputs exist (PDF, social cards).
 * - `virtual:aftermath/components/<Name>`: the site's own component where `components` names
 *   one, Aftermath's otherwise.
 * - `virtual:aftermath/mdx-components`: every component an incident's MDX may use, by name
 *   (src/archive/mdx/registry.ts: Aftermath's and the site's).
 */
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OVERRIDABLE_COMPONENTS, type AftermathOptions } from '../schemas/options.ts';
import type { MdxComponent } from '../archive/mdx/component.ts';
import type { SiteMdxComponent } from '../archive/mdx/registry.ts';
import { packageFile } from '../package-root.ts';
import type { LocaleDefinition } from '../i18n/registry.ts';

/** What `virtual:aftermath/config` exports (src/virtual-modules.d.ts declares the same). */
export interface SiteConfig {
  /** Where the postmortems start, with a trailing slash: '/', '/postmortems/', '/repo/postmortems/'. */
  base: string;
  title: string;
  description: string;
  logo?: { src: string; alt: string };
  nav: { label: string; href: string }[];
  pdf: boolean;
  socialCards: boolean;
  /** The site has a sitemap (@astrojs/sitemap): pages link to it. */
  sitemap: boolean;
  /** The project's root folder on the build machine (the Markdown export reads the stories there). */
  root: string;
  /** Aftermath's version, printed in the footer and the generator tag. */
  version: string;
  /** The MDX components the site adds (`aftermath({ mdxComponents })`), for the Markdown export. */
  mdxComponents: Readonly<Record<string, SiteMdxComponent>>;
  /** The site's locales, the incidents' own language first, each with its catalogue (src/i18n/). */
  locales: LocaleDefinition[];
}

const CONFIG = 'virtual:aftermath/config';
const MDX_COMPONENTS = 'virtual:aftermath/mdx-components';

export const AFTERMATH_VERSION: string = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version;
const COMPONENT = 'virtual:aftermath/components/';

/** Astro's base ('/' or '/repo', with or without a slash) and Aftermath's, as one path. */
export function joinBase(astroBase: string, aftermathBase: string): string {
  return `${astroBase.replace(/\/?$/, '/')}${aftermathBase.replace(/^\//, '')}`;
}

export function virtualModules(
  options: AftermathOptions,
  site: { root: string; astroBase: string; sitemap: boolean; mdxComponents: readonly MdxComponent[] },
): Plugin {
  const config = {
    base: joinBase(site.astroBase, options.base),
    title: options.title,
    description: options.description,
    nav: options.nav,
    pdf: options.pdf,
    socialCards: options.socialCards,
    sitemap: site.sitemap,
    root: site.root,
    version: AFTERMATH_VERSION,
    mdxComponents: options.mdxComponents,
    locales: options.locales,
  } satisfies Omit<SiteConfig, 'logo'>;
  const modules = new Map<string, string>();
  const logo = options.logo
    ? [
        `import logoSrc from ${JSON.stringify(`${join(site.root, options.logo.src)}?url`)};`,
        `export default { ...${JSON.stringify(config)}, logo: { src: logoSrc, alt: ${JSON.stringify(options.logo.alt)} } };`,
      ]
    : [`export default ${JSON.stringify(config)};`];
  modules.set(CONFIG, logo.join('\n'));
  modules.set(
    MDX_COMPONENTS,
    [
      ...site.mdxComponents.map((c) => `import ${c.name} from ${JSON.stringify(fileURLToPath(c.file))};`),
      `export default { ${site.mdxComponents.map((c) => c.name).join(', ')} };`,
    ].join('\n'),
  );
  for (const name of OVERRIDABLE_COMPONENTS) {
    const own = options.components[name];
    const file = own ? join(site.root, own) : fileURLToPath(packageFile(`src/components/Site${name}.astro`));
    modules.set(`${COMPONENT}${name}`, `export { default } from ${JSON.stringify(file)};`);
  }
  return {
    name: 'aftermath:virtual-modules',
    resolveId(id) {
      return modules.has(id) ? `\0${id}` : undefined;
    },
    load(id) {
      return id.startsWith('\0') ? modules.get(id.slice(1)) : undefined;
    },
  };
}

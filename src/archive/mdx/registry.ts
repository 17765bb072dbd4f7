/**
 * The MDX components of a site: Aftermath's (one line each below; each a module of this folder)
 * and those the site's config adds (`aftermath({ mdxComponents: { Alert: {…} } })`, see
 * docs/configuration.md). The archive's checks, the incident page (through
 * `virtual:aftermath/mdx-components`), the content guard and the Markdown export all read this.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MdxComponent } from './component.ts';
import { fact } from './fact.ts';
import { measure } from './measure.ts';
import { ref } from './ref.ts';
import { repro } from './repro.ts';
import { verdict } from './verdict.ts';

export const BUILT_IN_MDX_COMPONENTS: readonly MdxComponent[] = [fact, ref, repro, verdict, measure];

/** A component a site adds: its .astro file, the attributes it needs, its Markdown. */
export interface SiteMdxComponent {
  /** The .astro file, relative to the project's root. */
  component: string;
  /** Attributes every use needs, each with what it names. */
  attributes?: Record<string, string>;
  /** The use in the Markdown export, with {attribute} for an attribute's value; left out without one. */
  markdown?: string;
}

/** Aftermath's components, then the site's. */
export function mdxComponents(root = '', site: Readonly<Record<string, SiteMdxComponent>> = {}): MdxComponent[] {
  return [
    ...BUILT_IN_MDX_COMPONENTS,
    ...Object.entries(site).map(([name, spec]): MdxComponent => ({
      name,
      file: pathToFileURL(join(root, spec.component)),
      attributes: spec.attributes ?? {},
      markdown: (attributes) => (spec.markdown ?? '').replace(/\{(\w+)\}/g, (_, key: string) => attributes[key] ?? ''),
    })),
  ];
}

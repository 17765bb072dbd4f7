/**
 * `aftermath/components`: the components an incident's MDX uses (by name, without importing
 * them), and the site's header and footer, for a site whose own Header or Footer
 * (`aftermath({ components })`) wraps or reuses Aftermath's.
 */
export { default as Fact } from './Fact.astro';
export { default as Ref } from './Ref.astro';
export { default as Repro } from './Repro.astro';
export { default as Verdict } from './Verdict.astro';
export { default as SiteHeader } from './SiteHeader.astro';
export { default as SiteFooter } from './SiteFooter.astro';

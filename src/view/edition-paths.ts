/**
 * Where an incident page's outputs are published, for each edition (the site's first locale at
 * `incidents/<slug>`, another's at `<locale>/incidents/<slug>`): plain paths, imported both by
 * the pages and by the build that writes the files.
 */

/** An edition's social card under the base: `og/<slug>.png`, `og/zh-cn/<slug>.png`. */
export const cardPath = (page: string): string => `og/${page.replace(/incidents\//, '')}.png`;

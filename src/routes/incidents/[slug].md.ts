/** `/incidents/<slug>.md`: the incident as one Markdown document (src/view/markdown-export.ts), for trackers and wikis. */
import config from 'virtual:aftermath/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { splitFrontmatter } from '../../domain/mdx-source.ts';
import { incidentPageUrl, siteRoot } from '../../exports/incident-json.ts';
import { incidentPageView } from '../../view/incident-view.ts';
import { incidentMarkdown } from '../../view/markdown-export.ts';
import { mdxComponents } from '../../archive/mdx/registry.ts';
import { incidentPaths } from '../../view/published.ts';

export const getStaticPaths = incidentPaths;

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

export const GET: APIRoute<Props> = async ({ props, site }) => {
  const { incident } = props;
  // The story as written (the content store keeps no body: Astro renders the MDX file itself),
  // from the file the archive has read and confined to its incident's folder.
  const body = splitFrontmatter(readFileSync(join(config.root, incident.file), 'utf8'))?.body ?? '';
  const view = await incidentPageView(incident);
  const pageUrl = incidentPageUrl(siteRoot(site, config.base), incident.slug);
  const components = mdxComponents(config.root, config.mdxComponents);
  return new Response(incidentMarkdown(view, body, pageUrl, components), {
    headers: { 'Content-Type': 'text/markdown; charset=utf-8' },
  });
};

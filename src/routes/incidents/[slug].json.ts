/** `/incidents/<slug>.json`: the incident as data, in the shape of `/schemas/incident-v2.json`. */
import config from 'virtual:aftermath/config';
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { incidentPaths } from '../../view/published.ts';
import { incidentExport, incidentPageUrl, incidentSchemaUrl, siteRoot } from '../../exports/incident-json.ts';
import { incidentExportSchema } from '../../schemas/export.ts';

export const getStaticPaths = incidentPaths;

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

export const GET: APIRoute<Props> = ({ props, site }) => {
  // Without a configured `site` the URLs in the document are paths (see siteRoot).
  const root = siteRoot(site, config.base);
  const document = incidentExport(props.incident, incidentPageUrl(root, props.incident.slug), incidentSchemaUrl(root));
  // A document that breaks the schema published beside it fails the build instead of shipping.
  incidentExportSchema.parse(document);
  return new Response(`${JSON.stringify(document, null, 2)}\n`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};

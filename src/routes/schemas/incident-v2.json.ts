/** `/schemas/incident-v2.json`: the JSON Schema (draft 2020-12) of `/incidents/<slug>.json`. */
import config from 'virtual:aftermath/config';
import type { APIRoute } from 'astro';
import { incidentSchemaUrl, siteRoot } from '../../exports/incident-json.ts';
import { incidentExportJsonSchema } from '../../schemas/export.ts';

export const GET: APIRoute = ({ site }) => {
  // The schema's $id is its own address; a path when no `site` is configured.
  const schema = incidentExportJsonSchema(incidentSchemaUrl(siteRoot(site, config.base)));
  return new Response(`${JSON.stringify(schema, null, 2)}\n`, {
    headers: { 'Content-Type': 'application/schema+json; charset=utf-8' },
  });
};

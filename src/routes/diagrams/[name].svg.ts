/** `/diagrams/<name>.svg`: each diagram of every published incident as a file of its own, at full size. */
import config from 'virtual:aftermath/config';
import type { APIRoute, InferGetStaticPropsType } from 'astro';
import { translator } from '../../view/page-locale.ts';
import { diagramFileName } from '../../view/diagram-files.ts';
import { incidentDiagrams, standaloneDiagram, type IncidentDiagram } from '../../view/incident-view.ts';
import { publishedIncidents } from '../../view/published.ts';

export async function getStaticPaths() {
  const diagrams = new Map<string, IncidentDiagram>();
  const translators = config.locales.map(translator);
  for (const entry of await publishedIncidents()) {
    for (const diagram of incidentDiagrams(entry.data, translators))
      diagrams.set(diagramFileName(diagram).replace(/\.svg$/, ''), diagram);
  }
  // The file's name is a hash of the diagram's source: it is the key.
  return [...diagrams].map(([name, diagram]) => ({ params: { name }, props: { diagram }, cacheKey: name }));
}

type Props = InferGetStaticPropsType<typeof getStaticPaths>;

const headers = { 'Content-Type': 'image/svg+xml; charset=utf-8' };

export const GET: APIRoute<Props> = async ({ props }) => {
  const { diagram } = props;
  try {
    return new Response(await standaloneDiagram(diagram), { headers });
  } catch {
    // The page that shows the diagram reports why, where it is written; the build stops there.
    const text = `This diagram could not be rendered: see ${diagram.file}${diagram.line ? ` line ${diagram.line}` : ''}.`;
    return new Response(
      `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40"><text x="8" y="24">${text.replace(/[<&]/g, '')}</text></svg>\n`,
      { headers },
    );
  }
};

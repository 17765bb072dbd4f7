/**
 * Every Mermaid diagram an incident's page shows, known before any page renders: the fences of
 * its MDX, the fix graph drawn from history.yaml and each recorded repro's wire trace. The build
 * renders them ahead of the pages (./diagrams.ts `prerenderDiagrams`); `npm run check` renders
 * them with the real `mermaid` package to report broken ones, located in their files, before a build.
 */
import { join } from 'node:path';
import { fixGraphDiagram } from '../domain/fix-graph.ts';
import { mermaidProblem } from '../render/mermaid-errors.ts';
import { reproTraceMermaid, summarizeRepro } from './repro-view.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import type { IncidentRecord } from '../archive/archive.ts';
import { renderDiagram, type DiagramRequest } from '../render/diagrams.ts';

export interface IncidentDiagram extends DiagramRequest {
  /** The file the diagram comes from, relative to the project root, and the line of its fence. */
  file: string;
  line?: number;
}

/** The same sources and id prefixes the incident page uses, so both share cache entries. */
export function incidentDiagrams(incident: IncidentRecord): IncidentDiagram[] {
  const diagrams: IncidentDiagram[] = incident.diagrams.map((d, i) => ({ source: d.value, prefix: `mermaid-${i}`, file: incident.file, line: d.line }));
  const fixGraph = fixGraphDiagram(incident.history);
  if (fixGraph) diagrams.push({ source: fixGraph, prefix: 'fix-graph', file: join(incident.dir, 'history.yaml') });
  for (const repro of incident.repros) {
    const trace = reproTraceMermaid(repro.manifest, summarizeRepro(repro.results, repro.stale));
    if (trace) diagrams.push({ source: trace, prefix: `trace-${repro.id}`, file: join(repro.dir, 'results.json') });
  }
  return diagrams;
}

export async function checkDiagrams(incidents: readonly IncidentRecord[]): Promise<{ problems: ContentProblem[]; count: number }> {
  const diagrams = incidents.flatMap(incidentDiagrams);
  const results = await Promise.allSettled(diagrams.map((d) => renderDiagram(d.source, d.prefix)));
  const problems = results.flatMap((result, i) => {
    const d = diagrams[i]!;
    return result.status === 'rejected' ? [mermaidProblem(d.file, d.line, result.reason, d.source)] : [];
  });
  return { problems, count: diagrams.length };
}

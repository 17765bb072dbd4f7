/**
 * Renders every Mermaid diagram of the archive with the real `mermaid` package (through the
 * same cache and Chromium session as the build) and reports the ones that fail, located in their
 * files. Used by `npm run check`, which otherwise would not notice a broken diagram until the build.
 */
import { mermaidProblem } from '../lib/mermaid-errors.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import type { IncidentRecord } from './archive.ts';
import { renderDiagram } from './diagrams.ts';

export async function checkDiagrams(incidents: readonly IncidentRecord[]): Promise<{ problems: ContentProblem[]; count: number }> {
  // The same id prefix per position as the build uses, so both share cache entries.
  const diagrams = incidents.flatMap((incident) => incident.diagrams.map((d, i) => ({ ...d, file: incident.file, prefix: `mermaid-${i}` })));
  const results = await Promise.allSettled(diagrams.map((d) => renderDiagram(d.value, d.prefix)));
  const problems = results.flatMap((result, i) =>
    result.status === 'rejected' ? [mermaidProblem(diagrams[i]!.file, diagrams[i]!.line, result.reason, diagrams[i]!.value)] : [],
  );
  return { problems, count: diagrams.length };
}

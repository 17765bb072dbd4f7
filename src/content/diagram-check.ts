/**
 * Renders every Mermaid diagram of the archive with the real `mermaid` package in one
 * Chromium session, and reports the ones that fail, located in their files. Used by
 * `npm run check`, which otherwise would not notice a broken diagram until the build.
 */
import { createMermaidRenderer } from 'mermaid-isomorphic';
import { chromiumLaunchOptions } from '../lib/chromium.ts';
import { mermaidProblem } from '../lib/mermaid-errors.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import type { IncidentRecord } from './archive.ts';

export async function checkDiagrams(incidents: readonly IncidentRecord[]): Promise<{ problems: ContentProblem[]; count: number }> {
  const diagrams = incidents.flatMap((incident) => incident.diagrams.map((d) => ({ ...d, file: incident.file })));
  if (diagrams.length === 0) return { problems: [], count: 0 };
  const render = createMermaidRenderer({ launchOptions: chromiumLaunchOptions });
  const results = await render(diagrams.map((d) => d.value));
  const problems = results.flatMap((result, i) =>
    result.status === 'rejected' ? [mermaidProblem(diagrams[i]!.file, diagrams[i]!.line, result.reason, diagrams[i]!.value)] : [],
  );
  return { problems, count: diagrams.length };
}

/**
 * What a repro's box on the page says, computed from its manifest and its recording: whether
 * it ran, when and where, how each cell turned out, and which cell's transcript and wire trace
 * to show first.
 */
import type { CellResult, Verdict } from '../repro/runner.ts';
import type { ReproResults } from '../repro/results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { traceSequenceDiagram } from './trace-diagram.ts';

export type ReproState = 'not-run' | 'stale' | 'recorded';

export const VERDICT_LABEL: Record<Verdict, string> = {
  reproduced: '✗ reproduced',
  'not-reproduced': '✓ not reproduced',
  error: '! error',
  skipped: '– skipped',
};

export interface ReproSummary {
  state: ReproState;
  counts: Partial<Record<Verdict, number>>;
  /** Cells whose verdict contradicts the manifest's prediction. */
  violated: number;
  /** Where the cells that ran, ran: `Linux 6.1 x64, Python 3.11.2, redis-server 7.0.15`. */
  where?: string;
  recordedAt?: string;
  /** The cell to show first: a reproduced one with a trace, else any that ran with a trace. */
  featured?: CellResult;
}

export function cellParameters(cell: CellResult): string {
  const entries = Object.entries(cell.parameters);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : '—';
}

export function summarizeRepro(results: ReproResults | undefined, stale: boolean): ReproSummary {
  if (!results) return { state: 'not-run', counts: {}, violated: 0 };
  const counts: Partial<Record<Verdict, number>> = {};
  for (const cell of results.cells) counts[cell.verdict] = (counts[cell.verdict] ?? 0) + 1;
  const ran = results.cells.filter((c) => c.verdict !== 'skipped');
  const env = ran[0]?.environment;
  const where = env
    ? [env.os, env.interpreterVersion && `${env.runtime === 'python' ? 'Python' : 'Node'} ${env.interpreterVersion.replace(/^v/, '')}`, env.redisServerVersion && `redis-server ${env.redisServerVersion}`].filter(Boolean).join(', ')
    : undefined;
  const withTrace = ran.filter((c) => c.trace.messages.length > 0);
  return {
    state: stale ? 'stale' : 'recorded',
    counts,
    violated: results.cells.filter((c) => c.expectation === 'violated').length,
    where,
    recordedAt: results.recordedAt,
    featured: withTrace.find((c) => c.verdict === 'reproduced') ?? withTrace[0],
  };
}

/** A reason without the tool's own error text in parentheses (the transcripts keep it whole). */
export function shortReason(reason: string): string {
  return reason.replace(/\s*\([^()]*\)$/, '');
}

/** The line of stdout that decided the verdict (for the diagram's closing note). */
export function decidingLine(cell: CellResult, manifest: ReproManifest): string | undefined {
  const patterns = [manifest.expect.reproduced, manifest.expect.not_reproduced].map((p) => new RegExp(p));
  return cell.stdout.split('\n').find((line) => patterns.some((p) => p.test(line)));
}

/** The command that runs this repro on a reader's machine. */
export function reproCommand(incident: string, id: string, manifest: ReproManifest): string {
  const python = manifest.runtime === 'python' ? 'REPRO_PYTHON=/usr/bin/python3 ' : '';
  return `${python}npm run repro -- ${incident} ${id}`;
}

/** The sequence diagram of the featured cell's wire trace, as Mermaid source (none without a trace). */
export function reproTraceMermaid(manifest: ReproManifest, summary: ReproSummary): string | undefined {
  const featured = summary.featured;
  if (!featured) return undefined;
  const replyDelayMs = manifest.proxy ? (manifest.proxy.downstream_delay_ms ?? manifest.proxy.delay_ms) : 0;
  return traceSequenceDiagram(featured.trace, { conclusion: decidingLine(featured, manifest), replyDelayMs });
}

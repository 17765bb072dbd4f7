/**
 * The open regressions of an incident's repros, as the page's notice and the updates feed tell
 * them: which cell, what it was recorded as and when, what the re-run found and when.
 */
import type { IncidentRepro } from '../domain/incident-record.ts';
import { cellLabel } from '../domain/repro-cells.ts';
import { formatDateTime, isInstant, parseTimestamp } from '../domain/time.ts';
import type { Regression } from '../schemas/repro-regressions.ts';
import { VERDICT_WORD } from './repro-view.ts';

export interface RegressionView {
  reproId: string;
  reproTitle: string;
  cell: string;
  /** ISO, for sorting and feeds. */
  detectedAt: string;
  /** One sentence: what flipped, from what to what, and when each side ran. */
  text: string;
}

const day = (iso: string) => {
  const at = parseTimestamp(iso);
  return isInstant(at) ? formatDateTime(at, 'UTC') : iso;
};

export function regressionText(regression: Regression): string {
  const { recorded, fresh } = regression;
  const imported = fresh.imported && fresh.imported !== regression.cell.version ? ` (imported ${fresh.imported})` : '';
  return `${cellLabel(regression.cell)}${imported}: recorded ${VERDICT_WORD[recorded.verdict]} (ran ${day(recorded.ranAt)}), now ${VERDICT_WORD[fresh.verdict]} (ran ${day(fresh.ranAt)})${fresh.reason ? `: ${fresh.reason}` : ''}.`;
}

/** Every open regression of the incident's repros, newest first. */
export function regressionRows(repros: readonly IncidentRepro[]): RegressionView[] {
  return repros
    .flatMap((repro) =>
      repro.regressions.map((regression) => ({
        reproId: repro.id,
        reproTitle: repro.manifest.title,
        cell: cellLabel(regression.cell),
        detectedAt: regression.detectedAt,
        text: regressionText(regression),
      })),
    )
    .sort((a, b) => (a.detectedAt < b.detectedAt ? 1 : a.detectedAt > b.detectedAt ? -1 : 0));
}

/**
 * The open regressions of an incident's repros, as the page's notice and the updates feed tell
 * them: which cell, what it was recorded as and when, what the re-run found and when.
 */
import type { IncidentRepro } from '../domain/incident-record.ts';
import { cellLabel } from '../domain/repro-cells.ts';
import { formatDateTime, isInstant, parseTimestamp } from '../domain/time.ts';
import type { Regression } from '../schemas/repro-regressions.ts';
import { verdictWord } from './repro-view.ts';
import { english, type Translator } from '../i18n/catalogue.ts';

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

export function regressionText(regression: Regression, t: Translator = english): string {
  const { recorded, fresh } = regression;
  const imported =
    fresh.imported && fresh.imported !== regression.cell.version
      ? t('regression.imported', { version: fresh.imported })
      : '';
  return t('regression.text', {
    cell: `${cellLabel(regression.cell)}${imported}`,
    recorded: verdictWord(recorded.verdict, t),
    recordedRan: day(recorded.ranAt),
    now: verdictWord(fresh.verdict, t),
    nowRan: day(fresh.ranAt),
    reason: fresh.reason ? `: ${fresh.reason}` : '',
  });
}

/** Every open regression of the incident's repros, newest first. */
export function regressionRows(repros: readonly IncidentRepro[], t: Translator = english): RegressionView[] {
  return repros
    .flatMap((repro) =>
      repro.regressions.map((regression) => ({
        reproId: repro.id,
        reproTitle: repro.manifest.title,
        cell: cellLabel(regression.cell),
        detectedAt: regression.detectedAt,
        text: regressionText(regression, t),
      })),
    )
    .sort((a, b) => (a.detectedAt < b.detectedAt ? 1 : a.detectedAt > b.detectedAt ? -1 : 0));
}

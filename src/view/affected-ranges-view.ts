/**
 * What a repro that ran a version range found, as the page and the OSV export show it: the
 * affected intervals, how they were computed, and where the advisory it names says otherwise.
 */
import { versionSchemeOf } from '../domain/runtimes.ts';
import {
  affectedIntervals,
  compareWithAdvisory,
  versionOutcomes,
  type AffectedInterval,
  type RangeDisagreement,
} from '../domain/affected-ranges.ts';
import type { IncidentRepro } from '../domain/incident-record.ts';
import type { History, HistoryItem } from '../schemas/history.ts';
import { english, type Translator } from '../i18n/catalogue.ts';

type Advisory = Extract<HistoryItem, { type: 'advisory' }>;

export interface AffectedRangesView {
  packageName: string;
  range: string;
  /** How the versions were listed (`pip index versions redis`), how many, and on which day. */
  listedBy: string;
  count: number;
  listedOn: string;
  intervals: (AffectedInterval & { text: string })[];
  /** Versions that ran but gave no verdict (errors): no boundary is claimed across them. */
  unknown: string[];
  advisory?: {
    id: string;
    url?: string;
    stated: string[];
    agreeing: number;
    disagreements: (RangeDisagreement & { text: string })[];
  };
  /** The recording no longer matches the snippet: the ranges describe the previous version. */
  stale: boolean;
}

const span = (versions: readonly string[], t: Translator) =>
  versions.length === 1
    ? versions[0]!
    : t('ranges.span', { from: versions[0]!, to: versions.at(-1)!, count: versions.length });

function disagreementText(d: RangeDisagreement, id: string, t: Translator): string {
  const vars = { versions: span(d.versions, t), advisory: id, count: d.versions.length };
  return t(d.kind === 'stated-only' ? 'ranges.statedOnly' : 'ranges.measuredOnly', vars);
}

/** `4.4.0rc2 to 4.5.3 (fixed in 4.5.4)`, in the page's words. */
export function intervalText(interval: AffectedInterval, t: Translator = english): string {
  const versions =
    interval.introduced === interval.lastAffected
      ? interval.introduced
      : t('ranges.interval', { from: interval.introduced, to: interval.lastAffected });
  return interval.fixed ? t('ranges.fixedIn', { versions, fixed: interval.fixed }) : t('ranges.notFixed', { versions });
}

/** The computed ranges of a repro that gives a version range and has recorded it; else undefined. */
export function affectedRangesView(
  repro: IncidentRepro,
  history: History,
  t: Translator = english,
): AffectedRangesView | undefined {
  const pkg = repro.manifest.package;
  const listing = repro.results?.versionRange;
  if (!pkg?.range || !listing || listing.range !== pkg.range) return undefined;
  const scheme = versionSchemeOf(repro.manifest.runtime);
  const outcomes = versionOutcomes(repro.results!.cells, scheme);
  const unknown = outcomes.filter(([, o]) => o === 'unknown').map(([v]) => v);
  const advisory = history.items.find(
    (item): item is Advisory =>
      item.type === 'advisory' &&
      pkg.advisory !== undefined &&
      (item.id === pkg.advisory || item.aliases.includes(pkg.advisory)),
  );
  const comparison = advisory && compareWithAdvisory(outcomes, advisory.affected, scheme);
  return {
    packageName: pkg.name,
    range: listing.range,
    listedBy: listing.listedBy,
    count: listing.versions.length,
    listedOn: listing.listedAt.slice(0, 10),
    intervals: affectedIntervals(outcomes).map((interval) => ({ ...interval, text: intervalText(interval, t) })),
    unknown,
    advisory: advisory &&
      comparison && {
        id: advisory.id,
        url: advisory.url,
        stated: advisory.affected,
        agreeing: comparison.agreeing,
        disagreements: comparison.disagreements.map((d) => ({ ...d, text: disagreementText(d, advisory.id, t) })),
      },
    stale: repro.stale,
  };
}

/**
 * What a repro that ran a version range found, as the page and the OSV export show it: the
 * affected intervals, how they were computed, and where the advisory it names says otherwise.
 */
import { versionSchemeOf } from '../domain/runtimes.ts';
import {
  affectedIntervals,
  compareWithAdvisory,
  intervalText,
  versionOutcomes,
  type AffectedInterval,
  type RangeDisagreement,
} from '../domain/affected-ranges.ts';
import type { IncidentRepro } from '../domain/incident-record.ts';
import type { History, HistoryItem } from '../schemas/history.ts';

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

const span = (versions: readonly string[]) =>
  versions.length === 1 ? versions[0]! : `${versions[0]} to ${versions.at(-1)} (${versions.length} releases)`;

function disagreementText(d: RangeDisagreement, id: string): string {
  return d.kind === 'stated-only'
    ? `${span(d.versions)}: ${id} states affected; ${d.versions.length === 1 ? 'it ran' : 'every one ran'} without reproducing`
    : `${span(d.versions)}: reproduced here; ${id} does not list ${d.versions.length === 1 ? 'it' : 'them'}`;
}

/** The computed ranges of a repro that gives a version range and has recorded it; else undefined. */
export function affectedRangesView(repro: IncidentRepro, history: History): AffectedRangesView | undefined {
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
    intervals: affectedIntervals(outcomes).map((interval) => ({ ...interval, text: intervalText(interval) })),
    unknown,
    advisory: advisory &&
      comparison && {
        id: advisory.id,
        url: advisory.url,
        stated: advisory.affected,
        agreeing: comparison.agreeing,
        disagreements: comparison.disagreements.map((d) => ({ ...d, text: disagreementText(d, advisory.id) })),
      },
    stale: repro.stale,
  };
}

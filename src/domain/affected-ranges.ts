/**
 * Affected version ranges computed from a recorded matrix, and how they compare with the ranges
 * an advisory states. Only versions that ran count: an error or a skipped cell is "unknown",
 * never silently "fixed". With parameters, a version is affected when any of its cells reproduced.
 */
import type { CellResult } from '../schemas/repro-results.ts';
import type { VersionScheme } from './version-schemes/scheme.ts';

export type VersionOutcome = 'affected' | 'unaffected' | 'unknown';

export interface AffectedInterval {
  /** The first affected version of the interval (OSV "introduced"). */
  introduced: string;
  /** The last version that ran and was affected. */
  lastAffected: string;
  /** The first version after it that ran and was not affected (OSV "fixed"); none while the newest is affected. */
  fixed?: string;
  versions: string[];
  /** Versions inside the interval (or at its edge) whose cells did not all run: the boundary is not proven there. */
  unknown: string[];
}

/** What each version's cells say, oldest version first (pinned versions only: `installed` and `latest` name no release). */
export function versionOutcomes(
  cells: readonly Pick<CellResult, 'version' | 'verdict'>[],
  scheme: VersionScheme,
): [string, VersionOutcome][] {
  const byVersion = new Map<string, VersionOutcome>();
  for (const cell of cells) {
    if (cell.version === 'installed' || cell.version === 'latest') continue;
    const previous = byVersion.get(cell.version);
    const outcome: VersionOutcome =
      cell.verdict === 'reproduced' ? 'affected' : cell.verdict === 'not-reproduced' ? 'unaffected' : 'unknown';
    if (previous === 'affected' || outcome === 'affected') byVersion.set(cell.version, 'affected');
    else if (previous === 'unknown' || outcome === 'unknown') byVersion.set(cell.version, 'unknown');
    else byVersion.set(cell.version, 'unaffected');
  }
  return [...byVersion].sort(([a], [b]) => scheme.compare(a, b));
}

/** Maximal runs of affected versions; unknown versions between two affected ones stay inside (and are named). */
export function affectedIntervals(outcomes: readonly [string, VersionOutcome][]): AffectedInterval[] {
  const intervals: AffectedInterval[] = [];
  let open: AffectedInterval | undefined;
  let pendingUnknown: string[] = [];
  for (const [version, outcome] of outcomes) {
    if (outcome === 'affected') {
      if (open) {
        open.versions.push(...pendingUnknown, version);
        open.unknown.push(...pendingUnknown);
        open.lastAffected = version;
      } else {
        open = { introduced: version, lastAffected: version, versions: [version], unknown: [...pendingUnknown] };
        intervals.push(open);
      }
      pendingUnknown = [];
    } else if (outcome === 'unknown') {
      pendingUnknown.push(version);
    } else {
      if (open) {
        open.fixed = version;
        open.unknown.push(...pendingUnknown);
      }
      open = undefined;
      pendingUnknown = [];
    }
  }
  if (open) open.unknown.push(...pendingUnknown);
  return intervals;
}

/** A run of consecutive versions (in the matrix) on which the measurement and the advisory disagree. */
export interface RangeDisagreement {
  /** `stated-only`: the advisory says affected, every cell ran clean; `measured-only`: the reverse. */
  kind: 'stated-only' | 'measured-only';
  versions: string[];
}

export interface AdvisoryComparison {
  /** Versions whose outcome is known, and on which both agree. */
  agreeing: number;
  disagreements: RangeDisagreement[];
}

/** Whether an advisory's stated ranges (e.g. `>=4.2.0, <4.4.4`) include `version`. */
export function statedAffected(stated: readonly string[], version: string, scheme: VersionScheme): boolean {
  return stated.some((range) => scheme.satisfies(version, range));
}

/** Where the measured outcomes and the advisory's stated ranges part, in runs of neighbouring versions. */
export function compareWithAdvisory(
  outcomes: readonly [string, VersionOutcome][],
  stated: readonly string[],
  scheme: VersionScheme,
): AdvisoryComparison {
  let agreeing = 0;
  const disagreements: RangeDisagreement[] = [];
  let current: RangeDisagreement | undefined;
  for (const [version, outcome] of outcomes) {
    if (outcome === 'unknown') {
      current = undefined;
      continue;
    }
    const says = statedAffected(stated, version, scheme);
    const kind =
      says && outcome === 'unaffected' ? 'stated-only' : !says && outcome === 'affected' ? 'measured-only' : undefined;
    if (!kind) {
      agreeing++;
      current = undefined;
    } else if (current?.kind === kind) current.versions.push(version);
    else {
      current = { kind, versions: [version] };
      disagreements.push(current);
    }
  }
  return { agreeing, disagreements };
}

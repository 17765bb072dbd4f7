/**
 * An incident's computed affected ranges as one OSV document (https://ossf.github.io/osv-schema/):
 * one `affected` entry per repro that ran a version range, its events the intervals the runs
 * found. The ranges are measurements, not a copy of the advisory: the advisories a repro was
 * compared with are `related`, not `aliases`. Pure.
 */
import { runtimeInfo } from '../domain/runtimes.ts';
import type { IncidentRepro } from '../domain/incident-record.ts';
import type { AffectedRangesView } from '../view/affected-ranges-view.ts';

export const OSV_SCHEMA_VERSION = '1.7.0';

export interface OsvSource {
  slug: string;
  title: string;
  /** The incident page; left out of the references unless absolute (a site without `site` set). */
  pageUrl: string;
  repros: { repro: IncidentRepro; ranges: AffectedRangesView }[];
}

type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string };

/** OSV timestamps are RFC 3339 in UTC with a `Z`. */
const utc = (iso: string) => new Date(iso).toISOString();
const absolute = (url: string | undefined): url is string => url !== undefined && /^https?:\/\//.test(url);

/**
 * Intervals with a release that ran clean after them end in `fixed`; the others end at their last
 * affected release. OSV forbids both kinds in one range, so each kind gets its own.
 */
function ecosystemRanges(ranges: AffectedRangesView): { type: 'ECOSYSTEM'; events: OsvEvent[] }[] {
  const fixed = ranges.intervals.filter((i) => i.fixed !== undefined);
  const open = ranges.intervals.filter((i) => i.fixed === undefined);
  return [
    fixed.flatMap((i): OsvEvent[] => [{ introduced: i.introduced }, { fixed: i.fixed! }]),
    open.flatMap((i): OsvEvent[] => [{ introduced: i.introduced }, { last_affected: i.lastAffected }]),
  ]
    .filter((events) => events.length > 0)
    .map((events) => ({ type: 'ECOSYSTEM', events }));
}

export function osvDocument(source: OsvSource): Record<string, unknown> {
  const recorded = source.repros.map(({ repro }) => repro.results!.recordedAt).sort();
  const related = [...new Set(source.repros.flatMap(({ ranges }) => (ranges.advisory ? [ranges.advisory.id] : [])))];
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: `x_AFTERMATH-${source.slug}`,
    modified: utc(recorded.at(-1)!),
    ...(related.length > 0 && { related }),
    summary: source.title,
    details: `Affected versions measured by running this incident's reproductions against every release in the range each names (${source.repros
      .map(({ repro, ranges }) => `${repro.id}: ${ranges.packageName} ${ranges.range}`)
      .join(
        '; ',
      )}). A release is affected when a run reproduced the bug; a run that gave no verdict proves nothing either way and is listed under database_specific.unknown.`,
    affected: source.repros.map(({ repro, ranges }) => ({
      package: { ecosystem: runtimeInfo(repro.manifest).ecosystem, name: ranges.packageName },
      ranges: ecosystemRanges(ranges),
      versions: ranges.intervals.flatMap((interval) => interval.versions.filter((v) => !interval.unknown.includes(v))),
      database_specific: {
        repro: repro.id,
        range: ranges.range,
        recorded_at: utc(repro.results!.recordedAt),
        unknown: ranges.unknown,
        ...(ranges.stale && { stale: true }),
      },
    })),
    references: [
      ...(absolute(source.pageUrl) ? [{ type: 'EVIDENCE', url: source.pageUrl }] : []),
      ...source.repros.flatMap(({ ranges }) =>
        absolute(ranges.advisory?.url) ? [{ type: 'ADVISORY', url: ranges.advisory.url }] : [],
      ),
    ],
  };
}

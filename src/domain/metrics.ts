/**
 * Incident metrics, computed from typed moments and events, never typed by hand. Each metric
 * has one definition, shown to readers beside its value; an unknown bound makes it unknown.
 */
import type { IncidentFrontmatter } from '../schemas/incident.ts';
import type { History, HistoryItem } from '../schemas/history.ts';
import type { TimelineEntry } from '../schemas/timeline.ts';
import { historyKey, historyLabel } from './history-keys.ts';
import { formatDuration, type Instant } from './time.ts';

export interface Moment {
  label: string;
  at: Instant;
  /**
   * What the label says, for pages in another language: a key moment from the frontmatter, or
   * the report `opened` (of `subject`); a timeline entry or a release is named by `label` itself.
   */
  word?: 'started' | 'detected' | 'mitigated' | 'resolved' | 'opened';
  subject?: string;
}

export interface Metric {
  key: 'time-to-detect' | 'time-to-mitigate' | 'time-to-resolve' | 'impact-window' | 'report-to-fix-release';
  label: string;
  definition: string;
  /** Milliseconds; undefined when a bound is unknown. */
  value?: number;
  /** `9 h`, `6 d`, or `unknown`. */
  text: string;
  /** Counted in whole days (a bound known only to the day). */
  days?: boolean;
  from?: Moment;
  to?: Moment;
}

const DAY = 86_400_000;

/**
 * The span between two moments. When either is known only to the day, the span is counted in
 * whole days between the two calendar dates (UTC), since hours would be invented.
 */
export function spanBetween(from: Instant, to: Instant): { ms: number; text: string; days?: boolean } {
  if (from.precision === 'exact' && to.precision === 'exact') {
    const ms = to.ms - from.ms;
    return { ms, text: formatDuration(ms) };
  }
  const startOfDay = (i: Instant) => Math.floor(i.ms / DAY) * DAY;
  const days = Math.round((startOfDay(to) - startOfDay(from)) / DAY);
  return { ms: days * DAY, text: `${days} d`, days: true };
}

// Hour-scale metrics need exact times: an event known only to the day would invent hours.
function first(entries: readonly TimelineEntry[], kinds: readonly TimelineEntry['kind'][]): Moment | undefined {
  const found = entries
    .filter((e) => kinds.includes(e.kind) && e.at.precision === 'exact')
    .sort((a, b) => a.at.ms - b.at.ms)[0];
  return found ? { label: found.title, at: found.at } : undefined;
}

function last(entries: readonly TimelineEntry[], kinds: readonly TimelineEntry['kind'][]): Moment | undefined {
  const found = entries
    .filter((e) => kinds.includes(e.kind) && e.at.precision === 'exact')
    .sort((a, b) => b.at.ms - a.at.ms)[0];
  return found ? { label: found.title, at: found.at } : undefined;
}

function metric(key: Metric['key'], label: string, definition: string, from?: Moment, to?: Moment): Metric {
  if (!from || !to) return { key, label, definition, text: 'unknown', from, to };
  const span = spanBetween(from.at, to.at);
  return { key, label, definition, value: span.ms, text: span.text, ...(span.days && { days: true }), from, to };
}

/** The key moments, from the frontmatter when known, else from the timeline's typed events. */
export function keyMoments(fm: IncidentFrontmatter, timeline: readonly TimelineEntry[]) {
  const own = (label: string, word: Moment['word'], at: Instant | null): Moment | undefined =>
    at ? { label, at, word } : undefined;
  return {
    started: own('Started (frontmatter)', 'started', fm.started) ?? first(timeline, ['impact-start', 'trigger']),
    detected: own('Detected (frontmatter)', 'detected', fm.detected) ?? first(timeline, ['detected', 'investigating']),
    mitigated:
      own('Mitigated (frontmatter)', 'mitigated', fm.mitigated) ?? first(timeline, ['mitigated', 'monitoring']),
    resolved: own('Resolved (frontmatter)', 'resolved', fm.resolved) ?? first(timeline, ['resolved']),
  };
}

/**
 * The first report of the incident's bug and the first release that shipped a fix for it. The
 * report is an issue that a pull request `fixes` and that names its cause (`caused-by`), so a
 * fix of some older, unrelated issue in the same history does not count; when no fixed issue
 * names a cause, any fixed issue does. The release is one that such a pull request is
 * `released-in`.
 */
export function reportToFixRelease(history: History): { report?: Moment; release?: Moment } {
  const byKey = new Map<string, HistoryItem>(history.items.map((i) => [historyKey(i, history.repository), i]));
  const fixes = history.items.flatMap((pr) => {
    const releases = pr.relations.filter((r) => r.type === 'released-in').map((r) => byKey.get(r.to));
    return pr.relations.filter((r) => r.type === 'fixes').map((r) => ({ issue: byKey.get(r.to), releases }));
  });
  const isReport = (item?: HistoryItem) => item?.type === 'issue' && item.relations.some((r) => r.type === 'caused-by');
  const relevant = fixes.some((f) => isReport(f.issue)) ? fixes.filter((f) => isReport(f.issue)) : fixes;
  const reports: Moment[] = [];
  const releases: Moment[] = [];
  for (const { issue, releases: shipped } of relevant) {
    if (shipped.length === 0) continue;
    const label = (item: HistoryItem) => historyLabel(item, historyKey(item, history.repository));
    if (issue?.type === 'issue' && issue.opened)
      reports.push({ label: `${label(issue)} opened`, at: issue.opened, word: 'opened', subject: label(issue) });
    for (const release of shipped) {
      if (release?.type === 'release' && release.published)
        releases.push({ label: label(release), at: release.published });
    }
  }
  const earliest = (list: Moment[]) => list.sort((a, b) => a.at.ms - b.at.ms)[0];
  return { report: earliest(reports), release: earliest(releases) };
}

export function incidentMetrics(
  fm: IncidentFrontmatter,
  timeline: readonly TimelineEntry[],
  history: History,
): Metric[] {
  const m = keyMoments(fm, timeline);
  const fix = reportToFixRelease(history);
  return [
    metric(
      'time-to-detect',
      'Time to detect',
      'From the start of the incident to its detection (frontmatter started → detected; else the first trigger or impact-start event → the first detected event or "investigating" update).',
      m.started,
      m.detected,
    ),
    metric(
      'time-to-mitigate',
      'Time to mitigate',
      'From the start to mitigation (started → mitigated; else → the first mitigated event or "monitoring" update).',
      m.started,
      m.mitigated,
    ),
    metric(
      'time-to-resolve',
      'Time to resolve',
      'From the start to resolution (started → resolved; else → the first "resolved" update).',
      m.started,
      m.resolved,
    ),
    metric(
      'impact-window',
      'Impact window',
      'From the first impact-start event to the last impact-end event in the timeline.',
      first(timeline, ['impact-start']),
      last(timeline, ['impact-end']),
    ),
    metric(
      'report-to-fix-release',
      'Report to fix release',
      'From the first report of the bug (an issue that names its cause and that a pull request fixes) to the first release that shipped such a fix; counted in days when a date is known only to the day.',
      fix.report,
      fix.release,
    ),
  ];
}
